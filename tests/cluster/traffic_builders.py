"""Builders for the traffic, metrics and autoscaler tests: running pods and loaded Services."""

from datetime import datetime
from typing import Any

from cluster.objects import Obj, rfc3339
from cluster.traffic import LOAD_ANNOTATION, RPS_ANNOTATION, WINDOW_ANNOTATION
from tests.builders import T0, new_pod, stamp


def running_pod(name: str, *, labels: dict[str, str] | None = None, ready: bool = True, cpu: str | None = "100m",
                rps: str | None = None, since: datetime = T0, owner: Obj | None = None, node: str = "node-1",
                **spec: Any) -> Obj:
    """A pod the kubelet has started: Running, with an IP, Ready (or not) since `since`."""
    pod = new_pod(name, labels=labels or {"app": "web"}, cpu=cpu, node=node, phase="Running", owner=owner, **spec)
    pod["status"].update({
        "podIP": f"10.244.1.{abs(hash(name)) % 250 + 2}", "startTime": rfc3339(since),
        "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                        "lastTransitionTime": rfc3339(since)}],
        "containerStatuses": [{"name": "app", "ready": ready, "restartCount": 0,
                               "state": {"running": {"startedAt": rfc3339(since)}}}]})
    if rps is not None:
        pod["metadata"]["annotations"] = {RPS_ANNOTATION: rps}
    return pod


def new_service(name: str = "web", *, rps: float | None = None, window_start: datetime | None = T0,
                selector: dict[str, str] | None = None) -> Obj:
    annotations = {}
    if rps is not None:
        annotations[LOAD_ANNOTATION] = str(rps)
        if window_start is not None:
            annotations[WINDOW_ANNOTATION] = rfc3339(window_start)
    return stamp({"apiVersion": "v1", "kind": "Service",
                  "metadata": {"name": name, "namespace": "default", "annotations": annotations},
                  "spec": {"selector": selector or {"app": name}, "ports": [{"port": 80, "targetPort": 80}],
                           "clusterIP": "10.96.0.10", "type": "ClusterIP"}})


def new_endpoints(name: str, pods: list[Obj]) -> Obj:
    addresses = [{"ip": p["status"]["podIP"], "targetRef": {"kind": "Pod", "namespace": "default",
                                                           "name": p["metadata"]["name"],
                                                           "uid": p["metadata"]["uid"]}} for p in pods]
    return stamp({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": "default"},
                  "subsets": [{"addresses": addresses, "ports": [{"port": 80, "protocol": "TCP"}]}]})
