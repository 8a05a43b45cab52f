"""Cluster DNS: the names CoreDNS would serve for this sandbox, and a resolver that looks them up as a pod does.

Every Service gets a name, `<service>.<namespace>.svc.cluster.local`:
- with a cluster IP, an A record to that virtual IP, and an SRV record per named port,
  `_<port>._<protocol>.<service>.<namespace>.svc.cluster.local`, pointing at the service;
- headless (`clusterIP: None`), one A record per ready endpoint, so the name lists the pods
  themselves; each endpoint also gets its own name, its pod's hostname when the pod set
  `subdomain` to the service (a StatefulSet's `web-0.web`), else its IP with dashes;
- `ExternalName`, a CNAME to the outside name.
Pods get `<ip-with-dashes>.<namespace>.pod.cluster.local`; like kubeadm's CoreDNS
(`pods insecure`) the answer comes from the name itself. Reverse (PTR) records exist for
service IPs and headless endpoints. Headless records follow the EndpointSlices, as CoreDNS
does, so a pod appears in DNS once the endpoint controllers have seen it ready.

A pod's `/etc/resolv.conf` (dnsPolicy ClusterFirst) sends it to the `kube-dns` Service at
10.96.0.10 with the search path `<ns>.svc.cluster.local svc.cluster.local cluster.local`
and `ndots:5`: a name with fewer than five dots is tried with each search suffix first, so
`web` finds `web.<ns>.svc.cluster.local` and `web-0.web` finds the StatefulSet pod.
KubeLab has no Internet: names outside the cluster answer NXDOMAIN.
"""

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cluster.objects import Obj, labels_of, name_of, namespace_of
from cluster.state import ClusterState

CLUSTER_DOMAIN = "cluster.local"
NAMESERVER = "10.96.0.10"
NDOTS = 5
# CoreDNS's kubernetes plugin answers with a five-second TTL.
TTL = 5
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class RecordType(StrEnum):
    A = "A"
    AAAA = "AAAA"
    CNAME = "CNAME"
    SRV = "SRV"
    PTR = "PTR"


class Rcode(StrEnum):
    NOERROR = "NOERROR"
    NXDOMAIN = "NXDOMAIN"


@dataclass(frozen=True)
class Record:
    """One resource record; `data` as a zone file writes it (an address, a target, or `prio weight port target`)."""

    name: str
    type: RecordType
    data: str
    ttl: int = TTL

    def __str__(self) -> str:
        return f"{self.name}.\t{self.ttl}\tIN\t{self.type}\t{self.data}"


@dataclass(frozen=True)
class Answer:
    """What a lookup returned: the name that answered (or the last one tried) and its records."""

    question: str
    type: RecordType
    rcode: Rcode
    name: str
    records: tuple[Record, ...]
    tried: tuple[str, ...]


# --- the zone ------------------------------------------------------------------------------

def records(state: ClusterState) -> list[Record]:
    """Every record the cluster's DNS serves, services first, then pods."""
    found: list[Record] = []
    for svc in sorted(state.of_kind("Service"), key=lambda s: (namespace_of(s), name_of(s))):
        found += service_records(svc, state)
    for pod in sorted(state.of_kind("Pod"), key=lambda p: (namespace_of(p), name_of(p))):
        ip = str((pod.get("status") or {}).get("podIP") or "")
        if ip:
            found.append(_address(f"{_dashed(ip)}.{namespace_of(pod)}.pod.{CLUSTER_DOMAIN}", ip))
    return found


def service_fqdn(svc: Obj) -> str:
    return f"{name_of(svc)}.{namespace_of(svc)}.svc.{CLUSTER_DOMAIN}"


def service_records(svc: Obj, state: ClusterState) -> list[Record]:
    spec = svc.get("spec") or {}
    fqdn = service_fqdn(svc)
    if spec.get("type") == "ExternalName":
        return [Record(fqdn, RecordType.CNAME, f"{str(spec.get('externalName', '')).rstrip('.')}.")]
    if spec.get("clusterIP") in ("None", "", None):
        return headless_records(svc, state)
    ips = [ip for ip in spec.get("clusterIPs") or [spec["clusterIP"]] if ip]
    found = [_address(fqdn, ip) for ip in ips] + [_ptr(ip, fqdn) for ip in ips]
    for port in spec.get("ports") or []:
        if port.get("name"):
            found.append(_srv(fqdn, port, int(port["port"]), fqdn, 1))
    return found


