"""Service: one stable virtual IP (and DNS name) in front of a changing set of pods.

A Service selects pods by label and forwards its ports to theirs. `ClusterIP` services are
reachable inside the cluster, `NodePort` ones also on a port of every node, `LoadBalancer`
ones also through an external load balancer, and `ExternalName` ones are only a DNS alias.
A headless service (`clusterIP: None`) gets no virtual IP: its DNS name lists the pods.
The API server fills in the defaults below and hands out the cluster IP and node ports
(`cluster.kinds.service_allocation`).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.service_allocation import allocate, reallocate
from cluster.kinds.workload import labels_text, set_missing
from cluster.objects import Obj, name_of
from cluster.validation import dns1123_label, invalid_value, object_meta, required, unsupported_value


class ServiceType(StrEnum):
    CLUSTER_IP = "ClusterIP"
    EXTERNAL_NAME = "ExternalName"
    LOAD_BALANCER = "LoadBalancer"
    NODE_PORT = "NodePort"


HEADLESS = "None"
PROTOCOLS = ["SCTP", "TCP", "UDP"]
SESSION_AFFINITIES = ["ClientIP", "None"]
# Kubernetes' default ClientIP stickiness: three hours.
CLIENT_IP_TIMEOUT = 10800


def default(svc: Obj) -> None:
    spec = svc.setdefault("spec", {})
    set_missing(spec, {"type": ServiceType.CLUSTER_IP.value, "sessionAffinity": "None"})
    if spec["sessionAffinity"] == "ClientIP":
        spec.setdefault("sessionAffinityConfig", {"clientIP": {"timeoutSeconds": CLIENT_IP_TIMEOUT}})
    for port in spec.get("ports") or []:
        if isinstance(port, dict):
            set_missing(port, {"protocol": "TCP", "targetPort": port.get("port")})
    if spec["type"] != ServiceType.EXTERNAL_NAME:
        default_ip_families(spec)
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] in (ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] == ServiceType.LOAD_BALANCER:
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    svc.setdefault("status", {}).setdefault("loadBalancer", {})


def default_ip_families(spec: dict[str, Any]) -> None:
    """A single-stack IPv4 cluster: every service is IPv4, except that a headless service without a
    selector asks for dual stack (it may front anything), which this cluster satisfies with IPv4."""
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    headless_without_selector = spec.get("clusterIP") == HEADLESS and not spec.get("selector")
    spec.setdefault("ipFamilyPolicy", "RequireDualStack" if headless_without_selector else "SingleStack")
    spec.setdefault("ipFamilies", ["IPv4"])


def validate(svc: Obj) -> list[Cause]:
    causes = object_meta(svc, namespaced=True, name_rule="dns1035")
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    kind = spec.get("type")
    if kind not in list(ServiceType):
        return [*causes, unsupported_value("spec.type", kind, sorted(ServiceType))]
    if kind == ServiceType.EXTERNAL_NAME and not spec.get("externalName"):
        causes.append(required("spec.externalName"))
    if spec.get("sessionAffinity") not in SESSION_AFFINITIES:
        causes.append(unsupported_value("spec.sessionAffinity", spec.get("sessionAffinity"), SESSION_AFFINITIES))
    return causes + validate_ports(spec)


def validate_ports(spec: dict[str, Any]) -> list[Cause]:
    ports = spec.get("ports") or []
    if not ports and spec.get("type") != ServiceType.EXTERNAL_NAME and spec.get("clusterIP") != HEADLESS:
        return [required("spec.ports")]
    causes: list[Cause] = []
    seen: set[str] = set()
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            causes.append(invalid_value(f"spec.ports[{i}]", str(port), "must be an object"))
            continue
        causes += validate_port_name(port, f"spec.ports[{i}].name", several=len(ports) > 1, seen=seen)
        causes += validate_port(port, f"spec.ports[{i}]", spec.get("type"))
    return causes


def validate_port_name(port: dict[str, Any], path: str, *, several: bool, seen: set[str]) -> list[Cause]:
    name = port.get("name")
    if not name:
        return [required(path)] if several else []
    if name in seen:
        return [Cause(path, f'Duplicate value: "{name}"', "FieldValueDuplicate")]
    seen.add(name)
    return dns1123_label(path, str(name))


def validate_port(port: dict[str, Any], path: str, kind: Any) -> list[Cause]:
    causes = port_number(port.get("port"), f"{path}.port")
    if port.get("protocol") not in PROTOCOLS:
        causes.append(unsupported_value(f"{path}.protocol", port.get("protocol"), PROTOCOLS))
    target = port.get("targetPort")
    if isinstance(target, int) and not isinstance(target, bool):
        causes += port_number(target, f"{path}.targetPort")
    if port.get("nodePort") and kind == ServiceType.CLUSTER_IP:
        causes.append(Cause(f"{path}.nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'",
                            "FieldValueForbidden"))
    return causes


def port_number(value: Any, path: str) -> list[Cause]:
    if value is None:
        return [required(path)]
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        return [invalid_value(path, value, "must be between 1 and 65535, inclusive")]
    return []


def external_ip(svc: Obj) -> str:
    """The EXTERNAL-IP column: `<none>`, the load balancer's address, or `<pending>` until it has one."""
    spec, status = svc.get("spec") or {}, svc.get("status") or {}
    external = list(spec.get("externalIPs") or [])
    kind = spec.get("type")
    if kind == ServiceType.EXTERNAL_NAME:
        return str(spec.get("externalName", ""))
    if kind != ServiceType.LOAD_BALANCER:
        return ",".join(external) or "<none>"
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    balancers = sorted({i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")})
    return ",".join([*balancers, *external]) or "<pending>"


def ports_text(svc: Obj) -> str:
    """The PORT(S) column: `80/TCP`, or `80:30080/TCP` when a node port is open."""
    pieces = []
    for port in (svc.get("spec") or {}).get("ports") or []:
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        pieces.append(f"{port.get('port')}{node_port}/{port.get('protocol', 'TCP')}")
    return ",".join(pieces) or "<none>"


def cells(svc: Obj, now: datetime) -> list[Any]:
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    return [name_of(svc), spec.get("type", ""), cluster_ips[0] if cluster_ips else "<none>", external_ip(svc),
            ports_text(svc), age(svc, now), labels_text(spec.get("selector"))]


def _fields() -> dict[str, Any]:
    def spec(key: str) -> Any:
        return lambda svc: str((svc.get("spec") or {}).get(key, ""))

    return {**base_fields(), "spec.clusterIP": spec("clusterIP"), "spec.type": spec("type")}


SERVICE = register(Kind(
    group="", version="v1", kind="Service", plural="services", short_names=("svc",), categories=("all",),
    subresources=("status", "proxy"), name_rule="dns1035", default=default, validate=validate, fields=_fields(),
    columns=(NAME, Column("Type", description="type determines how the Service is exposed."),
             Column("Cluster-IP", description="clusterIP is the IP address of the service."),
             Column("External-IP", description="externalIPs is a list of IP addresses for which nodes in the "
                    "cluster will also accept traffic for this service."),
             Column("Port(s)", description="The list of ports that are exposed by this service."), AGE,
             Column("Selector", priority=1, description="Route service traffic to pods with label keys and values "
                    "matching this selector.")),
    cells=cells, allocate=allocate, reallocate=reallocate,
))
