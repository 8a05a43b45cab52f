"""StatefulSet: pods with a stable identity (`web-0`, `web-1`, ...) and a volume each.

Unlike a Deployment's interchangeable pods, a StatefulSet's pods are created in order, keep
their name and their PersistentVolumeClaims (one per `volumeClaimTemplates` entry) when they
are rescheduled, and are updated one at a time from the highest ordinal down to `partition`.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.replicaset import default_template, validate_workload_spec
from cluster.kinds.storage import default_claim
from cluster.kinds.workload import CONTAINERS, IMAGES, restart_always, set_missing, template_of, wide_cells
from cluster.objects import Obj, name_of
from cluster.validation import object_meta, required, unsupported_value

POD_MANAGEMENT_POLICIES = ["OrderedReady", "Parallel"]
UPDATE_STRATEGIES = ["OnDelete", "RollingUpdate"]
RETENTION = {"whenDeleted": "Retain", "whenScaled": "Retain"}


def default(sts: Obj) -> None:
    spec = sts.setdefault("spec", {})
    set_missing(spec, {"replicas": 1, "podManagementPolicy": "OrderedReady", "revisionHistoryLimit": 10,
                       "persistentVolumeClaimRetentionPolicy": dict(RETENTION)})
    set_missing(spec["persistentVolumeClaimRetentionPolicy"], RETENTION)
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        strategy.setdefault("rollingUpdate", {}).setdefault("partition", 0)
    for claim in spec.get("volumeClaimTemplates") or []:
        if isinstance(claim, dict):
            set_missing(claim, {"apiVersion": "v1", "kind": "PersistentVolumeClaim"})
            default_claim(claim)
    default_template(spec)
    set_missing(sts.setdefault("status", {}), {"replicas": 0, "availableReplicas": 0})


def validate(sts: Obj) -> list[Cause]:
    causes = object_meta(sts, namespaced=True)
    spec = sts.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += validate_workload_spec(spec) + restart_always(spec, "spec")
    policy = spec.get("podManagementPolicy")
    if policy not in POD_MANAGEMENT_POLICIES:
        causes.append(unsupported_value("spec.podManagementPolicy", policy, POD_MANAGEMENT_POLICIES))
    strategy = (spec.get("updateStrategy") or {}).get("type")
    if strategy not in UPDATE_STRATEGIES:
        causes.append(unsupported_value("spec.updateStrategy.type", strategy, UPDATE_STRATEGIES))
    return causes


def cells(sts: Obj, now: datetime) -> list[Any]:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    ready = f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}"
    return [name_of(sts), ready, age(sts, now), *wide_cells(template_of(spec), with_selector=False)]


STATEFUL_SET = register(Kind(
    group="apps", version="v1", kind="StatefulSet", plural="statefulsets", short_names=("sts",),
    categories=("all",), subresources=("status", "scale"), default=default, validate=validate,
    columns=(NAME, Column("Ready", description="Number of the pod with ready state"), AGE, CONTAINERS, IMAGES),
    cells=cells,
))
