"""Handing out a Service's cluster IP and node ports, unique across the sandbox.

A real API server keeps bitmaps of the service CIDR (10.96.0.0/12 here, kubeadm's default)
and of the node port range (30000-32767). It picks at random; KubeLab picks the lowest free
value so that two sandboxes replaying the same steps see the same addresses. The API server's
own `kubernetes` service always takes the first address, 10.96.0.1; other services start at
10.96.0.10, which every sandbox gives its `kube-dns` Service first (kubeadm's address for
cluster DNS), so learners' services start at 10.96.0.11.
A value the client asks for is honoured if it is free and in range, and refused otherwise.
"""

import ipaddress
from collections.abc import Iterable
from typing import Any, NoReturn

from cluster import errors
from cluster.errors import Cause
from cluster.objects import Obj, name_of, namespace_of

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
KUBERNETES_SERVICE_IP = SERVICE_CIDR.network_address + 1
FIRST_DYNAMIC_IP = SERVICE_CIDR.network_address + 10
NODE_PORTS = range(30000, 32768)
NODE_PORT_TYPES = ("NodePort", "LoadBalancer")
HEADLESS = "None"


def allocate(svc: Obj, existing: list[Obj]) -> None:
    """The Service kind's allocator: the store calls it on create with every other Service."""
    others = [s for s in existing if (namespace_of(s), name_of(s)) != (namespace_of(svc), name_of(svc))]
    spec = svc.setdefault("spec", {})
    if spec.get("type") != "ExternalName" and spec.get("clusterIP") != "None":
        allocate_cluster_ip(svc, used_ips(others))
    if wants_node_ports(spec):
        allocate_node_ports(svc, used_node_ports(others))


def used_ips(services: Iterable[Obj]) -> set[str]:
    used: set[str] = set()
    for svc in services:
        spec = svc.get("spec") or {}
        used.update(ip for ip in [spec.get("clusterIP"), *(spec.get("clusterIPs") or [])] if ip)
    return used


def allocate_cluster_ip(svc: Obj, used: set[str]) -> None:
    spec = svc["spec"]
    requested = spec.get("clusterIP") or ""
    if requested:
        check_requested_ip(svc, requested, used)
        ip = requested
    else:
        ip = str(first_free_ip(used, is_kubernetes_service(svc)))
    spec["clusterIP"], spec["clusterIPs"] = ip, [ip]


def is_kubernetes_service(svc: Obj) -> bool:
    return (namespace_of(svc), name_of(svc)) == ("default", "kubernetes")


def first_free_ip(used: set[str], kubernetes: bool) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if kubernetes and str(KUBERNETES_SERVICE_IP) not in used:
        return KUBERNETES_SERVICE_IP
    candidate = FIRST_DYNAMIC_IP
    while str(candidate) in used:
        candidate += 1
    if candidate not in SERVICE_CIDR or candidate == SERVICE_CIDR.broadcast_address:
        raise errors.StatusError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: "
                                 "range is full")
    return candidate


def check_requested_ip(svc: Obj, requested: str, used: set[str]) -> None:
    try:
        address = ipaddress.ip_address(requested)
    except ValueError:
        raise_ip(svc, requested, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
    if address not in SERVICE_CIDR:
        raise_ip(svc, requested, f"failed to allocate IP {requested}: the provided IP ({requested}) is not in the "
                 f"valid range. The range of valid IPs is {SERVICE_CIDR}")
    if requested in used:
        raise_ip(svc, requested, f"failed to allocate IP {requested}: provided IP is already allocated")


def raise_ip(svc: Obj, requested: str, why: str, path: str = "spec.clusterIPs") -> NoReturn:
    # Go prints the field's value as a string slice: []string{"10.96.0.10"}.
    cause = Cause(path, f'Invalid value: []string{{"{requested}"}}: {why}', "FieldValueInvalid")
    raise errors.invalid("Service", "", name_of(svc), [cause])


def wants_node_ports(spec: dict[str, Any]) -> bool:
    if spec.get("type") not in NODE_PORT_TYPES:
        return False
    return spec.get("type") == "NodePort" or spec.get("allocateLoadBalancerNodePorts", True) is not False


def used_node_ports(services: Iterable[Obj]) -> set[int]:
    used: set[int] = set()
    for svc in services:
        spec = svc.get("spec") or {}
        used.update(int(p["nodePort"]) for p in spec.get("ports") or [] if p.get("nodePort"))
        if spec.get("healthCheckNodePort"):
            used.add(int(spec["healthCheckNodePort"]))
    return used


def allocate_node_ports(svc: Obj, used: set[int]) -> None:
    """Requested ports first (so a later automatic pick cannot steal one), then the rest."""
    spec = svc["spec"]
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    for i, port in enumerate(ports):
        if port.get("nodePort"):
            used.add(check_requested_port(svc, f"spec.ports[{i}].nodePort", port["nodePort"], used))
    for port in ports:
        if not port.get("nodePort"):
            port["nodePort"] = first_free_port(used)
            used.add(port["nodePort"])
    if spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local":
        # Local traffic needs a port on which nodes report whether they run an endpoint.
        spec.setdefault("healthCheckNodePort", first_free_port(used))


def check_requested_port(svc: Obj, path: str, port: Any, used: set[int]) -> int:
    if not isinstance(port, int) or isinstance(port, bool) or port not in NODE_PORTS:
        raise_port(svc, path, port, f"provided port is not in the valid range. The range of valid ports is "
                   f"{NODE_PORTS.start}-{NODE_PORTS.stop - 1}")
    if port in used:
        raise_port(svc, path, port, "provided port is already allocated")
    return int(port)


def raise_port(svc: Obj, path: str, port: Any, why: str) -> NoReturn:
    raise errors.invalid("Service", "", name_of(svc), [Cause(path, f"Invalid value: {port}: {why}")])


def first_free_port(used: set[int]) -> int:
    for port in NODE_PORTS:
        if port not in used:
            return port
    raise errors.StatusError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: "
                             "range is full")


