"""Kubernetes resource quantities: `100m` of CPU, `128Mi` of memory.

CPU is counted in millicores (1 core = 1000m) and memory in bytes. Quantities arrive as
strings or, from careless YAML, as numbers; both are accepted and stored back as strings.
"""

from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
            "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
            "P": Decimal("1e15"), "E": Decimal("1e18")}


class QuantityError(ValueError):
    pass


def parse(quantity: str | int | float) -> Decimal:
    """The quantity's value in base units (cores, bytes)."""
    text = str(quantity).strip()
    for suffix, factor in _BINARY.items():
        if text.endswith(suffix):
            return _number(text[: -len(suffix)], quantity) * factor
    for suffix in ("n", "u", "m", "k", "M", "G", "T", "P", "E"):
        if text.endswith(suffix) and not text.endswith("e" + suffix):
            return _number(text[: -len(suffix)], quantity) * _DECIMAL[suffix]
    return _number(text, quantity)


def _number(text: str, original: object) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise QuantityError(f"quantities must match the regular expression "
                            f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {original!r}") from None
    if not value.is_finite() or value < 0:
        raise QuantityError(f"must be a non-negative quantity: {original!r}")
    return value


def millicores(quantity: str | int | float) -> int:
    return int((parse(quantity) * 1000).to_integral_value(rounding="ROUND_CEILING"))


def bytes_of(quantity: str | int | float) -> int:
    return int(parse(quantity).to_integral_value(rounding="ROUND_CEILING"))


def format_millicores(value: int) -> str:
    return f"{value // 1000}" if value % 1000 == 0 else f"{value}m"


def format_bytes(value: int) -> str:
    for suffix in ("Gi", "Mi", "Ki"):
        if value and value % _BINARY[suffix] == 0:
            return f"{value // _BINARY[suffix]}{suffix}"
    return str(value)
