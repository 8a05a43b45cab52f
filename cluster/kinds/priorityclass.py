"""PriorityClass: a named pod priority. Higher-priority pods schedule first and may preempt others.

A pod names its class in `priorityClassName`; admission copies the class's `value` into the
pod's `priority`. Names starting with `system-` are reserved for the cluster's own classes.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta, required, unsupported_value

PREEMPTION_POLICIES = ["Never", "PreemptLowerPriority"]
SYSTEM_CLASSES = ("system-cluster-critical", "system-node-critical")


def default(pc: Obj) -> None:
    pc.setdefault("preemptionPolicy", "PreemptLowerPriority")


def validate(pc: Obj) -> list[Cause]:
    causes = object_meta(pc, namespaced=False)
    name = name_of(pc)
    if name.startswith("system-") and name not in SYSTEM_CLASSES:
        causes.append(invalid_value("metadata.name", name, "priority class names with 'system-' prefix are "
                                    "reserved."))
    value = pc.get("value")
    if value is None:
        causes.append(required("value"))
    elif not isinstance(value, int) or isinstance(value, bool):
        causes.append(invalid_value("value", value, "must be an integer"))
    if pc.get("preemptionPolicy") not in PREEMPTION_POLICIES:
        causes.append(unsupported_value("preemptionPolicy", pc.get("preemptionPolicy"), PREEMPTION_POLICIES))
    return causes


def cells(pc: Obj, now: datetime) -> list[Any]:
    return [name_of(pc), pc.get("value", 0), bool(pc.get("globalDefault", False)), age(pc, now),
            pc.get("preemptionPolicy", "")]


PRIORITY_CLASS = register(Kind(
    group="scheduling.k8s.io", version="v1", kind="PriorityClass", plural="priorityclasses", namespaced=False,
    short_names=("pc",), has_spec=False, default=default, validate=validate,
    columns=(NAME, Column("Value", type="integer", description="value represents the integer value of this priority "
                          "class."),
             Column("Global-Default", type="boolean", description="globalDefault specifies whether this "
                    "PriorityClass should be considered as the default priority for pods that do not have any "
                    "priority class."), AGE,
             Column("PreemptionPolicy", description="preemptionPolicy is the Policy for preempting pods with lower "
                    "priority.")),
    cells=cells,
))
