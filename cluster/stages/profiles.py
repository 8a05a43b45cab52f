"""How long simulated work takes: nothing in the fast profile, plausible seconds in class.

The fast profile (tests) makes every delay zero, so a pod is Running within one reconcile
round. The realistic profile waits as a real node would (a second to create the sandbox,
a few to pull an image) with jitter, so that pods started together do not all change at
the same instant. The jitter is a hash of the object's uid: the same pod always takes the
same time, which keeps replays and golden tests exact.

Periods that are part of Kubernetes' contract (the node heartbeat every 10 s) are not
delays: they hold in every profile.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from cluster.objects import Obj, uid_of


class HasProfile(Protocol):
    @property
    def profile(self) -> str: ...


class Profile(StrEnum):
    FAST = "fast"
    REALISTIC = "realistic"


def fraction(uid: str, salt: str = "") -> float:
    """A number in [0, 1) fixed by `uid` (and `salt`): deterministic jitter."""
    digest = hashlib.sha256(f"{uid}/{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def realistic(profile: str) -> bool:
    return profile != Profile.FAST


@dataclass(frozen=True)
class Delay:
    """`seconds` plus up to `jitter` more in the realistic profile; nothing in the fast one."""

    seconds: float
    jitter: float = 0.0
    salt: str = ""

    def seconds_for(self, obj: Obj, profile: str) -> float:
        if not realistic(profile):
            return 0.0
        return self.seconds + self.jitter * fraction(uid_of(obj), self.salt)

    def __call__(self, obj: Obj, rnd: HasProfile) -> timedelta:
        return timedelta(seconds=self.seconds_for(obj, rnd.profile))


@dataclass(frozen=True)
class Every:
    """A period that holds in every profile (a heartbeat), measured from the stage's `since`."""

    seconds: float

    def __call__(self, obj: Obj, rnd: HasProfile) -> timedelta:
        return timedelta(seconds=self.seconds)


