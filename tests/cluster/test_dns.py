"""Cluster DNS: the records CoreDNS would serve, and lookups through a pod's search path."""

from cluster import dns
from cluster.controllers import endpointslice
from cluster.dns import Rcode, RecordType
from cluster.objects import Obj
from tests.builders import state_of
from tests.cluster.services import new_service, ready_pod


def with_slices(*objects: Obj) -> list[Obj]:
    """The objects plus the EndpointSlices the controller would write for them."""
    actions = endpointslice.reconcile(state_of(*objects))
    return [*objects, *[a.obj for a in actions if hasattr(a, "obj")]]


def cluster() -> list[Obj]:
    web = new_service("web", cluster_ip="10.96.0.12",
                      ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}])
    db = new_service("db", cluster_ip="None", selector={"app": "db"},
                     ports=[{"name": "pg", "port": 5432, "protocol": "TCP", "targetPort": 5432}])
    db0 = ready_pod("db-0", "10.244.1.7", labels={"app": "db"}, hostname="db-0", subdomain="db")
    db1 = ready_pod("db-1", "10.244.2.7", labels={"app": "db"}, hostname="db-1", subdomain="db", ready=False)
    other = ready_pod("db-x", "10.244.3.7", labels={"app": "db"})
    ext = new_service("ext", type="ExternalName", externalName="example.com")
    return with_slices(web, db, db0, db1, other, ext)


def answer_of(name: str, namespace: str = "default", qtype: RecordType = RecordType.A) -> dns.Answer:
    return dns.resolve(state_of(*cluster()), name, namespace, qtype)


def test_it_serves_a_cluster_ip_service_and_its_named_ports() -> None:
    served = {str(r) for r in dns.records(state_of(*cluster()))}
    assert "web.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.12" in served
    assert "_http._tcp.web.default.svc.cluster.local.\t5\tIN\tSRV\t0 100 80 web.default.svc.cluster.local." in served
    assert "12.0.96.10.in-addr.arpa.\t5\tIN\tPTR\tweb.default.svc.cluster.local." in served


def test_it_resolves_a_short_name_through_the_search_path() -> None:
    answer = answer_of("web")
    assert (answer.rcode, answer.name) == (Rcode.NOERROR, "web.default.svc.cluster.local")
    assert [r.data for r in answer.records] == ["10.96.0.12"]
    assert answer.tried == ("web.default.svc.cluster.local",)


def test_it_resolves_across_namespaces_only_with_the_namespace() -> None:
    assert answer_of("web", "dev").rcode == Rcode.NXDOMAIN
    assert answer_of("web.default", "dev").name == "web.default.svc.cluster.local"
    assert answer_of("web.default.svc.cluster.local.", "dev").tried == ("web.default.svc.cluster.local",)


def test_it_lists_ready_endpoints_behind_a_headless_service() -> None:
    answer = answer_of("db")
    assert sorted(r.data for r in answer.records) == ["10.244.1.7", "10.244.3.7"]  # db-1 is not ready
    assert [r.data for r in answer_of("db-0.db").records] == ["10.244.1.7"]
    assert answer_of("db-0.db").name == "db-0.db.default.svc.cluster.local"
    assert answer_of("db-1.db").rcode == Rcode.NXDOMAIN
    assert [r.data for r in answer_of("10-244-3-7.db").records] == ["10.244.3.7"]
    srv = answer_of("_pg._tcp.db", qtype=RecordType.SRV)
    assert sorted(r.data for r in srv.records) == ["0 50 5432 10-244-3-7.db.default.svc.cluster.local.",
                                                   "0 50 5432 db-0.db.default.svc.cluster.local."]


def test_it_aliases_external_names_and_answers_pod_names() -> None:
    ext = answer_of("ext")
    assert [(r.type, r.data) for r in ext.records] == [(RecordType.CNAME, "example.com.")]
    assert [r.data for r in answer_of("10-244-1-7.default.pod").records] == ["10.244.1.7"]


def test_it_answers_nxdomain_after_trying_every_candidate() -> None:
    answer = answer_of("nope")
    assert answer.rcode == Rcode.NXDOMAIN
    assert answer.tried == ("nope.default.svc.cluster.local", "nope.svc.cluster.local", "nope.cluster.local",
                            "nope")


def test_it_tries_names_with_five_dots_as_they_are_first() -> None:
    assert dns.candidates("a.b.c.d.e.f", "default")[0] == "a.b.c.d.e.f"
    four_dots = dns.candidates("web.default.svc.cluster.local", "default")
    assert four_dots[0] == "web.default.svc.cluster.local.default.svc.cluster.local"
    assert four_dots[-1] == "web.default.svc.cluster.local"


def test_it_prints_what_busybox_nslookup_prints() -> None:
    assert dns.nslookup_output(answer_of("web")) == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        "Name:\tweb.default.svc.cluster.local\nAddress: 10.96.0.12\n\n")
    assert "** server can't find nope.cluster.local: NXDOMAIN" in dns.nslookup_output(answer_of("nope"))


def test_it_answers_nslookup_for_a_statefulset_pod_from_its_namespace() -> None:
    output = dns.nslookup(state_of(*cluster()), "db-0.db", "default")
    assert "Name:\tdb-0.db.default.svc.cluster.local\nAddress: 10.244.1.7\n" in output


def test_it_looks_addresses_up_backwards() -> None:
    answer = answer_of("10.96.0.12")
    assert [r.data for r in answer.records] == ["web.default.svc.cluster.local."]


def test_it_writes_a_pods_resolv_conf() -> None:
    assert dns.resolv_conf("dev") == ("search dev.svc.cluster.local svc.cluster.local cluster.local\n"
                                      "nameserver 10.96.0.10\noptions ndots:5\n")
