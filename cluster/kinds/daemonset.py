"""DaemonSet: one pod on every node (or every node its selector and tolerations allow).

Log shippers and node agents run this way. There is no replica count: the number of pods
follows the number of eligible nodes, which the status reports as desired, current, ready,
up-to-date and available counts.
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
    labels_text,
    restart_always,
    selector_column,
    set_missing,
    template_of,
    wide_cells,
)
from cluster.objects import Obj, name_of
from cluster.validation import object_meta, required, unsupported_value

UPDATE_STRATEGIES = ["OnDelete", "RollingUpdate"]
# The four counters are not optional in the API (the Python client requires them).
STATUS = {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}


def default(ds: Obj) -> None:
    spec = ds.setdefault("spec", {})
    spec.setdefault("revisionHistoryLimit", 10)
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        set_missing(strategy.setdefault("rollingUpdate", {}), {"maxUnavailable": 1, "maxSurge": 0})
    default_template(spec)
    set_missing(ds.setdefault("status", {}), STATUS)


def validate(ds: Obj) -> list[Cause]:
    causes = object_meta(ds, namespaced=True)
    spec = ds.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += validate_workload_spec(spec) + restart_always(spec, "spec")
    strategy = (spec.get("updateStrategy") or {}).get("type")
    if strategy not in UPDATE_STRATEGIES:
        causes.append(unsupported_value("spec.updateStrategy.type", strategy, UPDATE_STRATEGIES))
    return causes


def cells(ds: Obj, now: datetime) -> list[Any]:
    spec, status = ds.get("spec") or {}, ds.get("status") or {}
    template = template_of(spec)
    node_selector = labels_text((template.get("spec") or {}).get("nodeSelector"))
    counts = [status.get(k, 0) for k in ("desiredNumberScheduled", "currentNumberScheduled", "numberReady",
                                         "updatedNumberScheduled", "numberAvailable")]
    return [name_of(ds), *counts, node_selector, age(ds, now), *wide_cells(template, spec.get("selector"))]


DAEMON_SET = register(Kind(
    group="apps", version="v1", kind="DaemonSet", plural="daemonsets", short_names=("ds",), categories=("all",),
    subresources=("status",), default=default, validate=validate,
    columns=(NAME,
             Column("Desired", type="integer", description="The total number of nodes that should be running the "
                    "daemon pod (including nodes correctly running the daemon pod)."),
             Column("Current", type="integer", description="The number of nodes that are running at least 1 daemon "
                    "pod and are supposed to run the daemon pod."),
             Column("Ready", type="integer", description="The number of nodes that should be running the daemon pod "
                    "and have one or more of the daemon pod running and ready."),
             Column("Up-to-date", type="integer", description="The total number of nodes that are running updated "
                    "daemon pod"),
             Column("Available", type="integer", description="The number of nodes that should be running the daemon "
                    "pod and have one or more of the daemon pod running and available (ready for at least "
                    "spec.minReadySeconds)"),
             Column("Node Selector", description="NodeSelector is a selector which must be true for the pod to fit "
                    "on a node."), AGE, CONTAINERS, IMAGES,
             selector_column("A label query over pods that are managed by the daemon set.")),
    cells=cells,
))
