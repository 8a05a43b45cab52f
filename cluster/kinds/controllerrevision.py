"""ControllerRevision: a snapshot of a StatefulSet's or DaemonSet's pod template at one revision.

What ReplicaSets are to a Deployment's history, ControllerRevisions are to StatefulSets and
DaemonSets: `kubectl rollout history/undo` reads them. They are immutable records: `data`
holds the template, `revision` its number.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, controller_ref, name_of, split_api_version
from cluster.validation import invalid_value, object_meta, required


def validate(revision: Obj) -> list[Cause]:
    causes = object_meta(revision, namespaced=True)
    if revision.get("data") is None:
        causes.append(required("data", "data is mandatory"))
    number = revision.get("revision", 0)
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        causes.append(invalid_value("revision", number, "must be greater than or equal to 0"))
    return causes


def controller_text(revision: Obj) -> str:
    """`statefulset.apps/web`: the owner's kind and group, lowercased, then its name."""
    ref = controller_ref(revision)
    if ref is None:
        return "<none>"
    group, _ = split_api_version(str(ref.get("apiVersion", "")))
    kind = f"{ref.get('kind', '')}.{group}" if group else str(ref.get("kind", ""))
    return f"{kind.lower()}/{ref.get('name', '')}"


def cells(revision: Obj, now: datetime) -> list[Any]:
    return [name_of(revision), controller_text(revision), revision.get("revision", 0), age(revision, now)]


CONTROLLER_REVISION = register(Kind(
    group="apps", version="v1", kind="ControllerRevision", plural="controllerrevisions", has_spec=False,
    validate=validate,
    columns=(NAME, Column("Controller", description="Controller of the object"),
             Column("Revision", description="Revision indicates the revision of the state represented by Data."),
             AGE),
    cells=cells,
))
