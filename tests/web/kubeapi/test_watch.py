"""HTTP watch streams, driven through `watch_response` with writes through `cluster.store`.

Writes go to ConfigMaps where they can: the only controller that touches those publishes
`kube-root-ca.crt` in each namespace, which the readers below leave out, so the only changes
they see are the test's own. Streams end by `timeoutSeconds`, or are cancelled as Django
cancels them when the client goes away.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import RequestFactory

from cluster import announce, store
from cluster.errors import StatusError
from cluster.kinds.config import CONFIG_MAP
from cluster.models import Sandbox
from web.kubeapi import watch
from web.kubeapi.watch_events import Criteria, Renderer, View

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    """These tests look inside the channel layer's groups; the live tests cover real Redis."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TABLE_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
                "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
DEADLINE = 15.0
Event = dict[str, Any]


def config_map(name: str, namespace: str = "default", **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace,
                                                                  "labels": labels}, "data": {"key": name}}


async def create(sandbox: Sandbox, name: str, namespace: str = "default", **labels: str) -> dict[str, Any]:
    return await sync_to_async(store.create)(sandbox, config_map(name, namespace, **labels), namespace=namespace)


async def current_rv(sandbox: Sandbox) -> int:
    await sync_to_async(sandbox.refresh_from_db)(fields=["resource_version"])
    return sandbox.resource_version


async def open_watch(sandbox: Sandbox, namespace: str | None = "default", accept: str = "application/json",
                     **query: str) -> AsyncIterator[bytes]:
    request = RequestFactory().get("/watch", {"watch": "true", **query}, HTTP_ACCEPT=accept)
    response = await watch.watch_response(request, sandbox, CONFIG_MAP, namespace)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.streaming_content  # type: ignore[attr-defined,no-any-return]


async def read_all(lines: AsyncIterator[bytes]) -> list[Event]:
    """Every event until the server ends the stream (tests set timeoutSeconds)."""
    async def drain() -> list[Event]:
        async with aclosing(lines):  # type: ignore[type-var]
            return [e for e in [json.loads(line) async for line in lines] if not root_ca(e)]
    return await asyncio.wait_for(drain(), DEADLINE)


def root_ca(event: Event) -> bool:
    """The serviceaccount controller's `kube-root-ca.crt`, published into every namespace."""
    return event.get("object", {}).get("metadata", {}).get("name") == "kube-root-ca.crt"


class Reader:
    """Reads a stream in the background, so the test can write while it watches."""

    def __init__(self, lines: AsyncIterator[bytes]) -> None:
        self.events: list[Event] = []
        self.task = asyncio.create_task(self._read(lines))

    async def _read(self, lines: AsyncIterator[bytes]) -> None:
        async for line in lines:
            event = json.loads(line)
            if not root_ca(event):
                self.events.append(event)

    async def until(self, done: Callable[[list[Event]], bool]) -> list[Event]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE
        while not done(self.events):
            assert loop.time() < deadline, f"gave up waiting; got {self.events}"
            assert not self.task.done(), f"the stream ended; got {self.events}"
            await asyncio.sleep(0.02)
        return self.events

    async def stop(self) -> None:
        """What Django does when the client disconnects: cancel the task that runs the response."""
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task


def subscribers(sandbox: Sandbox) -> int:
    layer = get_channel_layer()
    return len(layer.groups.get(announce.group_name(sandbox.pk), {}))  # type: ignore[union-attr]


def names(events: list[Event], event_type: str | None = None) -> list[str]:
    return [e["object"]["metadata"]["name"] for e in events if event_type in (None, e["type"])]


@pytest.mark.asyncio
async def test_it_starts_with_an_added_event_for_each_existing_object(sandbox: Sandbox) -> None:
    await create(sandbox, "b")
    await create(sandbox, "a")
    await create(sandbox, "elsewhere", namespace="kube-system")

    events = await read_all(await open_watch(sandbox, timeoutSeconds="1"))

    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a"), ("ADDED", "b")]


