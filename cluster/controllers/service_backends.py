"""Which pods stand behind a Service, and at which of their ports: what both endpoint controllers share.

A Service with a `selector` is backed by the pods of its namespace whose labels match. A
pod is listed once it has an IP and while it is not finished (Succeeded or Failed); a
terminating pod stays listed only where the caller says so (EndpointSlices keep it, marked
`terminating`, so that kube-proxy can drain it; Endpoints drop it). Each service port's
`targetPort` is resolved against the pod: a number is taken as is, a name is looked up
among the containers' ports with the same protocol, as Kubernetes' `podutil.FindPort`.
A Service without a selector (or of type ExternalName) has no pods: whoever created it
manages its endpoints by hand, and the controllers leave them alone.
"""

from datetime import datetime
from typing import Any

from cluster import selectors
from cluster.controllers import pods as podutil
from cluster.objects import (
    Obj,
    condition,
    is_terminating,
    labels_of,
    name_of,
    namespace_of,
    parse_time,
    rfc3339,
    uid_of,
)
from cluster.state import ClusterState

HEADLESS = "None"
HEADLESS_LABEL = "service.kubernetes.io/headless"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
FINISHED = ("Succeeded", "Failed")


def selects_pods(svc: Obj) -> bool:
    spec = svc.get("spec") or {}
    return bool(spec.get("selector")) and spec.get("type") != "ExternalName"


def is_headless(svc: Obj) -> bool:
    return (svc.get("spec") or {}).get("clusterIP") in (HEADLESS, "", None)


def publishes_not_ready(svc: Obj) -> bool:
    return bool((svc.get("spec") or {}).get("publishNotReadyAddresses"))


def selected_pods(svc: Obj, state: ClusterState) -> list[Obj]:
    """The pods of the service's namespace its selector matches, by name."""
    selector = selectors.from_equality_map((svc.get("spec") or {}).get("selector"))
    pods = [p for p in state.of_kind("Pod", "", namespace_of(svc)) if selector.matches(labels_of(p))]
    return sorted(pods, key=name_of)


def pod_ip(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("podIP") or "")


def should_be_listed(pod: Obj, include_terminating: bool) -> bool:
    """Kubernetes' ShouldPodBeInEndpoints: an IP, not finished, and terminating only if asked."""
    if (pod.get("status") or {}).get("phase") in FINISHED or not pod_ip(pod):
        return False
    return include_terminating or not is_terminating(pod)


def is_ready(pod: Obj) -> bool:
    return podutil.is_ready(pod)


def find_port(pod: Obj, service_port: dict[str, Any]) -> int | None:
    """The pod's port a service port forwards to, or None when a named targetPort matches nothing."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    protocol = service_port.get("protocol", "TCP")
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return int(port["containerPort"])
    return None


def endpoint_port(service_port: dict[str, Any], number: int) -> dict[str, Any]:
    """An endpoint port: the service port's name and protocol with the pod's port number."""
    port: dict[str, Any] = {"name": service_port.get("name", ""), "port": number,
                            "protocol": service_port.get("protocol", "TCP")}
    if service_port.get("appProtocol"):
        port["appProtocol"] = service_port["appProtocol"]
    return port


def pod_ports(svc: Obj, pod: Obj) -> list[dict[str, Any]]:
    """The endpoint ports this pod offers for the service's ports (those it cannot resolve are skipped)."""
    ports = []
    for service_port in (svc.get("spec") or {}).get("ports") or []:
        number = find_port(pod, service_port)
        if number is not None:
            ports.append(endpoint_port(service_port, number))
    return ports


def hostname(pod: Obj, svc: Obj) -> str:
    """A pod names itself in the service's DNS when its `subdomain` is the service (StatefulSet pods do)."""
    spec = pod.get("spec") or {}
    if spec.get("hostname") and spec.get("subdomain") == name_of(svc) and namespace_of(pod) == namespace_of(svc):
        return str(spec["hostname"])
    return ""


def target_ref(pod: Obj) -> dict[str, str]:
    return {"kind": "Pod", "namespace": namespace_of(pod), "name": name_of(pod), "uid": uid_of(pod)}


def trigger_time(svc: Obj, pods: list[Obj]) -> str:
    """When the latest change these endpoints reflect happened: the service's creation or a pod turning
    ready or unready (Kubernetes takes the same two sources for `last-change-trigger-time`)."""
    times: list[datetime] = [t for t in [parse_time(svc["metadata"].get("creationTimestamp"))] if t]
    for pod in pods:
        ready = condition(pod, "Ready")
        moment = parse_time((ready or {}).get("lastTransitionTime")) or parse_time(
            pod["metadata"].get("creationTimestamp"))
        if moment:
            times.append(moment)
    return rfc3339(max(times)) if times else ""


def service_labels(svc: Obj) -> dict[str, str]:
    """The service's labels, plus `service.kubernetes.io/headless` when it has no cluster IP."""
    labels = dict(labels_of(svc))
    labels.pop(HEADLESS_LABEL, None)
    if is_headless(svc):
        labels[HEADLESS_LABEL] = ""
    return labels
