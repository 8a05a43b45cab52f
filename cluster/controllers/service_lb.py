"""Service controller for LoadBalancers: a simulated external IP for every `type: LoadBalancer` Service.

On a cloud, the cloud-controller-manager's service controller asks the provider for a load
balancer and writes its address into `status.loadBalancer.ingress`; until then kubectl
shows EXTERNAL-IP `<pending>`. On bare metal MetalLB plays that part, handing out
addresses from a pool. KubeLab does the same from the pool kind clusters usually give
MetalLB, 172.18.255.200-172.18.255.250: the lowest free address, or `spec.loadBalancerIP`
when it asks for a free one of the pool.

As Kubernetes' controller does, it first puts the `service.kubernetes.io/load-balancer-cleanup`
finalizer on the Service and says `EnsuringLoadBalancer`, then records the address and says
`EnsuredLoadBalancer`. When the Service stops being a LoadBalancer (its type changed, or it
is being deleted) the finalizer tells it a balancer is left to release: it says
`DeletingLoadBalancer` and `DeletedLoadBalancer`, clears the status, and removes the
finalizer, which lets a deleted Service go. Services with a `loadBalancerClass` belong to
another implementation and are left alone. In the realistic profile provisioning takes a
couple of seconds, so learners see `<pending>` first.
"""

import ipaddress
from datetime import timedelta
from enum import StrEnum
from typing import Any

from cluster.actions import Action, Emit, Update, WakeAt
from cluster.objects import Obj, copy, is_terminating, name_of, parse_time, uid_of
from cluster.stages.profiles import realistic
from cluster.state import ClusterState

COMPONENT = "service-controller"
FINALIZER = "service.kubernetes.io/load-balancer-cleanup"
POOL_FIRST = ipaddress.IPv4Address("172.18.255.200")
POOL_LAST = ipaddress.IPv4Address("172.18.255.250")
POOL_TEXT = f"{POOL_FIRST}-{POOL_LAST}"
PROVISIONING = timedelta(seconds=2)


class Reason(StrEnum):
    ENSURING = "EnsuringLoadBalancer"
    ENSURED = "EnsuredLoadBalancer"
    DELETING = "DeletingLoadBalancer"
    DELETED = "DeletedLoadBalancer"
    FAILED = "SyncLoadBalancerFailed"


MESSAGES = {Reason.ENSURING: "Ensuring load balancer", Reason.ENSURED: "Ensured load balancer",
            Reason.DELETING: "Deleting load balancer", Reason.DELETED: "Deleted load balancer"}
NO_ADDRESS = f"Error syncing load balancer: failed to ensure load balancer: no available IPs in pool {POOL_TEXT}"


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for svc in state.of_kind("Service"):
        if wants_load_balancer(svc):
            actions += ensure(svc, state)
        elif FINALIZER in (svc["metadata"].get("finalizers") or []):
            actions += release(svc)
    return actions


def wants_load_balancer(svc: Obj) -> bool:
    spec = svc.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass") and not is_terminating(svc)


def ingress(svc: Obj) -> list[dict[str, Any]]:
    return list(((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or [])


def ensure(svc: Obj, state: ClusterState) -> list[Action]:
    if FINALIZER not in (svc["metadata"].get("finalizers") or []):
        started = copy(svc)
        started["metadata"]["finalizers"] = [*(svc["metadata"].get("finalizers") or []), FINALIZER]
        if realistic(state.profile):
            return [_emit(svc, Reason.ENSURING), Update(started), WakeAt(state.now + PROVISIONING)]
        return [_emit(svc, Reason.ENSURING), *assign(started, state, unsaved=True)]
    if ingress(svc):
        return []
    ready_at = provisioned_at(svc, state)
    if ready_at is None:
        return [_emit(svc, Reason.ENSURING), WakeAt(state.now + PROVISIONING)]
    if ready_at > state.now:
        return [WakeAt(ready_at)]
    return assign(svc, state)


def provisioned_at(svc: Obj, state: ClusterState) -> Any:
    """When the balancer asked for at the last EnsuringLoadBalancer is up (None: no such event)."""
    event = state.similar_event((uid_of(svc), Reason.ENSURING, MESSAGES[Reason.ENSURING], COMPONENT))
    if event is None:
        return None
    asked = parse_time(event.get("lastTimestamp")) or state.now
    return asked + PROVISIONING if realistic(state.profile) else asked


def assign(svc: Obj, state: ClusterState, *, unsaved: bool = False) -> list[Action]:
    """Record an address in the status; `unsaved`: `svc` carries a change (the finalizer) not yet written."""
    address = free_address(svc, state)
    if address is None:
        return [*([Update(svc)] if unsaved else []), *report_full(svc, state)]
    balanced = copy(svc)
    balanced.setdefault("status", {})["loadBalancer"] = {"ingress": [{"ip": address, "ipMode": "VIP"}]}
    return [Update(balanced, narration=f"Service {name_of(svc)}: load balancer ready at {address}"),
            _emit(svc, Reason.ENSURED)]


def report_full(svc: Obj, state: ClusterState) -> list[Action]:
    """Say once that the pool is exhausted; the Service stays `<pending>` until an address frees up."""
    if state.similar_event((uid_of(svc), Reason.FAILED, NO_ADDRESS, COMPONENT)) is not None:
        return []
    return [Emit(svc, Reason.FAILED, NO_ADDRESS, COMPONENT, type="Warning")]


def free_address(svc: Obj, state: ClusterState) -> str | None:
    """The address asked for in `spec.loadBalancerIP` if it is in the pool and free, else the lowest free one."""
    used = {i.get("ip") for other in state.of_kind("Service") if uid_of(other) != uid_of(svc) for i in ingress(other)}
    requested = (svc.get("spec") or {}).get("loadBalancerIP") or ""
    if requested and _in_pool(requested) and requested not in used:
        return str(requested)
    candidate = POOL_FIRST
    while candidate <= POOL_LAST:
        if str(candidate) not in used:
            return str(candidate)
        candidate += 1
    return None


def _in_pool(text: str) -> bool:
    try:
        return POOL_FIRST <= ipaddress.IPv4Address(text) <= POOL_LAST
    except ValueError:
        return False


def release(svc: Obj) -> list[Action]:
    """Tear the balancer down: events, an empty status, and the finalizer gone (a deleted Service then goes)."""
    released = copy(svc)
    released["metadata"]["finalizers"] = [f for f in svc["metadata"].get("finalizers") or [] if f != FINALIZER]
    released.setdefault("status", {})["loadBalancer"] = {}
    return [_emit(svc, Reason.DELETING),
            Update(released, narration=f"Service {name_of(svc)}: load balancer released"),
            _emit(svc, Reason.DELETED)]


def _emit(svc: Obj, reason: Reason) -> Emit:
    return Emit(svc, reason, MESSAGES[reason], COMPONENT)
