"""Cluster IPs and node ports: handed out lowest-first, unique across the sandbox, requests honoured."""

import pytest

from cluster import kinds, store
from cluster.errors import StatusError
from cluster.kinds.service_allocation import allocate
from cluster.models import Sandbox
from cluster.objects import Obj
from tests.cluster.kinds.manifests import admit, service


def allocated(svc: Obj, *existing: Obj, namespace: str = "default") -> Obj:
    new = admit(svc, namespace)
    allocate(new, list(existing))
    return new


def test_it_gives_the_kubernetes_service_the_first_address() -> None:
    assert allocated(service("kubernetes"))["spec"]["clusterIP"] == "10.96.0.1"
    assert allocated(service("kubernetes"), namespace="dev")["spec"]["clusterIP"] == "10.96.0.10"


def test_it_hands_out_addresses_in_order_and_reuses_freed_ones() -> None:
    first = allocated(service("a"))
    second = allocated(service("b"), first)
    assert (first["spec"]["clusterIPs"], second["spec"]["clusterIPs"]) == (["10.96.0.10"], ["10.96.0.11"])
    assert allocated(service("c"), second)["spec"]["clusterIP"] == "10.96.0.10"


def test_it_allocates_nothing_for_headless_and_external_name_services() -> None:
    headless = allocated(service(clusterIP="None"))
    external = allocated(service(type="ExternalName", externalName="db.example.com", ports=[]))
    assert (headless["spec"]["clusterIP"], headless["spec"]["clusterIPs"]) == ("None", ["None"])
    assert "clusterIP" not in external["spec"]


def test_it_refuses_a_requested_address_outside_the_range_or_taken() -> None:
    with pytest.raises(StatusError) as outside:
        allocated(service(clusterIP="10.0.0.5"))
    assert outside.value.message == (
        'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP '
        "10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12")
    taken = allocated(service("a"))
    with pytest.raises(StatusError) as conflict:
        allocated(service(clusterIP="10.96.0.10"), taken)
    assert conflict.value.details["causes"][0]["message"].endswith("provided IP is already allocated")


def test_it_allocates_the_lowest_free_node_ports() -> None:
    first = allocated(service("a", type="NodePort", ports=[{"name": "http", "port": 80},
                                                           {"name": "https", "port": 443, "nodePort": 30000}]))
    assert [p["nodePort"] for p in first["spec"]["ports"]] == [30001, 30000]
    balancer = allocated(service("b", type="LoadBalancer"), first)
    assert balancer["spec"]["ports"][0]["nodePort"] == 30002
    assert balancer["status"] == {"loadBalancer": {}}


def test_it_refuses_a_node_port_that_is_taken_or_out_of_range() -> None:
    first = allocated(service("a", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    with pytest.raises(StatusError) as taken:
        allocated(service("b", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]), first)
    assert (taken.value.code, taken.value.reason) == (422, "Invalid")
    assert taken.value.message == ('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
                                   "provided port is already allocated")
    with pytest.raises(StatusError) as outside:
        allocated(service("c", type="NodePort", ports=[{"port": 80, "nodePort": 8080}]))
    assert outside.value.details["causes"][0]["message"] == (
        "Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767")


def test_it_allocates_through_the_store(sandbox: Sandbox) -> None:
    svc_kind = kinds.by_kind("", "Service")
    assert svc_kind is not None
    kubernetes = store.get(sandbox, svc_kind, "default", "kubernetes")
    assert kubernetes["spec"]["clusterIPs"] == ["10.96.0.1"]
    web = store.create(sandbox, service("web", type="NodePort"), namespace="default")
    api = store.create(sandbox, service("api", type="NodePort"), namespace="kube-system")
    # 10.96.0.10 is the seeded kube-dns Service's.
    assert (web["spec"]["clusterIP"], api["spec"]["clusterIP"]) == ("10.96.0.11", "10.96.0.12")
    assert (web["spec"]["ports"][0]["nodePort"], api["spec"]["ports"][0]["nodePort"]) == (30000, 30001)
    with pytest.raises(StatusError) as taken:
        store.create(sandbox, service("db", type="NodePort", ports=[{"port": 5432, "nodePort": 30000}]),
                     namespace="default")
    assert taken.value.code == 422
    items, _ = store.list_objects(sandbox, svc_kind)
    assert {s["metadata"]["name"] for s in items} == {"kubernetes", "kube-dns", "web", "api"}  # none refused
