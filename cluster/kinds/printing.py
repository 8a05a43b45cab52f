"""How `kubectl get` prints objects: Table columns and the cells of one row.

The API server, not kubectl, decides the columns (server-side printing). Each kind lists
its `Column`s, in Kubernetes' order; columns with priority 1 show only with `-o wide`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cluster.objects import Obj, name_of, parse_time


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "format": self.format,
                "description": self.description, "priority": self.priority}


NAME = Column("Name", format="name", description="Name must be unique within a namespace.")
AGE = Column("Age", description="CreationTimestamp is a timestamp representing the server time when this object "
             "was created.")


def default_columns() -> tuple[Column, ...]:
    return (NAME, AGE)


def default_cells(obj: Obj, now: datetime) -> list[Any]:
    return [name_of(obj), age(obj, now)]


def age(obj: Obj, now: datetime) -> str:
    created = parse_time(obj.get("metadata", {}).get("creationTimestamp"))
    return "<unknown>" if created is None else human_duration((now - created).total_seconds())


def human_duration(seconds: float) -> str:
    """Kubernetes' `duration.HumanDuration`: `45s`, `3m20s`, `5h`, `2d3h`, `400d`, `3y`."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    s = max(s, 0)
    minutes, hours, days = s // 60, s // 3600, s // 86400
    if s < 120:
        return f"{s}s"
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    return f"{days // 365}y"


def none_if_empty(value: str) -> str:
    return value or "<none>"
