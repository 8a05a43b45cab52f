"""Service updates keep what was allocated, allocate what a new type needs, and release what it no longer uses."""

import pytest

from cluster import kinds, store
from cluster.errors import StatusError
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj
from tests.cluster.kinds.manifests import service


@pytest.fixture
def svc_kind() -> Kind:
    kind = kinds.by_kind("", "Service")
    assert kind is not None
    return kind


def put(sandbox: Sandbox, kind: Kind, body: Obj) -> Obj:
    """A PUT of `body` as a client sends it: no resourceVersion, so the current one is assumed."""
    return store.update(sandbox, kind, "default", body["metadata"]["name"], body)


def test_it_keeps_the_cluster_ip_when_the_same_manifest_is_put_again(sandbox: Sandbox, svc_kind: Kind) -> None:
    created = store.create(sandbox, service("web"), namespace="default")
    updated = put(sandbox, svc_kind, service("web", ports=[{"port": 8080}]))
    assert updated["spec"]["clusterIP"] == created["spec"]["clusterIP"]
    assert updated["spec"]["clusterIPs"] == created["spec"]["clusterIPs"]


def test_it_keeps_node_ports_by_port_name(sandbox: Sandbox, svc_kind: Kind) -> None:
    ports = [{"name": "http", "port": 80}, {"name": "https", "port": 443}]
    created = store.create(sandbox, service("web", type="NodePort", ports=ports), namespace="default")
    updated = put(sandbox, svc_kind, service("web", type="NodePort", ports=list(reversed(ports))))
    before = {p["name"]: p["nodePort"] for p in created["spec"]["ports"]}
    assert {p["name"]: p["nodePort"] for p in updated["spec"]["ports"]} == before


def test_it_allocates_node_ports_when_the_type_becomes_node_port(sandbox: Sandbox, svc_kind: Kind) -> None:
    store.create(sandbox, service("web"), namespace="default")
    updated = store.patch(sandbox, svc_kind, "default", "web",
                          lambda s: {**s, "spec": {**s["spec"], "type": "NodePort"}})
    assert updated["spec"]["ports"][0]["nodePort"] == 30000


def test_it_refuses_to_change_an_allocated_cluster_ip(sandbox: Sandbox, svc_kind: Kind) -> None:
    store.create(sandbox, service("web"), namespace="default")
    with pytest.raises(StatusError) as changed:
        put(sandbox, svc_kind, service("web", clusterIP="10.96.0.99"))
    assert changed.value.code == 422
    assert changed.value.message == ('Service "web" is invalid: spec.clusterIPs[0]: Invalid value: '
                                     '[]string{"10.96.0.99"}: may not change once set')


def test_it_releases_the_cluster_ip_for_an_external_name(sandbox: Sandbox, svc_kind: Kind) -> None:
    store.create(sandbox, service("web"), namespace="default")

    def to_external(s: Obj) -> Obj:
        return {**s, "spec": {**s["spec"], "type": "ExternalName", "externalName": "example.com"}}

    updated = store.patch(sandbox, svc_kind, "default", "web", to_external)
    assert "clusterIP" not in updated["spec"] and "clusterIPs" not in updated["spec"]
    back = store.patch(sandbox, svc_kind, "default", "web",
                       lambda s: {**s, "spec": {k: v for k, v in s["spec"].items() if k != "externalName"}
                                  | {"type": "ClusterIP"}})
    assert back["spec"]["clusterIP"].startswith("10.96.")


def test_it_clears_the_load_balancer_status_when_the_type_changes(sandbox: Sandbox, svc_kind: Kind) -> None:
    store.create(sandbox, service("web", type="LoadBalancer"), namespace="default")
    store.patch(sandbox, svc_kind, "default", "web",
                lambda s: {**s, "status": {"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}}},
                subresource="status")

    def to_node_port(s: Obj) -> Obj:
        return {**s, "spec": {**s["spec"], "type": "NodePort"}}

    updated = store.patch(sandbox, svc_kind, "default", "web", to_node_port)
    assert updated["status"]["loadBalancer"] == {}
    assert "allocateLoadBalancerNodePorts" not in updated["spec"]
    assert updated["spec"]["ports"][0]["nodePort"] == 30000  # still a node port service: kept
