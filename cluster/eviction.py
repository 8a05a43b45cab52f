"""Eviction: deleting a pod politely, only if its PodDisruptionBudget allows it.

`kubectl drain` does not delete pods; it asks the API server to evict them (POST a
`policy/v1 Eviction` to `pods/<name>/eviction`). The server finds the budget that selects
the pod and reads its status (kept current by the disruption controller):
* no budget, or a pod that is not running anyway (pending, finished, already deleting):
  the pod is deleted;
* `disruptionsAllowed` is 0: refused with 429 TooManyRequests, "Cannot evict pod as it would
  violate the pod's disruption budget.", and kubectl tries again 5 seconds later;
* otherwise the allowance is spent (one less allowed, the pod noted in `disruptedPods`) and
  the pod is deleted, with the DisruptionTarget condition saying why.
A pod that is not ready does not count as healthy, so evicting it costs nothing when the
budget is met (or always, with `unhealthyPodEvictionPolicy: AlwaysAllow`).

Spending and deleting happen in one transaction, so two evictions racing for the last
allowance cannot both win: the second one's write conflicts, it reads again and is refused.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cluster import errors, kinds, selectors, store
from cluster.clock import now as sandbox_now
from cluster.controllers import pods as podutil
from cluster.errors import StatusError
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj, is_terminating, labels_of, name_of, rfc3339

MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget."
CAUSE = "DisruptionBudget"
# Evictions granted but not yet seen by the disruption controller, beyond which the server refuses more.
MAX_DISRUPTED_PODS = 2000
SKIPPED_PHASES = ("Pending", "Succeeded", "Failed")
DISRUPTION_TARGET = {"type": "DisruptionTarget", "status": "True", "reason": "EvictionByEvictionAPI",
                     "message": "Eviction API: evicting"}


@dataclass(frozen=True)
class Options:
    """The DeleteOptions an Eviction carries."""

    grace_seconds: int | None = None
    propagation: str | None = None
    uid: str | None = None
    resource_version: str | None = None
    dry_run: bool = False


def kind(name: str, group: str = "") -> Kind:
    found = kinds.by_kind(group, name)
    assert found is not None, f"kind {name} is not registered"
    return found


def evict(sandbox: Sandbox, namespace: str, name: str, options: Options = Options()) -> Obj:
    """Evict one pod, or raise the StatusError the API server would answer with."""
    moment = rfc3339(sandbox_now(sandbox))
    with transaction.atomic():
        pod = store.get(sandbox, kind("Pod"), namespace, name)
        check_preconditions(pod, options)
        if not ignores_budgets(pod):
            budget = budget_for(sandbox, pod)
            if budget is not None and counts_against(pod, budget):
                spend(sandbox, budget, name, moment, options.dry_run)
        if not options.dry_run and not is_terminating(pod):
            store.patch(sandbox, kind("Pod"), namespace, name, lambda p: mark_disruption_target(p, moment),
                        subresource="status")
        return store.delete(sandbox, kind("Pod"), namespace, name, propagation=options.propagation,
                            grace_seconds=options.grace_seconds, uid=options.uid, dry_run=options.dry_run)


def check_preconditions(pod: Obj, options: Options) -> None:
    meta = pod["metadata"]
    if options.uid and options.uid != meta["uid"]:
        raise StatusError(409, "Conflict", f"Precondition failed: UID in precondition: {options.uid}, "
                                           f"UID in object meta: {meta['uid']}")
    if options.resource_version and options.resource_version != meta["resourceVersion"]:
        raise errors.conflict("pods", "", name_of(pod))


def ignores_budgets(pod: Obj) -> bool:
    """canIgnorePDB: a pod that is not running, or already going, disrupts nothing by going."""
    return (pod.get("status") or {}).get("phase") in SKIPPED_PHASES or is_terminating(pod)


def budget_for(sandbox: Sandbox, pod: Obj) -> Obj | None:
    budgets = [b for b in store.list_objects(sandbox, kind("PodDisruptionBudget", "policy"),
                                             pod["metadata"].get("namespace", ""))[0] if selects(b, pod)]
    if len(budgets) > 1:
        message = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
        raise StatusError(500, "InternalError", f"Internal error occurred: {message}",
                          {"causes": [{"message": message}]})
    return budgets[0] if budgets else None


def selects(budget: Obj, pod: Obj) -> bool:
    raw = (budget.get("spec") or {}).get("selector")
    return raw is not None and selectors.from_label_selector(raw).matches(labels_of(pod))


def counts_against(pod: Obj, budget: Obj) -> bool:
    """An unhealthy pod costs nothing when the budget is met anyway, or when the budget says so."""
    if podutil.is_ready(pod):
        return True
    spec, status = budget.get("spec") or {}, budget.get("status") or {}
    if spec.get("unhealthyPodEvictionPolicy") == "AlwaysAllow":
        return False
    desired = int(status.get("desiredHealthy", 0))
    return not (int(status.get("currentHealthy", 0)) >= desired > 0)


def spend(sandbox: Sandbox, budget: Obj, pod_name: str, moment: str, dry_run: bool) -> None:
    """checkAndDecrement: take one allowed disruption, noting the pod, or refuse."""

    def decrement(current: Obj) -> Obj:
        refuse_unless_allowed(current)
        status = current.setdefault("status", {})
        status["disruptionsAllowed"] = int(status.get("disruptionsAllowed", 0)) - 1
        status.setdefault("disruptedPods", {})[pod_name] = moment
        if status["disruptionsAllowed"] == 0:
            _set_insufficient(status, moment)
        return current

    store.patch(sandbox, kind("PodDisruptionBudget", "policy"), budget["metadata"]["namespace"], name_of(budget),
                decrement, subresource="status", dry_run=dry_run)


def refuse_unless_allowed(budget: Obj) -> None:
    status, name = budget.get("status") or {}, name_of(budget)
    if int(status.get("observedGeneration", 0)) < int(budget["metadata"].get("generation", 1)):
        raise too_many_requests(f"The disruption budget {name} is still being processed by the server.")
    allowed = int(status.get("disruptionsAllowed", 0))
    if allowed < 0:
        raise errors.forbidden(f'poddisruptionbudgets.policy "{name}" is forbidden: pdb disruptions allowed is '
                               "negative", {"name": name, "group": "policy", "kind": "poddisruptionbudgets"})
    if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_PODS:
        raise errors.forbidden(f'poddisruptionbudgets.policy "{name}" is forbidden: DisruptedPods map too big - '
                               "too many evictions not confirmed by PDB controller",
                               {"name": name, "group": "policy", "kind": "poddisruptionbudgets"})
    if allowed == 0:
        raise too_many_requests(f"The disruption budget {name} needs {status.get('desiredHealthy', 0)} healthy "
                                f"pods and has {status.get('currentHealthy', 0)} currently")


def too_many_requests(cause: str) -> StatusError:
    return StatusError(429, "TooManyRequests", MESSAGE, {"causes": [{"reason": CAUSE, "message": cause}]})


def _set_insufficient(status: dict[str, Any], moment: str) -> None:
    for cond in status.get("conditions") or []:
        if cond.get("type") == "DisruptionAllowed" and cond.get("status") != "False":
            cond.update(status="False", reason="InsufficientPods", lastTransitionTime=moment)


def mark_disruption_target(pod: Obj, moment: str) -> Obj:
    status = pod.setdefault("status", {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != DISRUPTION_TARGET["type"]]
    status["conditions"] = [*conditions, {**DISRUPTION_TARGET, "lastProbeTime": None, "lastTransitionTime": moment}]
    return pod
