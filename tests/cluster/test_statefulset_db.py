"""The StatefulSet controller through the real store, clock and reconcile loop.

Order is read from the watch log, which records every write in resourceVersion order,
just as `kubectl get pods -w` would have shown it.
"""

from typing import Any

from cluster import clock, kinds, reconcile, store
from cluster.actions import WakeAt
from cluster.controllers import statefulset
from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox, WatchEvent
from cluster.objects import Obj, condition, labels_of, name_of


def kind(name: str, group: str = "") -> Kind:
    found = kinds.by_kind(group, name)
    assert found is not None
    return found


STS = ("StatefulSet", "apps")


def manifest(replicas: int, *, claims: bool = False) -> Obj:
    spec: dict[str, Any] = {
        "replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}
    if claims:
        spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"}, "spec": spec}


def settle(sandbox: Sandbox, seconds: float = 5) -> None:
    clock.advance(sandbox, seconds)
    assert reconcile.run(sandbox.pk)
    # Settled means the controller, run again on what is stored, has nothing left to do.
    assert [a for a in statefulset.reconcile(store.load_state(sandbox)) if not isinstance(a, WakeAt)] == []


def change(sandbox: Sandbox, mutate: Any) -> None:
    def apply(sts: Obj) -> Obj:
        mutate(sts)
        return sts
    store.patch(sandbox, kind(*STS), "default", "web", apply)


def scale(sandbox: Sandbox, replicas: int) -> None:
    change(sandbox, lambda sts: sts["spec"].update(replicas=replicas))


def set_image(image: str, partition: int) -> Any:
    def mutate(sts: Obj) -> None:
        sts["spec"]["template"]["spec"]["containers"][0]["image"] = image
        sts["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}}
    return mutate


def pods(sandbox: Sandbox) -> dict[str, Obj]:
    rows = KubeObject.objects.filter(sandbox=sandbox, kind="Pod", namespace="default").values_list("body", flat=True)
    return {name_of(p): p for p in rows if labels_of(p).get("app") == "web"}


def pod_log(sandbox: Sandbox, after: int = 0) -> list[tuple[str, str, Obj]]:
    """(event type, pod name, object) for every write to a `web` pod, in order."""
    events = WatchEvent.objects.filter(sandbox=sandbox, kind="Pod", resource_version__gt=after).order_by(
        "resource_version")
    return [(e.type, name_of(e.object), e.object) for e in events if labels_of(e.object).get("app") == "web"]


def first(log: list[tuple[str, str, Obj]], predicate: Any) -> int:
    return next(i for i, entry in enumerate(log) if predicate(*entry))


def is_ready(obj: Obj) -> bool:
    return (condition(obj, "Ready") or {}).get("status") == "True"


def newest_version(sandbox: Sandbox) -> int:
    sandbox.refresh_from_db()
    return int(sandbox.resource_version)


def test_it_starts_pods_strictly_in_order_when_scaled_from_zero_to_three(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(0), namespace="default")
    settle(sandbox)
    assert pods(sandbox) == {}

    scale(sandbox, 3)
    settle(sandbox)

    log = pod_log(sandbox)
    added = [name for kind_, name, _ in log if kind_ == "ADDED"]
    assert added == ["web-0", "web-1", "web-2"]
    for earlier, later in (("web-0", "web-1"), ("web-1", "web-2")):
        ready_at = first(log, lambda t, name, obj, n=earlier: name == n and is_ready(obj))
        added_at = first(log, lambda t, name, obj, n=later: t == "ADDED" and name == n)
        assert ready_at < added_at, f"{later} was created before {earlier} was Ready"
    sts = store.get(sandbox, kind(*STS), "default", "web")
    assert sts["status"]["readyReplicas"] == 3 and sts["status"]["currentRevision"] == sts["status"]["updateRevision"]
    reasons = [(e["reason"], e["message"]) for e in KubeObject.objects.filter(
        sandbox=sandbox, kind="Event").values_list("body", flat=True) if e["involvedObject"]["name"] == "web"]
    assert ("SuccessfulCreate", "create Pod web-2 in StatefulSet web successful") in reasons


def test_it_scales_down_from_the_highest_ordinal_waiting_for_each_to_go(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(3), namespace="default")
    settle(sandbox)
    mark = newest_version(sandbox)

    scale(sandbox, 1)
    settle(sandbox)
    settle(sandbox, 60)

    assert sorted(pods(sandbox)) == ["web-0"]
    log = pod_log(sandbox, mark)
    deleting = [name for kind_, name, obj in log if kind_ == "MODIFIED" and obj["metadata"].get("deletionTimestamp")]
    assert list(dict.fromkeys(deleting)) == ["web-2", "web-1"]
    gone_2 = first(log, lambda t, name, obj: t == "DELETED" and name == "web-2")
    asked_1 = first(log, lambda t, name, obj: name == "web-1" and bool(obj["metadata"].get("deletionTimestamp")))
    assert gone_2 < asked_1, "web-1 was deleted before web-2 was gone"


def test_it_rolls_an_update_out_in_reverse_ordinal_order_down_to_the_partition(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(3), namespace="default")
    settle(sandbox)
    mark = newest_version(sandbox)

    change(sandbox, set_image("nginx:1.26", partition=1))
    for _ in range(4):
        settle(sandbox, 30)

    images = {name: p["spec"]["containers"][0]["image"] for name, p in pods(sandbox).items()}
    assert images == {"web-0": "nginx:1.25", "web-1": "nginx:1.26", "web-2": "nginx:1.26"}
    recreated = [name for kind_, name, _ in pod_log(sandbox, mark) if kind_ == "ADDED"]
    assert recreated == ["web-2", "web-1"]
    status = store.get(sandbox, kind(*STS), "default", "web")["status"]
    assert status["updatedReplicas"] == 2 and status["currentRevision"] != status["updateRevision"]

    change(sandbox, lambda sts: sts["spec"]["updateStrategy"]["rollingUpdate"].update(partition=0))
    for _ in range(3):
        settle(sandbox, 30)
    assert {p["spec"]["containers"][0]["image"] for p in pods(sandbox).values()} == {"nginx:1.26"}
    status = store.get(sandbox, kind(*STS), "default", "web")["status"]
    assert status["currentRevision"] == status["updateRevision"] and status["currentReplicas"] == 3


def test_it_keeps_claims_through_a_scale_down_and_mounts_them_again(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(2, claims=True), namespace="default")
    settle(sandbox)
    claims = {name_of(c): c["metadata"]["uid"] for c in KubeObject.objects.filter(
        sandbox=sandbox, kind="PersistentVolumeClaim").values_list("body", flat=True)}
    assert sorted(claims) == ["data-web-0", "data-web-1"]

    scale(sandbox, 1)
    settle(sandbox)
    settle(sandbox, 60)
    assert sorted(pods(sandbox)) == ["web-0"]
    claim_kind = kind("PersistentVolumeClaim")
    assert store.get(sandbox, claim_kind, "default", "data-web-1")["metadata"]["uid"] == claims["data-web-1"]

    scale(sandbox, 2)
    settle(sandbox)
    web_1 = pods(sandbox)["web-1"]
    assert web_1["spec"]["volumes"][0] == {"name": "data", "persistentVolumeClaim": {"claimName": "data-web-1"}}
    assert store.get(sandbox, claim_kind, "default", "data-web-1")["metadata"]["uid"] == claims["data-web-1"]
    assert web_1["spec"]["hostname"] == "web-1" and web_1["spec"]["subdomain"] == "web"
