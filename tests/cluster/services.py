"""Builders for Service tests: services, and pods that are running with an IP (ready or not)."""

from datetime import datetime
from typing import Any

from cluster.objects import Obj, rfc3339
from tests.builders import T0, new_pod, stamp


def new_service(name: str = "web", *, namespace: str = "default", selector: dict[str, str] | None = None,
                ports: list[dict[str, Any]] | None = None, cluster_ip: str = "10.96.0.12", type: str = "ClusterIP",
                labels: dict[str, str] | None = None, selectorless: bool = False, **spec: Any) -> Obj:
    """A service as the store keeps it: defaulted and allocated."""
    ports = ports if ports is not None else [{"port": 80, "protocol": "TCP", "targetPort": 8080}]
    body: dict[str, Any] = {"type": type, "ports": ports, "sessionAffinity": "None", **spec}
    if not selectorless:
        body["selector"] = selector if selector is not None else {"app": name}
    if type != "ExternalName":
        body["clusterIP"] = cluster_ip
        body["clusterIPs"] = [cluster_ip] if cluster_ip != "None" else ["None"]
    return stamp({"apiVersion": "v1", "kind": "Service",
                  "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
                  "spec": body, "status": {"loadBalancer": {}}})


def ready_pod(name: str, ip: str, *, ready: bool = True, labels: dict[str, str] | None = None,
              node: str = "node-1", namespace: str = "default", since: datetime = T0,
              ports: list[dict[str, Any]] | None = None, **spec: Any) -> Obj:
    """A pod its kubelet has started: Running, with an IP and a Ready condition."""
    pod = new_pod(name, namespace=namespace, labels=labels or {"app": "web"}, node=node, phase="Running", **spec)
    if ports is not None:
        pod["spec"]["containers"][0]["ports"] = ports
    pod["status"] = {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                     "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                     "lastTransitionTime": rfc3339(since)}]}
    return pod
