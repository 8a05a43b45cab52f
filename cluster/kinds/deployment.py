"""Deployment: declarative rollouts of a pod template, through ReplicaSets it creates and scales.

Changing the template makes the deployment controller create a new ReplicaSet and move
replicas over to it, at most `maxSurge` extra and `maxUnavailable` missing at a time (25% each
by default), keeping the last `revisionHistoryLimit` old ReplicaSets for `rollout undo`. A
rollout that makes no progress for `progressDeadlineSeconds` is reported as failed.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.replicaset import default_template, validate_workload_spec
from cluster.kinds.workload import (
    CONTAINERS,
    IMAGES,
    restart_always,
    selector_column,
    set_missing,
    template_of,
    wide_cells,
)
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta, required, unsupported_value

RECREATE, ROLLING_UPDATE = "Recreate", "RollingUpdate"
STRATEGIES = [RECREATE, ROLLING_UPDATE]
QUARTER = "25%"


def default(deploy: Obj) -> None:
    spec = deploy.setdefault("spec", {})
    set_missing(spec, {"replicas": 1, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600})
    strategy = spec.setdefault("strategy", {})
    if isinstance(strategy, dict):
        strategy.setdefault("type", ROLLING_UPDATE)
        if strategy["type"] == ROLLING_UPDATE:
            set_missing(strategy.setdefault("rollingUpdate", {}), {"maxUnavailable": QUARTER, "maxSurge": QUARTER})
    default_template(spec)
    deploy.setdefault("status", {})


def validate(deploy: Obj) -> list[Cause]:
    causes = object_meta(deploy, namespaced=True)
    spec = deploy.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += validate_workload_spec(spec) + restart_always(spec, "spec")
    return causes + validate_strategy(spec.get("strategy") or {})


def validate_strategy(strategy: dict[str, Any]) -> list[Cause]:
    kind = strategy.get("type")
    if kind not in STRATEGIES:
        return [unsupported_value("spec.strategy.type", kind, STRATEGIES)]
    rolling = strategy.get("rollingUpdate")
    if kind == RECREATE:
        return [Cause("spec.strategy.rollingUpdate", "Forbidden: may not be specified when strategy `type` is "
                      "'Recreate'", "FieldValueForbidden")] if rolling else []
    if not isinstance(rolling, dict):
        return [required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil")]
    unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
    if is_zero(unavailable) and is_zero(surge):
        return [invalid_value("spec.strategy.rollingUpdate.maxUnavailable", unavailable,
                              "may not be 0 when `maxSurge` is 0")]
    return []


def is_zero(value: Any) -> bool:
    """An int-or-percent of nothing: `0` or `"0%"`."""
    return value == 0 or value == "0%"


def cells(deploy: Obj, now: datetime) -> list[Any]:
    spec, status = deploy.get("spec") or {}, deploy.get("status") or {}
    ready = f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}"
    names, images, selector = wide_cells(template_of(spec), spec.get("selector"))
    return [name_of(deploy), ready, status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            age(deploy, now), names, images, "" if selector == "<none>" else selector]


DEPLOYMENT = register(Kind(
    group="apps", version="v1", kind="Deployment", plural="deployments", short_names=("deploy",),
    categories=("all",), subresources=("status", "scale"), default=default, validate=validate,
    columns=(NAME, Column("Ready", description="Number of the pod with ready state"),
             Column("Up-to-date", description="Total number of non-terminated pods targeted by this deployment that "
                    "have the desired template spec."),
             Column("Available", description="Total number of available pods (ready for at least minReadySeconds) "
                    "targeted by this deployment."), AGE, CONTAINERS, IMAGES,
             selector_column("Label selector for pods. Existing ReplicaSets whose pods are selected by this will be "
                             "the ones affected by this deployment.")),
    cells=cells,
))
