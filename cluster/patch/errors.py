"""How a failed patch is reported, in the API server's own words.

Kubernetes sorts patch failures three ways: a body that cannot be read as the patch type
says is a 400 BadRequest; a JSON patch whose operations do not apply (a failing `test`, a
missing path) is a 422 Invalid; a strategic merge patch that breaks the merge rules (an
element without its merge key) surfaces as a plain error the server did not classify, which
kubectl prints as `Error from server: <message>` (HTTP 500, empty reason). The messages of
that last kind print Go values (`map[image:nginx]`), so `go_repr` renders Python values the
way Go's `%v` does.
"""

from typing import Any

from cluster.errors import StatusError, bad_request

# The media types the PATCH verb accepts, in the order the API server lists them.
ACCEPTED_MEDIA_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


def unsupported_media_type() -> StatusError:
    accepted = ", ".join(ACCEPTED_MEDIA_TYPES)
    return StatusError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: {accepted}",
    )


def not_applicable(detail: str) -> StatusError:
    """A well-formed patch that does not apply: the server's generic 422, the detail as its cause."""
    return StatusError(
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
        {"causes": [{"message": detail}]},
    )


def unclassified(message: str) -> StatusError:
    """An error the API server passes through without a reason: kubectl prints `Error from server: ...`."""
    return StatusError(500, "", message)


def wrong_body(expected: str, body: Any) -> StatusError:
    return bad_request(f"json: cannot unmarshal {json_kind(body)} into Go value of type {expected}")


def json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else "null"


def go_repr(value: Any) -> str:
    """`%v` of a decoded JSON value in Go: `map[a:1 b:[x y]]`, keys sorted, numbers without `.0`."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_repr(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_repr(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
