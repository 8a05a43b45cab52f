"""Reading a sandbox's objects: one object, a filtered list, the whole state, the watch log.

Reads need no coordination: a list carries the resourceVersion a watch resumes from, and
the watch log (`WatchEvent`) holds every change after it until compaction.
"""

from cluster import clock, errors, selectors
from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox, WatchEvent
from cluster.objects import Obj
from cluster.rows import rows_of
from cluster.state import ClusterState


def get(sandbox: Sandbox, kind: Kind, namespace: str, name: str) -> Obj:
    row = rows_of(sandbox, kind, {"metadata": {"namespace": namespace, "name": name}}).only("body").first()
    if row is None:
        raise errors.not_found(kind.plural, kind.group, name)
    body: Obj = row.body
    return body


def list_objects(sandbox: Sandbox, kind: Kind, namespace: str | None = None,
                 label_selector: selectors.Selector = selectors.EVERYTHING,
                 field_selector: tuple[selectors.FieldRequirement, ...] = ()) -> tuple[list[Obj], int]:
    """Matching objects, sorted by namespace and name, and the resourceVersion to watch from."""
    rv = Sandbox.objects.filter(pk=sandbox.pk).values_list("resource_version", flat=True).first() or 0
    rows = KubeObject.objects.filter(sandbox=sandbox, group=kind.group, kind=kind.kind)
    if namespace:
        rows = rows.filter(namespace=namespace)
    bodies = rows.order_by("namespace", "name").values_list("body", "labels")
    items = [body for body, labels in bodies if label_selector.matches(labels)]
    if field_selector:
        items = [o for o in items if selectors.matches_fields(o, field_selector, kind.fields)]
    return items, int(rv)


def load_state(sandbox: Sandbox) -> ClusterState:
    rv = Sandbox.objects.filter(pk=sandbox.pk).values_list("resource_version", flat=True).first() or 0
    bodies = KubeObject.objects.filter(sandbox=sandbox).values_list("body", flat=True)
    return ClusterState(bodies, now=clock.now(sandbox), profile=sandbox.profile, resource_version=int(rv))


def events_after(sandbox: Sandbox, resource_version: int, limit: int = 1000) -> list[WatchEvent]:
    """Watch-log entries newer than `resource_version`, oldest first."""
    return list(WatchEvent.objects.filter(sandbox=sandbox, resource_version__gt=resource_version)
                .order_by("resource_version")[:limit])


def oldest_watchable(sandbox: Sandbox) -> int:
    """The oldest resourceVersion a watch may start from; older ones are 410 Expired."""
    first = (WatchEvent.objects.filter(sandbox=sandbox).order_by("resource_version")
             .values_list("resource_version", flat=True).first())
    return int(first) - 1 if first is not None else 0
