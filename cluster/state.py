"""A reconcile round's view of one sandbox: every object, indexed, plus the sandbox clock.

Controllers read it and never change it; the store updates it as it applies their actions,
so the next controller in the round sees what the previous one did without reloading.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from cluster.objects import Obj, Ref, split_api_version, uid_of


class ClusterState:
    def __init__(self, objects: Iterable[Obj], now: datetime, profile: str = "fast",
                 resource_version: int = 0) -> None:
        self.now = now
        self.profile = profile
        # The sandbox's newest resourceVersion; seeds generated names so they are fresh yet deterministic.
        self.resource_version = resource_version
        # Set when someone else wrote to the sandbox after this state was loaded: it may be stale.
        self.interleaved = False
        self._by_key: dict[tuple[str, str, str, str], Obj] = {}
        self._by_kind: dict[tuple[str, str], dict[tuple[str, str], Obj]] = defaultdict(dict)
        self._by_uid: dict[str, Obj] = {}
        # owner uid -> the objects whose ownerReferences name it, so GC and controllers find
        # dependants without scanning the whole sandbox.
        self._by_owner: dict[str, dict[tuple[str, str, str, str], Obj]] = defaultdict(dict)
        # Events by what makes two of them "the same event", so repeats fold into a count.
        self._events: dict[tuple[str, str, str, str], Obj] = {}
        for obj in objects:
            self.put(obj)

    @staticmethod
    def _kind_key(obj: Obj) -> tuple[str, str]:
        group, _ = split_api_version(obj.get("apiVersion", "v1"))
        return group, str(obj.get("kind", ""))

    def put(self, obj: Obj) -> None:
        ref = Ref.to(obj)
        old = self._by_key.get(ref.key)
        if old is not None:
            self._unindex(ref, old)
        self._by_key[ref.key] = obj
        self._by_kind[(ref.group, ref.kind)][(ref.namespace, ref.name)] = obj
        self._by_uid[ref.uid] = obj
        for owner in _owner_uids(obj):
            self._by_owner[owner][ref.key] = obj
        if ref.kind == "Event" and ref.group == "":
            self._events[event_key(obj)] = obj

    def drop(self, ref: Ref) -> None:
        obj = self._by_key.pop(ref.key, None)
        if obj is not None:
            self._by_kind[(ref.group, ref.kind)].pop((ref.namespace, ref.name), None)
            self._unindex(ref, obj)

    def _unindex(self, ref: Ref, obj: Obj) -> None:
        self._by_uid.pop(uid_of(obj), None)
        for owner in _owner_uids(obj):
            self._by_owner[owner].pop(ref.key, None)
        if ref.kind == "Event" and ref.group == "" and self._events.get(event_key(obj)) is obj:
            del self._events[event_key(obj)]

    def similar_event(self, key: tuple[str, str, str, str]) -> Obj | None:
        return self._events.get(key)

    def of_kind(self, kind: str, group: str = "", namespace: str | None = None) -> list[Obj]:
        objects = self._by_kind.get((group, kind), {})
        if namespace is None:
            return list(objects.values())
        return [o for (ns, _), o in objects.items() if ns == namespace]

    def count(self, kind: str, group: str = "") -> int:
        """How many objects of a kind there are, without listing them."""
        return len(self._by_kind.get((group, kind), {}))

    def get(self, kind: str, namespace: str, name: str, group: str = "") -> Obj | None:
        return self._by_key.get((group, kind, namespace, name))

    def by_uid(self, uid: str) -> Obj | None:
        return self._by_uid.get(uid)

    def owned_by(self, uid: str) -> list[Obj]:
        """Every object with an ownerReference to `uid` (controller or not)."""
        return list(self._by_owner.get(uid, {}).values())

    def all(self) -> list[Obj]:
        return list(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


def _owner_uids(obj: Obj) -> list[str]:
    return [str(r.get("uid")) for r in obj.get("metadata", {}).get("ownerReferences") or [] if r.get("uid")]


def event_key(event: Obj) -> tuple[str, str, str, str]:
    """Two events are the same when they say the same thing about the same object from the same source."""
    involved = event.get("involvedObject") or {}
    source = (event.get("source") or {}).get("component", "")
    return (str(involved.get("uid", "")), str(event.get("reason", "")), str(event.get("message", "")), str(source))
