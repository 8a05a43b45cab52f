"""The LoadBalancer service controller: an address from the pool, Kubernetes' events, cleanup by finalizer."""

from datetime import timedelta
from typing import Any

import pytest

from cluster import clock, kinds, reconcile, sandboxes, store
from cluster.actions import Action, Emit, Update, WakeAt
from cluster.controllers import service_lb
from cluster.controllers.service_lb import FINALIZER
from cluster.kinds.service import external_ip
from cluster.models import Sandbox
from cluster.objects import Obj
from tests.builders import T0, state_of
from tests.cluster.services import new_service


def balanced(name: str = "web", ip: str = "172.18.255.200", **spec: Any) -> Obj:
    svc = new_service(name, type="LoadBalancer", **spec)
    svc["metadata"]["finalizers"] = [FINALIZER]
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}}
    return svc


def reasons(actions: list[Action]) -> list[str]:
    return [a.reason for a in actions if isinstance(a, Emit)]


def test_it_does_nothing_for_a_balanced_service_or_other_types() -> None:
    assert service_lb.reconcile(state_of(balanced(), new_service("api"))) == []


def test_it_ensures_a_balancer_with_the_lowest_free_address() -> None:
    actions = service_lb.reconcile(state_of(balanced("api"), new_service(type="LoadBalancer")))
    assert reasons(actions) == ["EnsuringLoadBalancer", "EnsuredLoadBalancer"]
    final = [a.obj for a in actions if isinstance(a, Update)][-1]
    assert final["metadata"]["finalizers"] == [FINALIZER]
    assert final["status"]["loadBalancer"]["ingress"] == [{"ip": "172.18.255.201", "ipMode": "VIP"}]
    assert external_ip(final) == "172.18.255.201"


def test_it_honours_a_requested_address_from_the_pool() -> None:
    actions = service_lb.reconcile(state_of(new_service(type="LoadBalancer", loadBalancerIP="172.18.255.240")))
    final = [a.obj for a in actions if isinstance(a, Update)][-1]
    assert final["status"]["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.240"


def test_it_leaves_the_service_pending_and_warns_once_when_the_pool_is_empty() -> None:
    taken = [balanced(f"lb{i}", f"172.18.255.{200 + i}") for i in range(51)]
    svc = new_service(type="LoadBalancer")
    svc["metadata"]["finalizers"] = [FINALIZER]
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "default", "uid": "e"},
             "involvedObject": {"uid": svc["metadata"]["uid"]}, "reason": "EnsuringLoadBalancer",
             "message": "Ensuring load balancer", "source": {"component": "service-controller"},
             "lastTimestamp": "2026-01-01T00:00:00Z"}
    actions = service_lb.reconcile(state_of(svc, event, *taken))
    assert [(a.reason, a.type) for a in actions if isinstance(a, Emit)] == [("SyncLoadBalancerFailed", "Warning")]
    assert not any(isinstance(a, Update) for a in actions)


def test_it_waits_a_moment_in_the_realistic_profile() -> None:
    actions = service_lb.reconcile(state_of(new_service(type="LoadBalancer"), profile="realistic"))
    assert reasons(actions) == ["EnsuringLoadBalancer"]
    assert WakeAt(T0 + timedelta(seconds=2)) in actions
    assert not [a for a in actions if isinstance(a, Update) and a.obj["status"]["loadBalancer"]]


def test_it_releases_the_balancer_when_the_type_changes() -> None:
    svc = balanced()
    svc["spec"]["type"] = "ClusterIP"
    actions = service_lb.reconcile(state_of(svc))
    assert reasons(actions) == ["DeletingLoadBalancer", "DeletedLoadBalancer"]
    [update] = [a.obj for a in actions if isinstance(a, Update)]
    assert update["metadata"]["finalizers"] == [] and update["status"]["loadBalancer"] == {}


def test_it_leaves_services_of_another_load_balancer_class_alone() -> None:
    assert service_lb.reconcile(state_of(new_service(type="LoadBalancer", loadBalancerClass="example.com/lb"))) == []


@pytest.mark.django_db
def test_it_shows_pending_then_the_address_and_lets_a_deleted_service_go() -> None:
    sandbox: Sandbox = sandboxes.create("lb", nodes=1, profile="realistic", speed=0)
    svc_kind = kinds.by_kind("", "Service")
    assert svc_kind is not None
    store.create(sandbox, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                           "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}},
                 namespace="default")
    reconcile.run(sandbox.pk)
    assert external_ip(store.get(sandbox, svc_kind, "default", "web")) == "<pending>"
    clock.advance(sandbox, 3)
    reconcile.run(sandbox.pk)
    assert external_ip(store.get(sandbox, svc_kind, "default", "web")) == "172.18.255.200"

    store.delete(sandbox, svc_kind, "default", "web")
    assert store.get(sandbox, svc_kind, "default", "web")["metadata"]["deletionTimestamp"]
    reconcile.run(sandbox.pk)
    items, _ = store.list_objects(sandbox, svc_kind, "default")
    assert [s["metadata"]["name"] for s in items] == ["kubernetes"]