def headless_records(svc: Obj, state: ClusterState) -> list[Record]:
    """One A record per ready endpoint on the service's name and on the endpoint's own name; SRV per port."""
    fqdn = service_fqdn(svc)
    endpoints = ready_endpoints(svc, state)
    found: list[Record] = []
    for ip, host, _ in endpoints:
        found += [_address(fqdn, ip), _address(f"{host}.{fqdn}", ip), _ptr(ip, f"{host}.{fqdn}")]
    for _ip, host, ports in endpoints:
        found += [_srv(fqdn, port, int(port["port"]), f"{host}.{fqdn}", len(endpoints))
                  for port in ports if port.get("name")]
    return found


def ready_endpoints(svc: Obj, state: ClusterState) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(address, endpoint name, ports) of the service's ready endpoints, from its EndpointSlices."""
    found: dict[str, tuple[str, str, list[dict[str, Any]]]] = {}
    for eps in state.of_kind("EndpointSlice", "discovery.k8s.io", namespace_of(svc)):
        if labels_of(eps).get(SERVICE_NAME_LABEL) != name_of(svc) or eps.get("addressType") not in ("IPv4", "IPv6"):
            continue
        for endpoint in eps.get("endpoints") or []:
            if (endpoint.get("conditions") or {}).get("ready") is False:
                continue  # an unset `ready` means ready, as the API documents
            for ip in endpoint.get("addresses") or []:
                found[ip] = (ip, endpoint.get("hostname") or _dashed(ip), list(eps.get("ports") or []))
    return [found[ip] for ip in sorted(found, key=_ip_order)]


def _address(name: str, ip: str) -> Record:
    kind = RecordType.AAAA if ":" in ip else RecordType.A
    return Record(name, kind, ip)


def _ptr(ip: str, target: str) -> Record:
    return Record(ipaddress.ip_address(ip).reverse_pointer, RecordType.PTR, f"{target}.")


def _srv(fqdn: str, port: dict[str, Any], number: int, target: str, targets: int) -> Record:
    """CoreDNS weighs the targets of one SRV name equally, out of 100."""
    protocol = str(port.get("protocol", "TCP")).lower()
    return Record(f"_{port['name']}._{protocol}.{fqdn}", RecordType.SRV, f"0 {100 // targets} {number} {target}.")


def _dashed(ip: str) -> str:
    return ip.replace(".", "-").replace(":", "-")


def _ip_order(ip: str) -> tuple[int, int]:
    address = ipaddress.ip_address(ip)
    return address.version, int(address)


# --- the resolver --------------------------------------------------------------------------

def search_path(namespace: str) -> list[str]:
    return [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]


def resolv_conf(namespace: str) -> str:
    """The `/etc/resolv.conf` the kubelet writes into a pod with dnsPolicy ClusterFirst."""
    return f"search {' '.join(search_path(namespace))}\nnameserver {NAMESERVER}\noptions ndots:{NDOTS}\n"


def candidates(name: str, namespace: str) -> list[str]:
    """The names a pod's resolver tries, in order: with ndots:5, short names go through the search path first."""
    name = name.strip().lower()
    if name.endswith("."):
        return [name.rstrip(".")]
    searched = [f"{name}.{suffix}" for suffix in search_path(namespace)]
    return [name, *searched] if name.count(".") >= NDOTS else [*searched, name]