@pytest.mark.asyncio
async def test_it_treats_resource_version_zero_as_unset(sandbox: Sandbox) -> None:
    await create(sandbox, "a")

    events = await read_all(await open_watch(sandbox, resourceVersion="0", timeoutSeconds="1"))

    assert names(events, "ADDED") == ["a"]


@pytest.mark.asyncio
async def test_it_watches_every_namespace_when_given_none(sandbox: Sandbox) -> None:
    await create(sandbox, "a")
    await create(sandbox, "b", namespace="kube-system")

    events = await read_all(await open_watch(sandbox, namespace=None, timeoutSeconds="1"))

    assert {"a", "b"} <= set(names(events, "ADDED"))
    assert {e["object"]["metadata"]["namespace"] for e in events} >= {"default", "kube-system"}


@pytest.mark.asyncio
async def test_it_streams_changes_made_while_watching(sandbox: Sandbox) -> None:
    reader = Reader(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox))))
    created = await create(sandbox, "live")
    await sync_to_async(store.patch)(sandbox, CONFIG_MAP, "default", "live",
                                     lambda cm: {**cm, "data": {"key": "changed"}})
    await sync_to_async(store.delete)(sandbox, CONFIG_MAP, "default", "live")

    events = await reader.until(lambda seen: len(seen) >= 3)
    await reader.stop()

    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert events[0]["object"]["metadata"]["uid"] == created["metadata"]["uid"]
    assert events[1]["object"]["data"] == {"key": "changed"}
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3  # DELETED carries a version of its own


@pytest.mark.asyncio
async def test_it_sends_every_change_after_the_version_asked_for_in_order(sandbox: Sandbox) -> None:
    start = await current_rv(sandbox)
    for name in ("one", "two", "three"):
        await create(sandbox, name)

    events = await read_all(await open_watch(sandbox, resourceVersion=str(start + 1), timeoutSeconds="1"))

    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "two"), ("ADDED", "three")]


@pytest.mark.asyncio
async def test_it_waits_for_a_version_the_cluster_has_not_reached(sandbox: Sandbox) -> None:
    ahead = await current_rv(sandbox) + 1
    reader = Reader(await open_watch(sandbox, resourceVersion=str(ahead)))
    await create(sandbox, "at-the-version")  # takes version `ahead`: not after it
    await create(sandbox, "after-it")

    events = await reader.until(lambda seen: len(seen) >= 1)
    await reader.stop()

    assert [e["type"] for e in events] == ["ADDED"] and names(events) == ["after-it"]


@pytest.mark.asyncio
async def test_it_expires_a_version_the_log_no_longer_reaches(sandbox: Sandbox) -> None:
    for name in ("a", "b", "c"):
        await create(sandbox, name)
    await sync_to_async(store.compact)(sandbox, keep=1)
    oldest = await sync_to_async(store.oldest_watchable)(sandbox)

    events = await read_all(await open_watch(sandbox, resourceVersion="2", timeoutSeconds="5"))

    assert events == [{"type": "ERROR", "object": {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": f"too old resource version: 2 ({oldest})", "reason": "Expired", "code": 410}}]


@pytest.mark.asyncio
async def test_it_never_expires_the_version_of_a_recent_list(sandbox: Sandbox) -> None:
    await create(sandbox, "a")
    _, listed_at = await sync_to_async(store.list_objects)(sandbox, CONFIG_MAP, "default")
    await sync_to_async(store.compact)(sandbox, keep=1)

    events = await read_all(await open_watch(sandbox, resourceVersion=str(listed_at), timeoutSeconds="1"))

    assert events == []


@pytest.mark.asyncio
async def test_it_filters_by_label_and_field_selectors(sandbox: Sandbox) -> None:
    reader = Reader(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox)),
                                     labelSelector="app=web", fieldSelector="metadata.name!=skip"))
    await create(sandbox, "db", app="db")
    await create(sandbox, "skip", app="web")
    await create(sandbox, "web", app="web")

    events = await reader.until(lambda seen: len(seen) >= 1)
    await create(sandbox, "marker", app="web")
    events = await reader.until(lambda seen: len(seen) >= 2)
    await reader.stop()

    assert names(events) == ["web", "marker"]


