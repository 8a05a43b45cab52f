"""EndpointSlice controller: the pods behind each Service, in slices of at most 100 endpoints.

The newer form of Endpoints, which kube-proxy and CoreDNS read. For every Service with a
selector it keeps EndpointSlices named `<service>-<5 chars>`, labelled
`kubernetes.io/service-name: <service>` and
`endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by the
Service (so the garbage collector deletes them with it). Each endpoint is one pod: its
address, node, a reference to it, and three conditions: `serving` (the pod is Ready),
`terminating` (it is being deleted) and `ready` (serving and not terminating, or always
with `publishNotReadyAddresses`). Unlike Endpoints, terminating pods stay listed so that
traffic can drain. Pods serving the same ports share slices; a Service with no pods keeps
one empty "placeholder" slice.

Slices are reused rather than replaced: a slice that would be deleted takes the place of
one that would be created, as Kubernetes' reconciler does, so names stay stable. A slice
is written only when its endpoints, ports or labels changed.
"""

from typing import Any

from cluster.actions import Action, Create, Delete, Update
from cluster.admission import generated_name
from cluster.controllers import service_backends as backends
from cluster.objects import Obj, Ref, copy, is_terminating, labels_of, name_of, namespace_of, owner_reference
from cluster.state import ClusterState

GROUP = "discovery.k8s.io"
API_VERSION = "discovery.k8s.io/v1"
SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
ZONE = "topology.kubernetes.io/zone"
ADDRESS_TYPE = "IPv4"
MAX_ENDPOINTS = 100
ENDPOINT_ORDER = ("addresses", "conditions", "hostname", "targetRef", "nodeName", "zone")

# One desired slice: its ports and its endpoints.
Desired = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for svc in state.of_kind("Service"):
        if backends.selects_pods(svc) and not is_terminating(svc):
            actions += sync(svc, state)
    return actions


def sync(svc: Obj, state: ClusterState) -> list[Action]:
    desired = desired_slices(svc, state)
    existing = sorted(managed_slices(svc, state), key=name_of)
    matched = match(desired, existing)
    actions: list[Action] = []
    for (ports, endpoints), current in matched:
        actions += write(svc, state, ports, endpoints, current, len(actions))
    claimed = {name_of(c) for _, c in matched if c is not None}
    for current in existing:
        if name_of(current) not in claimed:
            actions.append(Delete(Ref.to(current), narration=f"Service {name_of(svc)}: deleting EndpointSlice "
                                                              f"{name_of(current)}, no longer needed"))
    return actions


def managed_slices(svc: Obj, state: ClusterState) -> list[Obj]:
    return [s for s in state.of_kind("EndpointSlice", GROUP, namespace_of(svc))
            if labels_of(s).get(SERVICE_NAME) == name_of(svc) and labels_of(s).get(MANAGED_BY) == CONTROLLER_NAME]


def desired_slices(svc: Obj, state: ClusterState) -> list[Desired]:
    """Endpoints grouped by the ports they serve, cut into slices of 100; one placeholder when there are none."""
    groups: dict[tuple[Any, ...], Desired] = {}
    for pod in backends.selected_pods(svc, state):
        if not backends.should_be_listed(pod, include_terminating=True):
            continue
        ports = backends.pod_ports(svc, pod)
        if not ports and (svc.get("spec") or {}).get("ports"):
            continue
        key = tuple(sorted((p["name"], p["port"], p["protocol"]) for p in ports))
        groups.setdefault(key, (sorted(ports, key=lambda p: (p["name"], p["port"])), []))[1].append(
            endpoint(pod, svc, state))
    slices: list[Desired] = []
    for key in sorted(groups):
        ports, endpoints = groups[key]
        endpoints.sort(key=lambda e: (e["addresses"][0], e["targetRef"]["name"]))
        slices += [(ports, endpoints[i:i + MAX_ENDPOINTS]) for i in range(0, len(endpoints), MAX_ENDPOINTS)]
    return slices or [([], [])]


