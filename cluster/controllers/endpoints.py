"""Endpoints controller: one `Endpoints` object per Service, listing the pods behind it.

For every Service with a selector, the Endpoints of the same name lists in `subsets` the
IPs of the matching pods (each with its node and a reference to the pod) and the ports
they serve the service's ports on. Ready pods are in `addresses`, the others in
`notReadyAddresses`; a pod leaves `addresses` the moment its Ready condition turns False,
which is how a failing readiness probe takes it out of the load balancing. With
`publishNotReadyAddresses` every pod with an IP counts as ready, terminating ones included
(a StatefulSet's peers must find each other before they are ready).

Pods that serve the same ports share a subset ("repacking", as Kubernetes does), so a
service whose pods resolve a named `targetPort` to different numbers gets several subsets.
Services without a selector get no Endpoints from here: their owner writes them. Endpoints
this controller wrote (they carry its trigger-time annotation) go when their Service goes.
The object is written only when its subsets or labels changed.
"""

from typing import Any

from cluster.actions import Action, Create, Delete, Update
from cluster.controllers import service_backends as backends
from cluster.objects import Obj, Ref, annotations_of, copy, labels_of, name_of, namespace_of
from cluster.state import ClusterState

COMPONENT = "endpoint-controller"
ADDRESS_ORDER = ("ip", "hostname", "nodeName", "targetRef")


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for svc in state.of_kind("Service"):
        if backends.selects_pods(svc):
            actions += sync(svc, state)
    return actions + leftovers(state)


def sync(svc: Obj, state: ClusterState) -> list[Action]:
    pods = backends.selected_pods(svc, state)
    subsets = desired_subsets(svc, pods)
    labels = backends.service_labels(svc)
    current = state.get("Endpoints", namespace_of(svc), name_of(svc))
    if current is None:
        return [Create(new_endpoints(svc, subsets, labels, pods),
                       narration=f"Service {name_of(svc)}: {_summary(subsets)}")]
    if (current.get("subsets") or []) == subsets and labels_of(current) == labels:
        return []
    return [Update(updated_endpoints(current, svc, subsets, labels, pods),
                   narration=f"Service {name_of(svc)}: {_summary(subsets)}")]


def desired_subsets(svc: Obj, pods: list[Obj]) -> list[dict[str, Any]]:
    """The subsets Kubernetes' syncService computes, repacked: addresses grouped by the ports they serve."""
    tolerate = backends.publishes_not_ready(svc)
    groups: dict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = {}
    for pod in pods:
        if not backends.should_be_listed(pod, include_terminating=tolerate):
            continue
        ports = backends.pod_ports(svc, pod)
        if not ports and (svc.get("spec") or {}).get("ports"):
            continue  # no service port resolves on this pod: it serves nothing here
        ready = tolerate or backends.is_ready(pod)
        group = groups.setdefault(_ports_key(ports), {"addresses": [], "notReadyAddresses": [], "ports": ports})
        group["addresses" if ready else "notReadyAddresses"].append(address(pod, svc))
    return [_subset(groups[key]) for key in sorted(groups)]


def address(pod: Obj, svc: Obj) -> dict[str, Any]:
    fields: dict[str, Any] = {"ip": backends.pod_ip(pod), "hostname": backends.hostname(pod, svc),
                              "nodeName": (pod.get("spec") or {}).get("nodeName", ""),
                              "targetRef": backends.target_ref(pod)}
    return {key: fields[key] for key in ADDRESS_ORDER if fields[key]}


def _ports_key(ports: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(sorted((p["name"], p["port"], p["protocol"]) for p in ports))


def _subset(group: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    subset: dict[str, Any] = {}
    for key in ("addresses", "notReadyAddresses"):
        if group[key]:
            subset[key] = sorted(group[key], key=lambda a: (a["ip"], a.get("targetRef", {}).get("uid", "")))
    ports = [_endpoints_port(p) for p in sorted(group["ports"], key=lambda p: (p["name"], p["port"]))]
    if ports:
        subset["ports"] = ports
    return subset


def _endpoints_port(port: dict[str, Any]) -> dict[str, Any]:
    """Endpoints omit an empty port name (EndpointSlices keep it)."""
    return {k: v for k, v in port.items() if k != "name" or v}


def new_endpoints(svc: Obj, subsets: list[dict[str, Any]], labels: dict[str, str], pods: list[Obj]) -> Obj:
    meta: dict[str, Any] = {"name": name_of(svc), "namespace": namespace_of(svc), "labels": labels,
                            "annotations": {backends.TRIGGER_TIME: backends.trigger_time(svc, pods)}}
    endpoints: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
    if subsets:
        endpoints["subsets"] = subsets
    return endpoints


def updated_endpoints(current: Obj, svc: Obj, subsets: list[dict[str, Any]], labels: dict[str, str],
                      pods: list[Obj]) -> Obj:
    endpoints = copy(current)
    endpoints["metadata"]["labels"] = labels
    endpoints["metadata"]["annotations"] = {**annotations_of(current),
                                            backends.TRIGGER_TIME: backends.trigger_time(svc, pods)}
    endpoints.pop("subsets", None)
    if subsets:
        endpoints["subsets"] = subsets
    return endpoints


def leftovers(state: ClusterState) -> list[Action]:
    """Endpoints this controller wrote whose Service is gone (a Service that only lost its selector keeps them)."""
    actions: list[Action] = []
    for endpoints in state.of_kind("Endpoints"):
        ours = backends.TRIGGER_TIME in annotations_of(endpoints)
        if ours and state.get("Service", namespace_of(endpoints), name_of(endpoints)) is None:
            actions.append(Delete(Ref.to(endpoints),
                                  narration=f"Service {name_of(endpoints)} is gone: deleting its Endpoints"))
    return actions


def _summary(subsets: list[dict[str, Any]]) -> str:
    ready = sum(len(s.get("addresses") or []) for s in subsets)
    not_ready = sum(len(s.get("notReadyAddresses") or []) for s in subsets)
    return f"{ready} ready and {not_ready} not ready pod address(es) in its Endpoints"
