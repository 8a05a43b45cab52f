"""What a Kubernetes API path names, worked out the way kube-apiserver's RequestInfo does.

`/api/v1/...` is the core group; `/apis/<group>/<version>/...` the named groups. After the
group-version comes `[namespaces/<ns>/]<plural>[/<name>[/<subresource>]]`, with one special
case: `namespaces/<name>/status` and `namespaces/<name>/finalize` are subresources of the
namespace object itself, not a resource called "status" inside it. Shorter paths are
discovery documents. Pure: no database, no HTTP.
"""

from dataclasses import dataclass

from cluster import kinds
from cluster.errors import StatusError
from cluster.kinds import Kind

NAMESPACE_SUBRESOURCES = ("status", "finalize")


def not_found() -> StatusError:
    return StatusError(404, "NotFound", "the server could not find the requested resource", {})


@dataclass(frozen=True)
class GroupDocument:
    """`/apis/<group>`: one API group and its versions."""

    group: str


@dataclass(frozen=True)
class ResourceList:
    """`/api/v1` or `/apis/<group>/<version>`: the resources one group-version serves."""

    group: str
    version: str


@dataclass(frozen=True)
class Target:
    """A request on objects: a collection, one object, or one object's subresource.

    `namespace` is None for cluster-scoped kinds and for lists across all namespaces.
    """

    kind: Kind
    version: str
    namespace: str | None
    name: str = ""
    subresource: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.kind.group}/{self.version}" if self.kind.group else self.version

    @property
    def is_collection(self) -> bool:
        return not self.name


Parsed = GroupDocument | ResourceList | Target


def served(group: str, version: str) -> bool:
    return any(k.group == group and version in k.versions for k in kinds.all_kinds())


def segments(rest: str) -> list[str]:
    """Path segments, forgiving one trailing slash (the Python client adds them) but no empty names."""
    parts = rest.removesuffix("/").split("/") if rest else []
    if any(not part for part in parts):
        raise not_found()
    return parts


def parse_core(rest: str) -> Parsed:
    """What follows `/api/`."""
    parts = segments(rest)
    if not parts or not served("", parts[0]):
        raise not_found()
    if len(parts) == 1:
        return ResourceList("", parts[0])
    return resource_target("", parts[0], parts[1:])


def parse_group(rest: str) -> Parsed:
    """What follows `/apis/`."""
    parts = segments(rest)
    if not parts or not any(k.group == parts[0] for k in kinds.all_kinds() if k.group):
        raise not_found()
    if len(parts) == 1:
        return GroupDocument(parts[0])
    if not served(parts[0], parts[1]):
        raise not_found()
    if len(parts) == 2:
        return ResourceList(parts[0], parts[1])
    return resource_target(parts[0], parts[1], parts[2:])


def resource_target(group: str, version: str, parts: list[str]) -> Target:
    namespace: str | None = None
    if parts[0] == "namespaces" and len(parts) >= 3 and parts[2] not in NAMESPACE_SUBRESOURCES:
        namespace, parts = parts[1], parts[2:]
    if len(parts) > 3:
        raise not_found()
    plural, name, subresource = (parts + ["", ""])[:3]
    kind = kinds.by_plural(group, plural)
    if kind is None or version not in kind.versions:
        raise not_found()
    if namespace is not None and not kind.namespaced:
        raise not_found()
    if kind.namespaced and namespace is None and name:
        raise not_found()
    if subresource and subresource not in kind.subresources:
        raise not_found()
    return Target(kind, version, namespace, name, subresource)
