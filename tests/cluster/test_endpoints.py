"""The Endpoints controller: ready pods in `addresses`, the others in `notReadyAddresses`, written only on change."""

from datetime import timedelta

import pytest

from cluster import clock, kinds, reconcile, store
from cluster.actions import Create, Delete, Update, WakeAt
from cluster.controllers import endpoints, endpointslice, service_lb
from cluster.controllers.service_backends import HEADLESS_LABEL, TRIGGER_TIME
from cluster.models import Sandbox
from cluster.objects import Obj, copy, rfc3339
from tests.builders import T0, new_pod, state_of
from tests.cluster.services import new_service, ready_pod


def synced(*objects: Obj) -> Obj:
    """The Endpoints the controller writes for a state holding `objects`."""
    actions = endpoints.reconcile(state_of(*objects))
    assert len(actions) == 1 and isinstance(actions[0], Create | Update)
    return actions[0].obj


def test_it_does_nothing_when_the_endpoints_are_current() -> None:
    svc, pod = new_service(), ready_pod("web-1", "10.244.1.2")
    current = synced(svc, pod)
    current["metadata"].update(uid="u", resourceVersion="7")
    assert endpoints.reconcile(state_of(svc, pod, current)) == []


def test_it_lists_ready_pods_with_node_target_and_resolved_port() -> None:
    svc = new_service(labels={"app": "web"})
    ep = synced(svc, ready_pod("web-2", "10.244.2.2", node="node-2"), ready_pod("web-1", "10.244.1.2"))
    assert ep["metadata"]["name"] == "web" and ep["metadata"]["labels"] == {"app": "web"}
    assert ep["metadata"]["annotations"][TRIGGER_TIME] == rfc3339(T0)
    [subset] = ep["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.1.2", "10.244.2.2"]
    assert subset["addresses"][1]["nodeName"] == "node-2"
    assert subset["addresses"][1]["targetRef"]["kind"] == "Pod"
    assert subset["addresses"][1]["targetRef"]["name"] == "web-2"
    assert subset["ports"] == [{"port": 8080, "protocol": "TCP"}]


def test_it_puts_unready_pods_in_not_ready_addresses() -> None:
    ep = synced(new_service(), ready_pod("web-1", "10.244.1.2"), ready_pod("web-2", "10.244.1.3", ready=False))
    [subset] = ep["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.1.2"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == ["10.244.1.3"]


def test_it_publishes_not_ready_pods_as_ready_when_asked() -> None:
    svc = new_service(publishNotReadyAddresses=True)
    ep = synced(svc, ready_pod("web-1", "10.244.1.2", ready=False))
    assert [a["ip"] for a in ep["subsets"][0]["addresses"]] == ["10.244.1.2"]
    assert "notReadyAddresses" not in ep["subsets"][0]


def test_it_skips_pods_without_ip_finished_terminating_or_not_matching() -> None:
    pending = new_pod("web-0", labels={"app": "web"})
    done = ready_pod("web-1", "10.244.1.2")
    done["status"]["phase"] = "Succeeded"
    leaving = ready_pod("web-2", "10.244.1.3")
    leaving["metadata"]["deletionTimestamp"] = rfc3339(T0)
    other = ready_pod("api-1", "10.244.1.4", labels={"app": "api"})
    elsewhere = ready_pod("web-3", "10.244.1.5", namespace="dev")
    ep = synced(new_service(), pending, done, leaving, other, elsewhere)
    assert "subsets" not in ep


def test_it_resolves_named_target_ports_and_groups_pods_by_ports() -> None:
    svc = new_service(ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "web"}])
    old = ready_pod("web-1", "10.244.1.2", ports=[{"name": "web", "containerPort": 8080, "protocol": "TCP"}])
    new = ready_pod("web-2", "10.244.1.3", ports=[{"name": "web", "containerPort": 9090, "protocol": "TCP"}])
    unnamed = ready_pod("web-3", "10.244.1.4")
    ep = synced(svc, old, new, unnamed)
    assert [(s["ports"][0]["port"], [a["ip"] for a in s["addresses"]]) for s in ep["subsets"]] == [
        (8080, ["10.244.1.2"]), (9090, ["10.244.1.3"])]
    assert ep["subsets"][0]["ports"][0]["name"] == "http"


