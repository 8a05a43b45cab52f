"""PodDisruptionBudget: how many of an application's pods voluntary disruptions may take down.

`kubectl drain` and other evictions ask the API server first; it refuses an eviction that
would leave fewer than `minAvailable` (or more than `maxUnavailable` missing) healthy pods
among those the budget selects. The disruption controller keeps the counts in the status.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.workload import set_missing
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta

# Required by the API (and the Python client) even before the controller first counts.
STATUS = {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}


def default(pdb: Obj) -> None:
    pdb.setdefault("spec", {})
    set_missing(pdb.setdefault("status", {}), STATUS)


def validate(pdb: Obj) -> list[Cause]:
    causes = object_meta(pdb, namespaced=True)
    spec = pdb.get("spec") or {}
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        causes.append(invalid_value("spec", "", "minAvailable and maxUnavailable cannot be both set"))
    for key in ("minAvailable", "maxUnavailable"):
        value = spec.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            causes.append(invalid_value(f"spec.{key}", value, "must be greater than or equal to 0"))
    return causes


def int_or_percent(value: Any) -> str:
    return "N/A" if value is None else str(value)


def cells(pdb: Obj, now: datetime) -> list[Any]:
    spec, status = pdb.get("spec") or {}, pdb.get("status") or {}
    return [name_of(pdb), int_or_percent(spec.get("minAvailable")), int_or_percent(spec.get("maxUnavailable")),
            status.get("disruptionsAllowed", 0), age(pdb, now)]


POD_DISRUPTION_BUDGET = register(Kind(
    group="policy", version="v1", kind="PodDisruptionBudget", plural="poddisruptionbudgets", short_names=("pdb",),
    subresources=("status",), default=default, validate=validate,
    columns=(NAME, Column("Min Available", description="The minimum number of pods that must be available."),
             Column("Max Unavailable", description="The maximum number of pods that may be unavailable."),
             Column("Allowed Disruptions", type="integer", description="Calculated number of pods that may be "
                    "disrupted at this time."), AGE),
    cells=cells,
))
