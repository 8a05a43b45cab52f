"""How the API server prints kinds it has no dedicated printer for: Name and Created At.

Roles, ClusterRoles and LimitRanges have no column set of their own in Kubernetes' printers,
so `kubectl get roles` shows the generic table: the name and the creation time as an
RFC 3339 timestamp (not an age).
"""

from datetime import datetime
from typing import Any

from cluster.kinds.printing import NAME, Column
from cluster.objects import Obj, name_of

CREATED_AT = Column("Created At", type="date", description="CreationTimestamp is a timestamp representing the server "
                    "time when this object was created.")
COLUMNS = (NAME, CREATED_AT)


def cells(obj: Obj, now: datetime) -> list[Any]:
    return [name_of(obj), str(obj.get("metadata", {}).get("creationTimestamp") or "")]