def resolve(state: ClusterState, name: str, from_namespace: str = "default",
            qtype: RecordType = RecordType.A) -> Answer:
    """Look `name` up as a pod in `from_namespace` would: the first candidate with records answers.
    An address is looked up backwards (PTR), as nslookup does with `nslookup 10.96.0.1`."""
    zone = by_name(records(state))
    names = candidates(name, from_namespace)
    if _is_ip(name):
        names, qtype = [ipaddress.ip_address(name.strip()).reverse_pointer], RecordType.PTR
    tried: list[str] = []
    empty = ""
    for fqdn in names:
        tried.append(fqdn)
        found = lookup(zone, fqdn, qtype)
        if found:
            return Answer(name, qtype, Rcode.NOERROR, fqdn, tuple(found), tuple(tried))
        if not empty and exists(zone, fqdn):
            empty = fqdn  # the name exists without records of this type: NOERROR, no answer
    if empty:
        return Answer(name, qtype, Rcode.NOERROR, empty, (), tuple(tried))
    return Answer(name, qtype, Rcode.NXDOMAIN, tried[-1], (), tuple(tried))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


def by_name(found: list[Record]) -> dict[str, list[Record]]:
    zone: dict[str, list[Record]] = defaultdict(list)
    for record in found:
        zone[record.name.lower()].append(record)
    return zone


def lookup(zone: dict[str, list[Record]], fqdn: str, qtype: RecordType) -> list[Record]:
    """The records of `qtype` at `fqdn`; an address query also gets a CNAME, as DNS servers answer."""
    here = zone.get(fqdn, []) or pod_record(fqdn, qtype)
    wanted = (qtype, RecordType.CNAME) if qtype in (RecordType.A, RecordType.AAAA) else (qtype,)
    return [r for r in here if r.type in wanted]


def pod_record(fqdn: str, qtype: RecordType) -> list[Record]:
    """`pods insecure`: `10-244-1-5.<ns>.pod.cluster.local` answers 10.244.1.5 whether or not such a pod exists."""
    labels = fqdn.split(".")
    if len(labels) != 3 + CLUSTER_DOMAIN.count(".") + 1 or labels[2] != "pod" or not fqdn.endswith(CLUSTER_DOMAIN):
        return []
    try:
        address = ipaddress.IPv4Address(labels[0].replace("-", "."))
    except ValueError:
        return []
    return [Record(fqdn, RecordType.A, str(address))] if qtype == RecordType.A else []


def exists(zone: dict[str, list[Record]], fqdn: str) -> bool:
    """A name exists if it has records or records below it (`default.svc.cluster.local` does)."""
    return fqdn in zone or any(name.endswith(f".{fqdn}") for name in zone)


# --- what nslookup prints ------------------------------------------------------------------

def nslookup(state: ClusterState, name: str, from_namespace: str = "default") -> str:
    """`nslookup <name>` typed in a pod of `from_namespace` (what the web console and tutorials run)."""
    return nslookup_output(resolve(state, name, from_namespace))


def nslookup_output(answer: Answer) -> str:
    """What `nslookup <name>` prints in a busybox pod (the musl-based nslookup of busybox 1.3x)."""
    lines = ["Server:\t\t" + NAMESERVER, f"Address:\t{NAMESERVER}:53", ""]
    if answer.rcode == Rcode.NXDOMAIN:
        for name in answer.tried:
            lines += [f"** server can't find {name}: NXDOMAIN", ""]
        return "\n".join(lines) + "\n"
    for record in answer.records:
        lines += _printed(record)
    if not answer.records:
        lines.append(f"*** Can't find {answer.question}: No answer")
    return "\n".join([*lines, ""]) + "\n"


def _printed(record: Record) -> list[str]:
    if record.type in (RecordType.A, RecordType.AAAA):
        return [f"Name:\t{record.name}", f"Address: {record.data}"]
    if record.type == RecordType.CNAME:
        return [f"{record.name}\tcanonical name = {record.data.rstrip('.')}"]
    if record.type == RecordType.PTR:
        return [f"{record.name}\tname = {record.data.rstrip('.')}"]
    return [f"{record.name}\tservice = {record.data.rstrip('.')}"]


# --- the kube-dns Service --------------------------------------------------------------------

def kube_dns_service() -> Obj:
    """The Service kubeadm creates in front of CoreDNS; every pod's resolv.conf points at its IP."""
    ports = [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
             {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
             {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]
    labels = {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": labels,
                         "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
            "spec": {"type": "ClusterIP", "clusterIP": NAMESERVER, "selector": {"k8s-app": "kube-dns"},
                     "ports": ports}}
