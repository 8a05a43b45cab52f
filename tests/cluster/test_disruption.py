"""The disruption controller, pure: a PodDisruptionBudget's counts and its DisruptionAllowed condition."""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Emit, Update, WakeAt
from cluster.controllers import disruption
from cluster.objects import Obj, owner_reference, rfc3339
from cluster.state import ClusterState
from tests.builders import T0, new_pod, new_replicaset, stamp, state_of


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def pdb(name: str = "web", **spec: Any) -> Obj:
    return stamp({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                  "metadata": {"name": name, "namespace": "default"},
                  "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec},
                  "status": {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}})


def ready(name: str, owner: Obj | None = None, *, is_ready: bool = True) -> Obj:
    pod = new_pod(name, labels={"app": "web"}, node="node-1", phase="Running", owner=owner)
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True" if is_ready else "False"}]
    return pod


def status_of(state: ClusterState) -> dict[str, Any]:
    update = next(a for a in disruption.reconcile(state) if isinstance(a, Update))
    return dict(update.obj["status"])


def test_it_writes_nothing_when_the_status_is_current() -> None:
    budget = pdb(minAvailable=2)
    pods = [ready(f"web-{i}") for i in range(3)]
    budget["status"] = status_of(state_of(budget, *pods))

    assert disruption.reconcile(state_of(budget, *pods, now=at(30))) == []


def test_it_allows_the_healthy_pods_above_an_integer_min_available() -> None:
    status = status_of(state_of(pdb(minAvailable=2), *(ready(f"web-{i}") for i in range(3))))

    assert {k: status[k] for k in ("expectedPods", "desiredHealthy", "currentHealthy", "disruptionsAllowed",
                                   "observedGeneration")} == {"expectedPods": 3, "desiredHealthy": 2,
                                                              "currentHealthy": 3, "disruptionsAllowed": 1,
                                                              "observedGeneration": 1}
    assert status["conditions"] == [{"type": "DisruptionAllowed", "status": "True", "observedGeneration": 1,
                                     "lastTransitionTime": rfc3339(T0), "reason": "SufficientPods", "message": ""}]


def test_it_allows_nothing_when_every_pod_is_needed() -> None:
    status = status_of(state_of(pdb(minAvailable=3), *(ready(f"web-{i}") for i in range(3))))

    assert status["disruptionsAllowed"] == 0
    assert (status["conditions"][0]["status"], status["conditions"][0]["reason"]) == ("False", "InsufficientPods")


def test_it_scales_a_max_unavailable_percentage_from_the_owners_replicas() -> None:
    rs = new_replicaset("web", replicas=4, labels={"app": "web"})
    pods = [ready(f"web-{i}", rs) for i in range(3)]  # one of four is still missing

    status = status_of(state_of(pdb(maxUnavailable="25%"), rs, *pods))

    assert (status["expectedPods"], status["desiredHealthy"], status["currentHealthy"],
            status["disruptionsAllowed"]) == (4, 3, 3, 0)


def test_it_counts_a_deployments_replicas_rather_than_its_replicasets() -> None:
    deployment = stamp({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web",
                        "namespace": "default"}, "spec": {"replicas": 5}})
    rs = new_replicaset("web-7d9c", replicas=2, labels={"app": "web"})
    rs["metadata"]["ownerReferences"] = [owner_reference(deployment)]
    pods = [ready(f"web-{i}", rs) for i in range(2)]

    status = status_of(state_of(pdb(minAvailable="60%"), deployment, rs, *pods))

    assert (status["expectedPods"], status["desiredHealthy"]) == (5, 3)


def test_it_does_not_count_unready_deleting_or_just_evicted_pods() -> None:
    deleting = ready("web-2")
    deleting["metadata"]["deletionTimestamp"] = rfc3339(at(30))
    budget = pdb(minAvailable=1)
    budget["status"]["disruptedPods"] = {"web-3": rfc3339(T0), "web-2": rfc3339(T0)}
    pods = [ready("web-0"), ready("web-1", is_ready=False), deleting, ready("web-3")]

    status = status_of(state_of(budget, *pods, now=at(1)))

    assert status["currentHealthy"] == 1
    assert status["disruptedPods"] == {"web-3": rfc3339(T0)}  # web-2 shows its deletion now: forgotten


def test_it_forgets_an_eviction_that_never_happened_after_two_minutes() -> None:
    budget = pdb(minAvailable=1)
    budget["status"]["disruptedPods"] = {"web-0": rfc3339(T0)}
    pods = [ready("web-0"), ready("web-1")]

    before = disruption.reconcile(state_of(budget, *pods, now=at(60)))
    after = status_of(state_of(budget, *pods, now=at(120)))

    assert WakeAt(at(120)) in before
    assert "disruptedPods" not in after and after["currentHealthy"] == 2


def test_it_reports_a_budget_that_matches_no_pods() -> None:
    actions = disruption.reconcile(state_of(pdb(minAvailable=1)))

    events = [(a.reason, a.message) for a in actions if isinstance(a, Emit)]
    assert events == [("NoPods", "No matching pods found")]


def test_it_selects_nothing_with_a_null_selector() -> None:
    budget = pdb(minAvailable=1)
    budget["spec"]["selector"] = None

    status = status_of(state_of(budget, ready("web-0")))

    assert (status["expectedPods"], status["currentHealthy"]) == (0, 0)
