"""The node heartbeat: every 10 seconds a running kubelet renews its node's Lease.

Each node has a `coordination.k8s.io/v1` Lease of its own name in the `kube-node-lease`
namespace. Renewing it is cheap (a small object, no node status write), which is why
Kubernetes moved heartbeats there. The node lifecycle controller watches these Leases:
one not renewed for `leaseDurationSeconds` (40) means the node is gone, and the node is
marked NotReady. A stopped or crashed node simply stops renewing.

The renewal period is part of Kubernetes' behaviour, not a simulated delay, so it holds in
the fast profile too.
"""

from datetime import UTC, datetime

from cluster.actions import Action, Create, Update
from cluster.objects import Obj, copy, name_of, parse_time, uid_of
from cluster.stages import Round, Stage
from cluster.stages.node import serving
from cluster.stages.profiles import Every

GROUP = "coordination.k8s.io"
NAMESPACE = "kube-node-lease"
DURATION_SECONDS = 40
RENEW_INTERVAL = Every(10)


def micro_time(moment: datetime) -> str:
    """A Lease's MicroTime: RFC 3339 with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lease_of(node: Obj, rnd: Round) -> Obj | None:
    return rnd.state.get("Lease", NAMESPACE, name_of(node), GROUP)


def lease_missing(node: Obj, rnd: Round) -> bool:
    return serving(node) and lease_of(node, rnd) is None


def lease_held(node: Obj, rnd: Round) -> bool:
    return serving(node) and lease_of(node, rnd) is not None


def last_renewal(node: Obj, rnd: Round) -> datetime | None:
    lease = lease_of(node, rnd) or {}
    return parse_time((lease.get("spec") or {}).get("renewTime"))


def new_lease(node: Obj, now: datetime) -> Obj:
    name = name_of(node)
    return {"apiVersion": f"{GROUP}/v1", "kind": "Lease",
            "metadata": {"name": name, "namespace": NAMESPACE,
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": uid_of(node)}]},
            "spec": {"holderIdentity": name, "leaseDurationSeconds": DURATION_SECONDS, "renewTime": micro_time(now)}}


def create_lease(node: Obj, rnd: Round) -> list[Action]:
    return [Create(new_lease(node, rnd.now))]


def renew_lease(node: Obj, rnd: Round) -> list[Action]:
    lease = copy(lease_of(node, rnd) or {})
    spec = lease.setdefault("spec", {})
    spec.update(holderIdentity=name_of(node), leaseDurationSeconds=DURATION_SECONDS, renewTime=micro_time(rnd.now))
    return [Update(lease)]


STAGES = (
    Stage("node-lease-create", "Node", when=lease_missing, then=create_lease),
    Stage("node-lease-renew", "Node", when=lease_held, then=renew_lease, delay=RENEW_INTERVAL, since=last_renewal),
)
