"""The protobuf wire format, read by hand: just enough to walk a message's fields.

A protobuf message is a flat run of fields. Each starts with a varint key, `number << 3 |
wire type`; the wire type says how the value is laid out: a varint (0), eight bytes (1), a
length-prefixed run of bytes (2, for strings, bytes, nested messages, packed lists and map
entries) or four bytes (5). What a field *means* (its name, whether the bytes are a string
or a message) is not on the wire; `protobuf_schema` supplies it. Anything malformed (a
varint that never ends, a length past the end) is the client's fault: a 400 BadRequest.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from cluster.errors import bad_request


class WireType(IntEnum):
    VARINT = 0
    FIXED64 = 1
    LENGTH_DELIMITED = 2
    FIXED32 = 5


_WIRE_TYPES = frozenset(int(t) for t in WireType)


@dataclass(frozen=True)
class WireField:
    number: int
    wire_type: WireType
    value: int | bytes  # an int for varints, the raw bytes for everything else


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at `pos`, and the position after it."""
    result = shift = 0
    while True:
        if pos >= len(data):
            raise bad_request("protobuf: truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise bad_request("protobuf: varint is longer than 10 bytes")


def fields(data: bytes) -> Iterator[WireField]:
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0 or wire_type not in _WIRE_TYPES:
            raise bad_request(f"protobuf: invalid field key {key} at byte {pos}")
        value, pos = _read_value(data, pos, WireType(wire_type))
        yield WireField(number, WireType(wire_type), value)


def _read_value(data: bytes, pos: int, wire_type: WireType) -> tuple[int | bytes, int]:
    if wire_type == WireType.VARINT:
        return read_varint(data, pos)
    if wire_type == WireType.LENGTH_DELIMITED:
        length, pos = read_varint(data, pos)
        return _take(data, pos, length)
    return _take(data, pos, 8 if wire_type == WireType.FIXED64 else 4)


def _take(data: bytes, pos: int, length: int) -> tuple[bytes, int]:
    end = pos + length
    if end > len(data):
        raise bad_request(f"protobuf: a field of {length} bytes at byte {pos} runs past the end of the body")
    return data[pos:end], end


def signed(value: int) -> int:
    """A varint read as a two's complement int64 (how int32 and int64 fields carry negatives)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def packed_varints(data: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = read_varint(data, pos)
        values.append(value)
    return values