@pytest.mark.asyncio
async def test_it_tells_a_relabelled_object_as_deleted_and_added(sandbox: Sandbox) -> None:
    await create(sandbox, "cfg", app="web")
    reader = Reader(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox)),
                                     labelSelector="app=web"))

    def label(app: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda cm: {**cm, "metadata": {**cm["metadata"], "labels": {"app": app}}}

    await sync_to_async(store.patch)(sandbox, CONFIG_MAP, "default", "cfg", label("db"))
    await sync_to_async(store.patch)(sandbox, CONFIG_MAP, "default", "cfg", label("web"))
    events = await reader.until(lambda seen: len(seen) >= 2)
    await reader.stop()

    assert [e["type"] for e in events] == ["DELETED", "ADDED"]
    assert events[0]["object"]["metadata"]["labels"] == {"app": "web"}  # its last state that matched
    assert int(events[0]["object"]["metadata"]["resourceVersion"]) < int(
        events[1]["object"]["metadata"]["resourceVersion"])


@pytest.mark.asyncio
async def test_it_sends_one_row_tables_when_kubectl_asks(sandbox: Sandbox) -> None:
    await create(sandbox, "settings", app="web")

    events = await read_all(await open_watch(sandbox, accept=TABLE_ACCEPT, timeoutSeconds="1", labelSelector="app=web"))

    table = events[0]["object"]
    assert events[0]["type"] == "ADDED" and table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert table["rows"][0]["cells"][:2] == ["settings", 1]
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


@pytest.mark.asyncio
async def test_it_sends_bookmarks_when_allowed(sandbox: Sandbox, settings: Any) -> None:
    settings.KUBELAB_WATCH_BOOKMARK_SECONDS = 0.2
    await create(sandbox, "a")
    now = await current_rv(sandbox)

    events = await read_all(await open_watch(sandbox, resourceVersion=str(now), allowWatchBookmarks="true",
                                             timeoutSeconds="1"))

    assert events and {e["type"] for e in events} == {"BOOKMARK"}
    assert events[-1]["object"] == {"kind": "ConfigMap", "apiVersion": "v1",
                                    "metadata": {"resourceVersion": str(now)}}


@pytest.mark.asyncio
async def test_it_sends_no_bookmarks_unless_allowed(sandbox: Sandbox, settings: Any) -> None:
    settings.KUBELAB_WATCH_BOOKMARK_SECONDS = 0.2

    events = await read_all(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox)),
                                             timeoutSeconds="1"))

    assert events == []


@pytest.mark.asyncio
async def test_it_ends_the_initial_events_with_a_bookmark_for_watch_list(sandbox: Sandbox) -> None:
    await create(sandbox, "a")
    listed_at = await current_rv(sandbox)

    events = await read_all(await open_watch(sandbox, sendInitialEvents="true", allowWatchBookmarks="true",
                                             resourceVersionMatch="NotOlderThan", timeoutSeconds="1"))

    assert [e["type"] for e in events[:2]] == ["ADDED", "BOOKMARK"]
    assert events[1]["object"]["metadata"] == {"resourceVersion": str(listed_at),
                                               "annotations": {"k8s.io/initial-events-end": "true"}}


@pytest.mark.asyncio
async def test_it_refuses_initial_events_newer_than_the_cluster(sandbox: Sandbox) -> None:
    ahead = await current_rv(sandbox) + 10

    events = await read_all(await open_watch(sandbox, sendInitialEvents="true", allowWatchBookmarks="true",
                                             resourceVersion=str(ahead), timeoutSeconds="1"))

    assert [e["type"] for e in events] == ["ERROR"]
    assert events[0]["object"]["code"] == 504
    assert events[0]["object"]["message"].startswith(f"Timeout: Too large resource version: {ahead}, current: ")