def test_it_marks_headless_services_and_names_subdomain_pods() -> None:
    svc = new_service(cluster_ip="None")
    pod = ready_pod("web-0", "10.244.1.2", hostname="web-0", subdomain="web")
    ep = synced(svc, pod)
    assert ep["metadata"]["labels"] == {HEADLESS_LABEL: ""}
    assert ep["subsets"][0]["addresses"][0]["hostname"] == "web-0"


def test_it_leaves_selectorless_and_external_name_services_alone() -> None:
    manual = new_service("db", selectorless=True)
    external = new_service("ext", type="ExternalName", externalName="example.com")
    assert endpoints.reconcile(state_of(manual, external, ready_pod("web-1", "10.244.1.2"))) == []


def test_it_deletes_its_endpoints_once_the_service_is_gone_but_not_hand_made_ones() -> None:
    svc = new_service()
    ours = synced(svc)
    ours["metadata"].update(uid="u1", resourceVersion="7")
    hand_made = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "db", "namespace": "default",
                                                                      "uid": "u2", "resourceVersion": "8"}}
    actions = endpoints.reconcile(state_of(ours, hand_made))
    assert [(type(a), a.ref.name) for a in actions if isinstance(a, Delete)] == [(Delete, "web")]


@pytest.fixture
def web(sandbox: Sandbox) -> Obj:
    """A deployment-less `web`: one pod created through the store and started by the kubelet, and its Service."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]}}
    store.create(sandbox, pod, namespace="default")
    store.create(sandbox, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}, namespace="default")
    reconcile.run(sandbox.pk)
    ep_kind = kinds.by_kind("", "Endpoints")
    assert ep_kind is not None
    return store.get(sandbox, ep_kind, "default", "web")


@pytest.mark.django_db
def test_it_drops_a_pod_the_moment_its_readiness_fails(sandbox: Sandbox, web: Obj) -> None:
    pod_kind, ep_kind = kinds.by_kind("", "Pod"), kinds.by_kind("", "Endpoints")
    assert pod_kind is not None and ep_kind is not None
    pod = store.get(sandbox, pod_kind, "default", "web-1")
    assert [a["ip"] for a in web["subsets"][0]["addresses"]] == [pod["status"]["podIP"]]

    def unready(current: Obj) -> Obj:
        failed = copy(current)
        for cond in failed["status"]["conditions"]:
            if cond["type"] in ("Ready", "ContainersReady"):
                cond.update(status="False", reason="ContainersNotReady")
        for container in failed["status"]["containerStatuses"]:
            container["ready"] = False  # what a failing readiness probe does to its container
        return failed

    store.patch(sandbox, pod_kind, "default", "web-1", unready, subresource="status")
    reconcile.run(sandbox.pk)
    ep = store.get(sandbox, ep_kind, "default", "web")
    assert "addresses" not in ep["subsets"][0]
    assert [a["ip"] for a in ep["subsets"][0]["notReadyAddresses"]] == [pod["status"]["podIP"]]


@pytest.mark.django_db
def test_it_follows_the_pod_out_when_it_is_deleted(sandbox: Sandbox, web: Obj) -> None:
    pod_kind, ep_kind = kinds.by_kind("", "Pod"), kinds.by_kind("", "Endpoints")
    assert pod_kind is not None and ep_kind is not None
    store.delete(sandbox, pod_kind, "default", "web-1")
    reconcile.run(sandbox.pk)
    assert "subsets" not in store.get(sandbox, ep_kind, "default", "web")  # terminating: out at once
    clock.advance(sandbox, timedelta(seconds=40).total_seconds())
    reconcile.run(sandbox.pk)
    assert "subsets" not in store.get(sandbox, ep_kind, "default", "web")


@pytest.mark.django_db
def test_it_settles_with_every_service_controller_after_a_round(sandbox: Sandbox, web: Obj) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"},
                           "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}},
                 namespace="default")
    reconcile.run(sandbox.pk)
    state = store.load_state(sandbox)
    for controller in (endpoints.reconcile, endpointslice.reconcile, service_lb.reconcile):
        assert [a for a in controller(state) if not isinstance(a, WakeAt)] == []
    assert {e["metadata"]["name"] for e in state.of_kind("Endpoints")} == {"web", "lb", "kube-dns"}
