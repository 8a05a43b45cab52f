"""When a participant counts as stuck: no progress for a while, or the same check failing again and again.

Pure: the dashboard passes what it knows (time on the current step, how many different
failing explanations the check gave), and gets back why the participant is stuck, or "".
"""

from dataclasses import dataclass
from enum import StrEnum


class Stuck(StrEnum):
    NO = ""
    IDLE = "idle"            # no step passed for STUCK_MINUTES
    FAILING = "failing"      # the step's check failed REPEATS times


@dataclass(frozen=True)
class Thresholds:
    minutes: float = 5.0
    repeats: int = 3


def stuck(seconds_on_step: float, failures: int, passed: bool, limits: Thresholds = Thresholds()) -> Stuck:
    if passed:
        return Stuck.NO
    if failures >= limits.repeats:
        return Stuck.FAILING
    if seconds_on_step >= limits.minutes * 60:
        return Stuck.IDLE
    return Stuck.NO