# --- updates ------------------------------------------------------------------------------
# On update the API server keeps what it handed out even when the new body leaves it out
# (`kubectl apply` of the original YAML must not lose the cluster IP), releases what the
# new type no longer uses, and hands out what it newly needs (ClusterIP -> NodePort gets
# node ports). These mirror `dropTypeDependentFields` and `patchAllocatedValues` in
# Kubernetes' service storage.


def reallocate(old: Obj, new: Obj, existing: list[Obj]) -> None:
    """The Service kind's update hook: the store calls it with the stored and the new version."""
    others = [s for s in existing if (namespace_of(s), name_of(s)) != (namespace_of(new), name_of(new))]
    old_spec, spec = old.get("spec") or {}, new.setdefault("spec", {})
    drop_type_dependent_fields(old_spec, spec, new)
    patch_allocated_values(old_spec, spec)
    if needs_cluster_ip(spec):
        if needs_cluster_ip(old_spec) and old_spec.get("clusterIP"):
            if spec.get("clusterIP") != old_spec["clusterIP"]:
                raise_ip(new, str(spec.get("clusterIP")), "may not change once set", "spec.clusterIPs[0]")
        elif spec.get("clusterIP") != HEADLESS:
            allocate_cluster_ip(new, used_ips(others))  # from ExternalName: a first address
    if wants_node_ports(spec):
        allocate_node_ports(new, used_node_ports(others))



def needs_cluster_ip(spec: dict[str, Any]) -> bool:
    return spec.get("type") != "ExternalName"


def needs_node_ports(spec: dict[str, Any]) -> bool:
    return spec.get("type") in NODE_PORT_TYPES


def needs_health_check_port(spec: dict[str, Any]) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def externally_accessible(spec: dict[str, Any]) -> bool:
    return needs_node_ports(spec) or bool(spec.get("externalIPs"))


def drop_type_dependent_fields(old: dict[str, Any], spec: dict[str, Any], svc: Obj) -> None:
    """Wipe what only the old type used, unless the user changed it (then it is theirs and validation judges)."""
    if needs_cluster_ip(old) and not needs_cluster_ip(spec):
        for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            if key in spec and spec[key] == old.get(key):
                del spec[key]
    if needs_node_ports(old) and not needs_node_ports(spec) and _node_ports(spec) == _node_ports(old):
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)
    if needs_health_check_port(old) and not needs_health_check_port(spec) \
            and spec.get("healthCheckNodePort") == old.get("healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)
    if old.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        _drop_if_same(old, spec, ("allocateLoadBalancerNodePorts", "loadBalancerClass"))
        svc.setdefault("status", {})["loadBalancer"] = {}
    if externally_accessible(old) and not externally_accessible(spec):
        _drop_if_same(old, spec, ("externalTrafficPolicy",))


def _drop_if_same(old: dict[str, Any], spec: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in spec and spec[key] == old.get(key):
            del spec[key]


def _node_ports(spec: dict[str, Any]) -> list[Any]:
    return [p.get("nodePort") for p in spec.get("ports") or [] if isinstance(p, dict)]


def patch_allocated_values(old: dict[str, Any], spec: dict[str, Any]) -> None:
    """Put back what was allocated and the new body leaves out: the cluster IP(s), node ports by port name."""
    if needs_cluster_ip(old) and needs_cluster_ip(spec):
        if not spec.get("clusterIP") and old.get("clusterIP"):
            spec["clusterIP"] = old["clusterIP"]
        if not spec.get("clusterIPs") and old.get("clusterIPs"):
            spec["clusterIPs"] = list(old["clusterIPs"])
    if needs_node_ports(old) and needs_node_ports(spec):
        taken = {p for p in _node_ports(old) if p} & {p for p in _node_ports(spec) if p}
        by_name = {p.get("name", ""): p.get("nodePort") for p in old.get("ports") or [] if isinstance(p, dict)}
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and not port.get("nodePort"):
                previous = by_name.get(port.get("name", ""))
                if previous and previous not in taken:
                    port["nodePort"] = previous
    if needs_health_check_port(old) and needs_health_check_port(spec) and not spec.get("healthCheckNodePort"):
        if old.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = old["healthCheckNodePort"]
