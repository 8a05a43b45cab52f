"""A Deployment's strategy, resolved to numbers: how far a rolling update may stray from `replicas`.

`maxSurge` is how many pods above `replicas` may exist during an update, `maxUnavailable` how
many below it may be unavailable. Each is a number or a percentage of `replicas`; a surge
percentage rounds up and an unavailability percentage rounds down, so 25% of 3 replicas is a
surge of 1 and an unavailability of 0. Should both come to 0, unavailability becomes 1, or
the rollout could never move (Kubernetes' ResolveFenceposts).
"""

from enum import StrEnum
from typing import Any

from cluster.objects import Obj


class StrategyType(StrEnum):
    RECREATE = "Recreate"
    ROLLING_UPDATE = "RollingUpdate"


def replicas(deployment: Obj) -> int:
    return int(deployment["spec"].get("replicas", 1))


def strategy_type(deployment: Obj) -> str:
    return str((deployment["spec"].get("strategy") or {}).get("type", StrategyType.ROLLING_UPDATE))


def is_rolling_update(deployment: Obj) -> bool:
    return strategy_type(deployment) == StrategyType.ROLLING_UPDATE


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: a number as it is, `N%` of `total` rounded as asked."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "0")
    if not text.endswith("%") or not text[:-1].isdigit():
        return 0
    share = int(text[:-1]) * total
    return -(-share // 100) if round_up else share // 100


def fenceposts(deployment: Obj) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) as numbers of pods."""
    rolling = (deployment["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    desired = replicas(deployment)
    surge = scaled_value(rolling.get("maxSurge", 0), desired, True)
    unavailable = scaled_value(rolling.get("maxUnavailable", 0), desired, False)
    return (surge, 1) if surge == 0 and unavailable == 0 else (surge, unavailable)


def max_surge(deployment: Obj) -> int:
    return fenceposts(deployment)[0] if is_rolling_update(deployment) else 0


def max_unavailable(deployment: Obj) -> int:
    if not is_rolling_update(deployment) or replicas(deployment) == 0:
        return 0
    return min(fenceposts(deployment)[1], replicas(deployment))


def surge_words(deployment: Obj) -> str:
    """How the learner wrote it, for narrations: `maxSurge 1`, `maxUnavailable 25%`."""
    rolling = (deployment["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    return f"maxSurge {rolling.get('maxSurge', 0)}, maxUnavailable {rolling.get('maxUnavailable', 0)}"
