"""A rate limit per participant on the Kubernetes API: a token bucket per workshop sandbox.

One participant's runaway script (a `while true; kubectl get ...` loop) should not slow the
room down. Each participant sandbox gets RATE requests a second, with bursts up to BURST; past
that the API answers 429 TooManyRequests (a Status with `retryAfterSeconds`), as kube-apiserver's
priority and fairness does. Buckets live in the serving process (each process limits its own share);
sandboxes outside any workshop are not limited.
"""

import time
from dataclasses import dataclass

from django.conf import settings

from cluster.errors import StatusError

RATE, BURST = 20.0, 100.0  # defaults of KUBELAB_PARTICIPANT_RPS and KUBELAB_PARTICIPANT_BURST
# Whether a sandbox belongs to a participant is remembered this long (seconds), to spare a query per request.
MEMORY_SECONDS = 60.0


@dataclass
class Bucket:
    tokens: float
    at: float

    def take(self, now: float, rate: float, burst: float) -> bool:
        self.tokens = min(burst, self.tokens + (now - self.at) * rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


_buckets: dict[int, Bucket] = {}
_participant: dict[int, tuple[bool, float]] = {}


def forget() -> None:
    """Empty every bucket and what is remembered about sandboxes (a new workshop day, or a test)."""
    _buckets.clear()
    _participant.clear()


def too_many_requests() -> StatusError:
    return StatusError(429, "TooManyRequests", "Too many requests, please try again later.",
                       {"retryAfterSeconds": 1})


def is_participant_sandbox(sandbox_id: int, now: float) -> bool:
    known = _participant.get(sandbox_id)
    if known is None or now - known[1] > MEMORY_SECONDS:
        from web.learn.models import LessonSandbox
        from web.workshops.models import Participant
        found = (Participant.objects.filter(sandbox_id=sandbox_id).exists()
                 or LessonSandbox.objects.filter(sandbox_id=sandbox_id, user__participant__isnull=False).exists())
        known = _participant[sandbox_id] = (found, now)
    return known[0]


def limits() -> tuple[float, float]:
    """Requests a second and burst, read from settings at each request (so they can change without a restart)."""
    return (float(getattr(settings, "KUBELAB_PARTICIPANT_RPS", RATE)),
            float(getattr(settings, "KUBELAB_PARTICIPANT_BURST", BURST)))


def admit(sandbox_id: int) -> None:
    """Let the request through, or raise 429 when this participant's bucket is empty."""
    now = time.monotonic()
    if not is_participant_sandbox(sandbox_id, now):
        return
    rate, burst = limits()
    bucket = _buckets.setdefault(sandbox_id, Bucket(burst, now))
    if not bucket.take(now, rate, burst):
        raise too_many_requests()
