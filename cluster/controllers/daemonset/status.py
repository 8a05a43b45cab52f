"""A DaemonSet's status: counts of nodes, not of pods.

For each node that should run the daemon pod (`desiredNumberScheduled`) the controller
looks at the oldest daemon pod there: whether there is one (`currentNumberScheduled`),
whether it is ready, available (ready for `minReadySeconds`) and made from the newest
template (`updatedNumberScheduled`). A daemon pod on a node that should not run one counts
as `numberMisscheduled`. `kubectl get ds` prints these as DESIRED, CURRENT, READY,
UP-TO-DATE and AVAILABLE.
"""

from datetime import datetime
from typing import Any

from cluster.controllers import pods as podutil
from cluster.controllers.revisions import POD_LABEL
from cluster.objects import Obj, labels_of, name_of
from cluster.scheduling.pods import is_finished

# The fields Go omits from the JSON when they are zero (`omitempty`).
OMITTED_WHEN_ZERO = ("updatedNumberScheduled", "numberAvailable", "numberUnavailable", "observedGeneration")


def oldest_first(pod: Obj) -> tuple[str, str]:
    return (str(pod["metadata"].get("creationTimestamp", "")), name_of(pod))


def is_updated(pod: Obj, hash_text: str) -> bool:
    return labels_of(pod).get(POD_LABEL) == hash_text


def calculate(ds: Obj, should_run: dict[str, bool], by_node: dict[str, list[Obj]], hash_text: str,
              now: datetime) -> dict[str, Any]:
    """updateDaemonSetStatus over every node (name -> should it run the pod), `by_node` the pods per node."""
    desired = [node for node, run in should_run.items() if run]
    min_ready = int((ds.get("spec") or {}).get("minReadySeconds", 0))
    counts = dict.fromkeys(("currentNumberScheduled", "numberReady", "numberAvailable", "updatedNumberScheduled"), 0)
    for node in desired:
        if not by_node.get(node):
            continue
        pod = min(by_node[node], key=oldest_first)
        counts["currentNumberScheduled"] += 1
        counts["numberReady"] += podutil.is_ready(pod)
        counts["numberAvailable"] += podutil.is_ready(pod) and podutil.is_available(pod, min_ready, now)
        counts["updatedNumberScheduled"] += is_updated(pod, hash_text)
    status: dict[str, Any] = {
        **counts, "desiredNumberScheduled": len(desired),
        "numberMisscheduled": sum(1 for node, run in should_run.items() if not run and by_node.get(node)),
        "numberUnavailable": len(desired) - counts["numberAvailable"],
        "observedGeneration": ds["metadata"].get("generation", 1)}
    return {k: v for k, v in status.items() if v or k not in OMITTED_WHEN_ZERO}


def live_pods(pods: list[Obj]) -> list[Obj]:
    """The pods the controller still reckons with: a finished pod being deleted is already gone for it."""
    return [p for p in pods if not (is_finished(p) and p["metadata"].get("deletionTimestamp"))]
