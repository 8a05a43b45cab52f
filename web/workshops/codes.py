"""Join codes: short, unambiguous when read off a projector, unique among workshops."""

import secrets

# No 0/O, 1/I/L: a room reading a code aloud should not have to guess.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalized(code: str) -> str:
    """What a participant typed, as stored: upper case, no spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()
