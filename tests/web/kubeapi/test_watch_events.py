"""What a watcher is told about each change: selector transitions, Tables, bookmarks and errors."""

import json

from cluster import selectors
from cluster.kinds.config import CONFIG_MAP
from cluster.kinds.pod import POD
from cluster.objects import copy
from tests.builders import T0, new_pod
from web.kubeapi import tables
from web.kubeapi.watch_events import Change, Criteria, EventType, Prior, Renderer, View, error_line, too_old


def change(event_type: str, obj: dict, rv: int) -> Change:
    stamped = copy(obj)
    stamped["metadata"]["resourceVersion"] = str(rv)
    meta = stamped["metadata"]
    return Change(event_type, "", stamped["kind"], meta.get("namespace", ""), meta["name"], rv, stamped)


def relabel(pod: dict, **labels: str) -> dict:
    new = copy(pod)
    new["metadata"]["labels"] = labels
    return new


def web_pods(namespace: str | None = "default") -> Criteria:
    return Criteria(POD, namespace, selectors.parse_label_selector("app=web"))


def test_it_ignores_changes_to_other_kinds_and_namespaces() -> None:
    view = View(Criteria(POD, "default"))
    other_namespace = new_pod("web", namespace="dev")
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web", "namespace": "default"}}

    assert view.tell(change("ADDED", other_namespace, 5)) is None
    assert view.tell(change("ADDED", config_map, 6)) is None


def test_it_passes_every_change_through_without_selectors() -> None:
    view = View(Criteria(POD, None))
    pod = new_pod("web", namespace="dev")

    told = [view.tell(change(t, pod, rv)) for t, rv in (("ADDED", 5), ("MODIFIED", 6), ("DELETED", 7))]

    assert [(t, o["metadata"]["resourceVersion"]) for t, o in told] == [  # type: ignore[misc]
        (EventType.ADDED, "5"), (EventType.MODIFIED, "6"), (EventType.DELETED, "7")]


def test_it_says_nothing_of_an_object_that_never_matches() -> None:
    view = View(web_pods())
    view.seed([])
    pod = new_pod("db", labels={"app": "db"})

    assert view.tell(change("ADDED", pod, 5)) is None
    assert view.tell(change("MODIFIED", pod, 6)) is None
    assert view.tell(change("DELETED", pod, 7)) is None


def test_it_tells_an_object_that_starts_matching_as_added() -> None:
    view = View(web_pods())
    pod = new_pod("web", labels={"app": "db"})
    view.seed([])

    told = view.tell(change("MODIFIED", relabel(pod, app="web"), 9))

    assert told is not None and told[0] is EventType.ADDED
    assert told[1]["metadata"]["labels"] == {"app": "web"}


def test_it_tells_an_object_that_stops_matching_as_deleted_in_its_last_matching_state() -> None:
    view = View(web_pods())
    pod = new_pod("web", labels={"app": "web"})
    view.seed([pod])

    told = view.tell(change("MODIFIED", relabel(pod, app="db"), 9))

    assert told is not None and told[0] is EventType.DELETED
    assert told[1]["metadata"]["labels"] == {"app": "web"}
    assert told[1]["metadata"]["resourceVersion"] == "9"
    assert pod["metadata"]["resourceVersion"] != "9"  # the seeded object itself is untouched


def test_it_tells_changes_of_a_matching_object_as_modified_then_deleted() -> None:
    view = View(web_pods())
    pod = new_pod("web", labels={"app": "web"})
    view.seed([pod])

    modified = view.tell(change("MODIFIED", pod, 9))
    deleted = view.tell(change("DELETED", pod, 10))

    assert modified is not None and modified[0] is EventType.MODIFIED
    assert deleted is not None and deleted[0] is EventType.DELETED
    assert deleted[1]["metadata"]["resourceVersion"] == "10"


