"""Validation shared by every kind: names, labels, annotations, required fields.

Each check returns `Cause`s worded exactly as the Kubernetes API server words them, so
that `kubectl` prints the same lines a learner would see on a real cluster.
"""

import re
from typing import Any

from cluster.errors import Cause

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

MAX_LABELS_BYTES = 256 * 1024


def required(field: str, what: str = "") -> Cause:
    return Cause(field, f"Required value{': ' + what if what else ''}", "FieldValueRequired")


def invalid_value(field: str, value: Any, why: str) -> Cause:
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    return Cause(field, f"Invalid value: {shown}: {why}", "FieldValueInvalid")


def unsupported_value(field: str, value: Any, allowed: list[str]) -> Cause:
    options = ", ".join(f'"{a}"' for a in allowed)
    return Cause(field, f'Unsupported value: "{value}": supported values: {options}', "FieldValueNotSupported")


def dns1123_subdomain(field: str, value: str) -> list[Cause]:
    if len(value) > 253:
        return [Cause(field, f'Invalid value: "{value}": must be no more than 253 characters', "FieldValueInvalid")]
    if not DNS1123_SUBDOMAIN.match(value):
        return [invalid_value(field, value, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                              "characters, '-' or '.', and must start and end with an alphanumeric character "
                              "(e.g. 'example.com', regex used for validation is "
                              "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    return []


def dns1123_label(field: str, value: str) -> list[Cause]:
    if len(value) > 63:
        return [Cause(field, f'Invalid value: "{value}": must be no more than 63 characters', "FieldValueInvalid")]
    if not DNS1123_LABEL.match(value):
        return [invalid_value(field, value, "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                              "characters or '-', and must start and end with an alphanumeric character "
                              "(e.g. 'my-name',  or '123-abc', regex used for validation is "
                              "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]
    return []


def dns1035_label(field: str, value: str) -> list[Cause]:
    if len(value) > 63:
        return [Cause(field, f'Invalid value: "{value}": must be no more than 63 characters', "FieldValueInvalid")]
    if not DNS1035_LABEL.match(value):
        return [invalid_value(field, value, "a DNS-1035 label must consist of lower case alphanumeric characters "
                              "or '-', start with an alphabetic character, and end with an alphanumeric character "
                              "(e.g. 'my-name',  or 'abc-123', regex used for validation is "
                              "'[a-z]([-a-z0-9]*[a-z0-9])?')")]
    return []


def qualified_name(field: str, key: str) -> list[Cause]:
    """A label or annotation key: an optional DNS subdomain prefix, '/', and a name of at most 63 chars."""
    prefix, _, name = key.rpartition("/")
    causes = dns1123_subdomain(field, prefix) if prefix else []
    if not name or len(name) > 63 or not QUALIFIED_NAME.match(name):
        causes.append(invalid_value(field, key, "name part must consist of alphanumeric characters, '-', '_' or "
                                    "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                                    "'my.name',  or '123-abc', regex used for validation is "
                                    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"))
    return causes


def label_value(field: str, value: Any) -> list[Cause]:
    if not isinstance(value, str):
        return [invalid_value(field, value, "a label value must be a string")]
    if len(value) > 63 or not LABEL_VALUE.match(value):
        return [invalid_value(field, value, "a valid label must be an empty string or consist of alphanumeric "
                              "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                              "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                              "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
    return []


def labels(field: str, value: Any) -> list[Cause]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [invalid_value(field, str(value), "must be a map of string keys to string values")]
    causes: list[Cause] = []
    for key, val in value.items():
        causes += qualified_name(field, key)
        causes += label_value(f"{field}[{key}]", val)
    return causes


def annotations(field: str, value: Any) -> list[Cause]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [invalid_value(field, str(value), "must be a map of string keys to string values")]
    causes: list[Cause] = []
    for key, val in value.items():
        causes += qualified_name(field, key)
        if not isinstance(val, str):
            causes.append(invalid_value(f"{field}[{key}]", val, "an annotation value must be a string"))
    if sum(len(k) + len(str(v)) for k, v in value.items()) > MAX_LABELS_BYTES:
        causes.append(Cause(field, "Too long: must have at most 262144 bytes", "FieldValueTooLong"))
    return causes


def object_meta(obj: dict[str, Any], *, namespaced: bool, name_rule: str = "subdomain") -> list[Cause]:
    """The checks every object's metadata gets, whatever its kind."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return [required("metadata")]
    causes: list[Cause] = []
    name = meta.get("name")
    if not name:
        causes.append(required("metadata.name", "name or generateName is required"))
    elif not isinstance(name, str):
        causes.append(invalid_value("metadata.name", name, "must be a string"))
    else:
        check = {"subdomain": dns1123_subdomain, "label": dns1123_label, "dns1035": dns1035_label}[name_rule]
        causes += check("metadata.name", name)
    if namespaced and not meta.get("namespace"):
        causes.append(required("metadata.namespace"))
    causes += labels("metadata.labels", meta.get("labels"))
    causes += annotations("metadata.annotations", meta.get("annotations"))
    return causes