@pytest.mark.asyncio
async def test_it_skips_the_initial_events_when_told_not_to_send_them(sandbox: Sandbox) -> None:
    await create(sandbox, "a")

    events = await read_all(await open_watch(sandbox, sendInitialEvents="false", timeoutSeconds="1"))

    assert events == []


@pytest.mark.parametrize("query", [{"labelSelector": "app in (web"}, {"fieldSelector": "spec.nope=1"},
                                   {"resourceVersion": "abc"}, {"timeoutSeconds": "soon"},
                                   {"allowWatchBookmarks": "maybe"}, {"includeObject": "All"}])
@pytest.mark.asyncio
async def test_it_rejects_a_bad_query_before_streaming(sandbox: Sandbox, query: dict[str, str]) -> None:
    with pytest.raises(StatusError) as raised:
        await open_watch(sandbox, **query)

    assert raised.value.code == 400


@pytest.mark.asyncio
async def test_it_leaves_the_sandbox_group_when_the_client_goes_away(sandbox: Sandbox) -> None:
    reader = Reader(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox))))
    await create(sandbox, "seen")
    await reader.until(lambda seen: len(seen) == 1)
    assert subscribers(sandbox) == 1

    await reader.stop()

    assert subscribers(sandbox) == 0
    assert not [task for task in asyncio.all_tasks() if "_listen" in repr(task.get_coro())]


@pytest.mark.asyncio
async def test_it_wakes_on_the_after_commit_hint(sandbox: Sandbox, settings: Any) -> None:
    settings.KUBELAB_WATCH_POLL_SECONDS = 60  # far beyond the deadline: only the hint can wake it
    reader = Reader(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox))))
    await reader.until(lambda seen: subscribers(sandbox) == 1)
    await create(sandbox, "announced")

    events = await reader.until(lambda seen: len(seen) >= 1)
    await reader.stop()

    assert names(events) == ["announced"]


@pytest.mark.asyncio
async def test_it_finds_a_change_whose_hint_was_lost(sandbox: Sandbox, settings: Any) -> None:
    settings.KUBELAB_WATCH_POLL_SECONDS = 0.1  # the backstop for a lost hint
    reader = Reader(await open_watch(sandbox, resourceVersion=str(await current_rv(sandbox))))
    await reader.until(lambda seen: subscribers(sandbox) == 1)
    layer = get_channel_layer()
    await layer.flush()  # type: ignore[union-attr]  # every subscription gone: hints are lost
    await create(sandbox, "unannounced")

    events = await reader.until(lambda seen: len(seen) >= 1)
    await reader.stop()

    assert names(events) == ["unannounced"]



@pytest.mark.django_db(transaction=True)
def test_it_expires_a_stream_the_compaction_overtook(sandbox: Sandbox) -> None:
    sandbox.refresh_from_db()
    position = sandbox.resource_version
    for name in ("a", "b", "c"):
        store.create(sandbox, config_map(name), namespace="default")
    store.compact(sandbox, keep=1)
    view = View(Criteria(CONFIG_MAP, "default"))

    batch = watch.read_changes(sandbox.pk, position, view, Renderer(CONFIG_MAP))

    assert batch.closed and len(batch.lines) == 1
    event = json.loads(batch.lines[0])
    assert event["object"]["code"] == 410
    assert event["object"]["message"] == f"too old resource version: {position} ({store.oldest_watchable(sandbox)})"


@pytest.mark.django_db(transaction=True)
def test_it_reads_a_backlog_in_batches(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "BATCH", 2)
    sandbox.refresh_from_db()
    position = sandbox.resource_version
    for name in ("a", "b", "c"):
        store.create(sandbox, config_map(name), namespace="default")
    view = View(Criteria(CONFIG_MAP, "default"))

    first = watch.read_changes(sandbox.pk, position, view, Renderer(CONFIG_MAP))
    second = watch.read_changes(sandbox.pk, first.position, view, Renderer(CONFIG_MAP))

    assert first.full and not second.full
    assert [json.loads(line)["object"]["metadata"]["name"] for line in first.lines + second.lines] == ["a", "b", "c"]
