"""Lease: a lightweight heartbeat. Each node's kubelet renews its Lease in `kube-node-lease`.

When a node stops renewing, the node lifecycle controller notices and marks the node NotReady.
"""

from datetime import datetime
from typing import Any

from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of


def cells(lease: Obj, now: datetime) -> list[Any]:
    return [name_of(lease), (lease.get("spec") or {}).get("holderIdentity", ""), age(lease, now)]


LEASE = register(Kind(
    group="coordination.k8s.io", version="v1", kind="Lease", plural="leases",
    columns=(NAME, Column("Holder", description="Name of the Lease holder"), AGE), cells=cells,
))
