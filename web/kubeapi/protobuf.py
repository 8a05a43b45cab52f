"""Decoding the protobuf request bodies kubectl sends (`Content-Type: application/vnd.kubernetes.protobuf`).

Since 1.32, `kubectl create namespace|deployment|configmap|secret|...` and `kubectl autoscale`
send protobuf, with no JSON fallback. A body is the magic `k8s\\x00`, then a `runtime.Unknown`
envelope: {1: TypeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType},
where `raw` is the object encoded with k8s.io/api's message for that kind.

`decode(body)` turns it into the same dict a JSON body would give. The wire is read by
`protobuf_wire`; names and types come from `protobuf_schema`. Go's gogo-protobuf writes every
non-pointer field, zero or not (`generateName: ""`, `hostNetwork: false`, an empty `status`),
so zero values are dropped unless the field is a pointer. Anything that cannot be decoded is a
400 BadRequest, never an exception of another kind.
"""

import base64
import json
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cluster.errors import StatusError, bad_request
from cluster.objects import Obj
from web.kubeapi.protobuf_schema import KINDS, MESSAGES, ProtoField
from web.kubeapi.protobuf_wire import WireField, WireType, fields, packed_varints, signed

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
EMPTY: tuple[Any, ...] = (None, "", 0, False, [], {})


def decode(body: bytes) -> Obj:
    if not body.startswith(MAGIC):
        raise bad_request("protobuf: the body does not start with the Kubernetes magic number k8s\\x00")
    try:
        api_version, kind, raw = _envelope(body[len(MAGIC) :])
        return {"apiVersion": api_version, "kind": kind, **decode_message(raw, _message_for(api_version, kind))}
    except StatusError:
        raise
    except (ValueError, TypeError, OverflowError, OSError, RecursionError) as error:
        raise bad_request(f"protobuf: cannot decode the body: {error}") from error


def _envelope(data: bytes) -> tuple[str, str, bytes]:
    """runtime.Unknown: the TypeMeta, and the raw bytes of the object."""
    type_meta: dict[int, str] = {}
    raw, encoding = b"", ""
    for field in fields(data):
        if field.number == 1:
            type_meta = {f.number: _text(f) for f in fields(_bytes(field))}
        elif field.number == 2:
            raw = _bytes(field)
        elif field.number == 3:
            encoding = _text(field)
    if encoding:
        raise bad_request(f"protobuf: unsupported content encoding {encoding!r}")
    return type_meta.get(1, ""), type_meta.get(2, ""), raw


def _message_for(api_version: str, kind: str) -> str:
    message = KINDS.get((api_version, kind))
    if message is None:
        raise bad_request(f'protobuf: no decoder for kind "{kind}" in version "{api_version}"')
    return message


def decode_message(data: bytes, message: str) -> dict[str, Any]:
    table = MESSAGES[message]
    result: dict[str, Any] = {}
    for wire in fields(data):
        field = table.get(wire.number)
        if field is not None:
            _put(result, field, wire)
    return result


def _put(result: dict[str, Any], field: ProtoField, wire: WireField) -> None:
    if field.type.startswith("map"):
        key, value = _map_entry(_bytes(wire), field.type.partition(":")[2] or "string")
        result.setdefault(field.name, {})[key] = value
    elif field.repeated:
        result.setdefault(field.name, []).extend(_values(field, wire))
    else:
        value = _value(field.type, wire)
        if field.inline and isinstance(value, dict):
            result.update(value)
        elif field.pointer or value not in EMPTY:
            result[field.name] = value


def _values(field: ProtoField, wire: WireField) -> list[Any]:
    """One element of a repeated field, or all of them when scalars come packed in one run."""
    if field.type in ("int", "bool") and wire.wire_type == WireType.LENGTH_DELIMITED:
        numbers = packed_varints(_bytes(wire))
        return [bool(n) for n in numbers] if field.type == "bool" else [signed(n) for n in numbers]
    return [_value(field.type, wire)]


def _value(type_: str, wire: WireField) -> Any:
    if type_ == "string":
        return _text(wire)
    if type_ in ("int", "bool"):
        number = _varint(wire)
        return bool(number) if type_ == "bool" else signed(number)
    if type_ == "bytes":
        return base64.b64encode(_bytes(wire)).decode()
    if type_ == "double":
        return _double(wire)
    special = _SPECIAL.get(type_)
    return special(_bytes(wire)) if special else decode_message(_bytes(wire), type_)


def _map_entry(data: bytes, value_type: str) -> tuple[str, Any]:
    key, value = "", _value(value_type, WireField(2, WireType.LENGTH_DELIMITED, b""))
    for wire in fields(data):
        if wire.number == 1:
            key = _text(wire)
        elif wire.number == 2:
            value = _value(value_type, wire)
    return key, value


def _time(data: bytes) -> str | None:
    """meta.v1.Time {1: seconds, 2: nanos} -> RFC 3339; the zero time is Go's "unset"."""
    parts = {wire.number: signed(_varint(wire)) for wire in fields(data) if wire.number in (1, 2)}
    seconds = parts.get(1, 0)
    if not seconds and not parts.get(2, 0):
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _int_or_string(data: bytes) -> int | str:
    """intstr.IntOrString {1: type (0 int, 1 string), 2: intVal, 3: strVal}."""
    parts: dict[int, WireField] = {wire.number: wire for wire in fields(data)}
    if 1 in parts and _varint(parts[1]) == 1:
        return _text(parts[3]) if 3 in parts else ""
    return signed(_varint(parts[2])) if 2 in parts else 0


def _quantity(data: bytes) -> str:
    return next((_text(wire) for wire in fields(data) if wire.number == 1), "")


def _raw_extension(data: bytes) -> Any:
    raw = next((_bytes(wire) for wire in fields(data) if wire.number == 1), b"")
    return json.loads(raw) if raw else None


_SPECIAL: dict[str, Callable[[bytes], Any]] = {
    "Time": _time,
    "IntOrString": _int_or_string,
    "Quantity": _quantity,
    "RawExtension": _raw_extension,
}


def _varint(wire: WireField) -> int:
    if wire.wire_type != WireType.VARINT or not isinstance(wire.value, int):
        raise bad_request(f"protobuf: field {wire.number} should be a varint, not wire type {wire.wire_type}")
    return wire.value


def _bytes(wire: WireField) -> bytes:
    if wire.wire_type != WireType.LENGTH_DELIMITED or not isinstance(wire.value, bytes):
        raise bad_request(f"protobuf: field {wire.number} should be length-delimited, not wire type {wire.wire_type}")
    return wire.value


def _text(wire: WireField) -> str:
    try:
        return _bytes(wire).decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_request(f"protobuf: field {wire.number} is not valid UTF-8") from error


def _double(wire: WireField) -> float:
    if wire.wire_type != WireType.FIXED64 or not isinstance(wire.value, bytes):
        raise bad_request(f"protobuf: field {wire.number} should be a 64-bit float")
    value: float = struct.unpack("<d", wire.value)[0]
    return value
