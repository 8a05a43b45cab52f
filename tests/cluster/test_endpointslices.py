"""The EndpointSlice controller: one slice per port set, endpoint conditions, placeholder, stable names."""

from cluster.actions import Create, Delete, Update
from cluster.controllers import endpointslice
from cluster.controllers.service_backends import HEADLESS_LABEL
from cluster.objects import Obj, rfc3339
from tests.builders import T0, new_node, state_of
from tests.cluster.services import new_service, ready_pod


def synced(*objects: Obj) -> list[Obj]:
    actions = endpointslice.reconcile(state_of(*objects))
    assert all(isinstance(a, Create | Update) for a in actions)
    return [a.obj for a in actions if isinstance(a, Create | Update)]


def stored(obj: Obj, uid: str) -> Obj:
    obj["metadata"].update(uid=uid, resourceVersion="9")
    return obj


def test_it_does_nothing_when_the_slices_are_current() -> None:
    svc, pod = new_service(), ready_pod("web-1", "10.244.1.2")
    [current] = synced(svc, pod)
    assert endpointslice.reconcile(state_of(svc, pod, stored(current, "s1"))) == []


def test_it_writes_a_labelled_owned_slice_with_endpoint_conditions() -> None:
    svc = new_service(labels={"app": "web"})
    ready, unready = ready_pod("web-1", "10.244.1.2"), ready_pod("web-2", "10.244.1.3", ready=False, node="node-2")
    leaving = ready_pod("web-3", "10.244.1.4")
    leaving["metadata"]["deletionTimestamp"] = rfc3339(T0)
    node = new_node("node-2", labels={"topology.kubernetes.io/zone": "zone-b"})
    [eps] = synced(svc, ready, unready, leaving, node)
    assert eps["metadata"]["name"].startswith("web-") and len(eps["metadata"]["name"]) == len("web-") + 5
    assert eps["metadata"]["labels"] == {"app": "web", "kubernetes.io/service-name": "web",
                                         "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
    assert eps["metadata"]["ownerReferences"][0]["uid"] == svc["metadata"]["uid"]
    assert eps["addressType"] == "IPv4"
    assert eps["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]
    conditions = {e["targetRef"]["name"]: e["conditions"] for e in eps["endpoints"]}
    assert conditions == {"web-1": {"ready": True, "serving": True, "terminating": False},
                          "web-2": {"ready": False, "serving": False, "terminating": False},
                          "web-3": {"ready": False, "serving": True, "terminating": True}}
    assert eps["endpoints"][1]["nodeName"] == "node-2" and eps["endpoints"][1]["zone"] == "zone-b"


def test_it_keeps_a_placeholder_slice_for_a_service_without_pods() -> None:
    svc = new_service(cluster_ip="None")
    [eps] = synced(svc)
    assert (eps["endpoints"], eps["ports"]) == ([], [])
    assert eps["metadata"]["labels"][HEADLESS_LABEL] == ""
    assert endpointslice.reconcile(state_of(svc, stored(eps, "s1"))) == []


def test_it_fills_the_placeholder_in_place_when_a_pod_arrives() -> None:
    svc = new_service()
    placeholder = stored(synced(svc)[0], "s1")
    actions = endpointslice.reconcile(state_of(svc, placeholder, ready_pod("web-1", "10.244.1.2")))
    [update] = actions
    assert isinstance(update, Update) and update.obj["metadata"]["name"] == placeholder["metadata"]["name"]


def test_it_splits_pods_serving_different_port_numbers_and_drops_extra_slices() -> None:
    svc = new_service(ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "web"}])
    a = ready_pod("web-1", "10.244.1.2", ports=[{"name": "web", "containerPort": 8080}])
    b = ready_pod("web-2", "10.244.1.3", ports=[{"name": "web", "containerPort": 9090}])
    slices = synced(svc, a, b)
    assert sorted(s["ports"][0]["port"] for s in slices) == [8080, 9090]
    first, second = stored(slices[0], "s1"), stored(slices[1], "s2")
    actions = endpointslice.reconcile(state_of(svc, a, first, second))
    [delete] = actions
    assert isinstance(delete, Delete) and delete.ref.name == second["metadata"]["name"]


def test_it_caps_slices_at_one_hundred_endpoints() -> None:
    pods = [ready_pod(f"web-{i}", f"10.244.{i // 200 + 1}.{i % 200 + 2}") for i in range(150)]
    slices = synced(new_service(), *pods)
    assert sorted(len(s["endpoints"]) for s in slices) == [50, 100]
    assert len({s["metadata"]["name"] for s in slices}) == 2


def test_it_leaves_selectorless_services_alone() -> None:
    assert endpointslice.reconcile(state_of(new_service(selectorless=True), ready_pod("web-1", "10.244.1.2"))) == []