def test_it_follows_an_object_in_and_out_of_the_selection() -> None:
    view = View(web_pods())
    view.seed([])
    pod = new_pod("web", labels={"app": "db"})
    steps = [("ADDED", pod), ("MODIFIED", relabel(pod, app="web")), ("MODIFIED", relabel(pod, app="web", v="2")),
             ("MODIFIED", relabel(pod, app="db")), ("DELETED", relabel(pod, app="db"))]

    told = [view.tell(change(t, obj, rv)) for rv, (t, obj) in enumerate(steps, start=10)]

    assert [t[0] if t else None for t in told] == [None, EventType.ADDED, EventType.MODIFIED, EventType.DELETED,
                                                   None]


def test_it_applies_field_selectors_too() -> None:
    view = View(Criteria(POD, None, fields=selectors.parse_field_selector("spec.nodeName=node-1", POD.fields)))
    view.seed([])
    pending = new_pod("web")
    bound = new_pod("web", node="node-1")

    assert view.tell(change("ADDED", pending, 5)) is None
    told = view.tell(change("MODIFIED", bound, 6))
    assert told is not None and told[0] is EventType.ADDED


def test_it_asks_the_log_how_an_object_looked_when_started_from_a_version() -> None:
    pod = new_pod("web", labels={"app": "web"})
    asked: list[tuple[str, str, int]] = []

    def lookup(namespace: str, name: str, rv: int) -> Prior | None:
        asked.append((namespace, name, rv))
        return Prior(pod)

    view = View(web_pods(), lookup=lookup)

    first = view.tell(change("MODIFIED", relabel(pod, app="db"), 20))
    second = view.tell(change("MODIFIED", relabel(pod, app="web"), 21))

    assert first is not None and first[0] is EventType.DELETED
    assert second is not None and second[0] is EventType.ADDED
    assert asked == [("default", "web", 20)]  # once per object: afterwards the view knows


def test_it_assumes_an_object_was_as_it_is_when_the_log_has_forgotten() -> None:
    view = View(web_pods())  # the default lookup remembers nothing
    pod = new_pod("web", labels={"app": "web"})

    told = view.tell(change("MODIFIED", pod, 30))

    assert told is not None and told[0] is EventType.MODIFIED


def test_it_treats_an_object_the_log_saw_deleted_as_new() -> None:
    pod = new_pod("web", labels={"app": "web"})
    view = View(web_pods(), lookup=lambda namespace, name, rv: Prior(None))

    told = view.tell(change("ADDED", pod, 30))

    assert told is not None and told[0] is EventType.ADDED


def test_it_renders_events_as_one_json_line_each() -> None:
    pod = new_pod("web")

    line = Renderer(POD).event(EventType.ADDED, pod, T0)

    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"type": "ADDED", "object": pod}


def test_it_renders_one_row_tables_with_headers_only_first() -> None:
    renderer = Renderer(CONFIG_MAP, as_table=True, include=tables.IncludeObject.METADATA)
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "settings", "namespace": "default", "resourceVersion": "8",
                       "creationTimestamp": "2026-01-01T00:00:00Z"}, "data": {"a": "1"}}

    first = json.loads(renderer.event(EventType.ADDED, cm, T0))
    second = json.loads(renderer.event(EventType.MODIFIED, cm, T0))

    assert first["object"]["kind"] == "Table"
    assert [c["name"] for c in first["object"]["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert first["object"]["rows"][0]["cells"] == ["settings", 1, "0s"]
    assert second["object"]["columnDefinitions"] is None
    assert second["object"]["rows"][0]["object"]["metadata"]["name"] == "settings"


def test_it_renders_bookmarks_with_only_a_resource_version() -> None:
    bookmark = json.loads(Renderer(POD).bookmark(42))

    assert bookmark == {"type": "BOOKMARK",
                        "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "42"}}}


def test_it_marks_the_bookmark_that_ends_the_initial_events() -> None:
    bookmark = json.loads(Renderer(POD).bookmark(42, initial_events_end=True))

    assert bookmark["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_it_renders_an_expired_version_as_a_410_status() -> None:
    event = json.loads(error_line(too_old(3, 120)))

    assert event == {"type": "ERROR", "object": {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "too old resource version: 3 (120)", "reason": "Expired", "code": 410}}