def endpoint(pod: Obj, svc: Obj, state: ClusterState) -> dict[str, Any]:
    """Kubernetes' podToEndpoint: the pod's address, its conditions, where it runs."""
    serving, terminating = backends.is_ready(pod), is_terminating(pod)
    ready = backends.publishes_not_ready(svc) or (serving and not terminating)
    node_name = (pod.get("spec") or {}).get("nodeName", "")
    node = state.get("Node", "", node_name) if node_name else None
    fields: dict[str, Any] = {
        "addresses": [backends.pod_ip(pod)],
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        "hostname": backends.hostname(pod, svc), "targetRef": backends.target_ref(pod), "nodeName": node_name,
        "zone": labels_of(node).get(ZONE, "") if node else "",
    }
    return {key: fields[key] for key in ENDPOINT_ORDER if fields[key] != ""}


def match(desired: list[Desired], existing: list[Obj]) -> list[tuple[Desired, Obj | None]]:
    """Pair each desired slice with an existing one: same ports first, then any left over (renamed in place)."""
    free = list(existing)
    pairs: list[tuple[Desired, Obj | None]] = []
    for want in desired:
        same = next((s for s in free if _ports_key(s.get("ports") or []) == _ports_key(want[0])), None)
        if same is not None:
            free.remove(same)
        pairs.append((want, same))
    for i, (want, current) in enumerate(pairs):
        if current is None and free:
            pairs[i] = (want, free.pop(0))
    return pairs


def _ports_key(ports: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(sorted((p.get("name", ""), p.get("port"), p.get("protocol", "TCP")) for p in ports))


def write(svc: Obj, state: ClusterState, ports: list[dict[str, Any]], endpoints: list[dict[str, Any]],
          current: Obj | None, seed: int) -> list[Action]:
    labels = slice_labels(svc)
    story = f"Service {name_of(svc)}: {sum(1 for e in endpoints if e['conditions']['ready'])} of {len(endpoints)} " \
            f"endpoints ready"
    if current is None:
        return [Create(new_slice(svc, state, ports, endpoints, labels, seed), narration=story)]
    if (current.get("ports") or []) == ports and (current.get("endpoints") or []) == endpoints \
            and labels_of(current) == labels:
        return []
    updated = copy(current)
    updated["metadata"]["labels"] = labels
    updated["metadata"].setdefault("annotations", {})[backends.TRIGGER_TIME] = trigger(svc, state)
    updated["ports"], updated["endpoints"] = ports, endpoints
    return [Update(updated, narration=story)]


def new_slice(svc: Obj, state: ClusterState, ports: list[dict[str, Any]], endpoints: list[dict[str, Any]],
              labels: dict[str, str], seed: int) -> Obj:
    prefix = f"{name_of(svc)}-"
    attempt = seed
    name = generated_name(prefix, f"{name_of(svc)}/{state.resource_version}/{attempt}")
    while state.get("EndpointSlice", namespace_of(svc), name, GROUP) is not None:
        attempt += 1
        name = generated_name(prefix, f"{name_of(svc)}/{state.resource_version}/{attempt}")
    meta = {"name": name, "generateName": prefix, "namespace": namespace_of(svc), "labels": labels,
            "annotations": {backends.TRIGGER_TIME: trigger(svc, state)}, "ownerReferences": [owner_reference(svc)]}
    return {"apiVersion": API_VERSION, "kind": "EndpointSlice", "metadata": meta, "addressType": ADDRESS_TYPE,
            "endpoints": endpoints, "ports": ports}


def slice_labels(svc: Obj) -> dict[str, str]:
    """The service's labels (but the two the controller owns), the headless mark, and the two it owns."""
    labels = {k: v for k, v in backends.service_labels(svc).items() if k not in (SERVICE_NAME, MANAGED_BY)}
    return {**labels, SERVICE_NAME: name_of(svc), MANAGED_BY: CONTROLLER_NAME}


def trigger(svc: Obj, state: ClusterState) -> str:
    return backends.trigger_time(svc, backends.selected_pods(svc, state))
