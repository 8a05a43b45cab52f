"""The workspace's endpoints: console, apply, node actions, traffic, clock and the inspector."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cluster import clock, kinds, reconcile, store
from cluster.models import Sandbox
from web.workspace import narration

SERVICE = kinds.by_kind("", "Service")


def call(client: Client, sandbox: Sandbox, action: str, body: dict[str, Any]) -> Any:
    return client.post(reverse(f"workspace-{action}", args=[sandbox.name]), json.dumps(body),
                       content_type="application/json")


def test_it_runs_a_console_command(client: Client, sandbox: Sandbox) -> None:
    response = call(client, sandbox, "console", {"command": "kubectl get ns"})

    assert response.status_code == 200
    assert response.json()["output"].splitlines()[0].split() == ["NAME", "STATUS", "AGE"]
    assert response.json()["code"] == 0


def test_it_applies_several_documents_and_says_what_failed(client: Client, sandbox: Sandbox) -> None:
    manifests = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
                 "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: []}\n")

    answer = call(client, sandbox, "apply", {"yaml": manifests}).json()

    assert answer["output"].splitlines()[0] == "configmap/a created"
    assert answer["output"].splitlines()[1].startswith('Error from server (Invalid): Pod "b" is invalid')
    assert answer["code"] == 1


def test_it_refuses_a_write_without_the_csrf_token(sandbox: Sandbox) -> None:
    response = Client(enforce_csrf_checks=True).post(reverse("workspace-console", args=[sandbox.name]), "{}",
                                                      content_type="application/json")

    assert response.status_code == 403


def test_it_answers_404_for_an_unknown_sandbox(client: Client, db: None) -> None:
    response = client.post(reverse("workspace-clock", args=["nowhere"]), "{}", content_type="application/json")

    assert response.status_code == 404


def test_it_crashes_cordons_and_adds_nodes(client: Client, sandbox: Sandbox) -> None:
    node_kind = kinds.by_kind("", "Node")
    assert node_kind is not None
    before = store.get(sandbox, node_kind, "", "node-1")

    crashed = call(client, sandbox, "nodes", {"action": "crash", "node": "node-1"}).json()
    cordoned = call(client, sandbox, "nodes", {"action": "cordon", "node": "node-2"}).json()
    added = call(client, sandbox, "nodes", {"action": "add"}).json()
    unknown = call(client, sandbox, "nodes", {"action": "explode", "node": "node-1"})

    assert crashed["output"] == "node/node-1 crashed"
    assert store.get(sandbox, node_kind, "", "node-1") != before
    assert cordoned["output"] == "node/node-2 cordoned\n"
    assert store.get(sandbox, node_kind, "", "node-2")["spec"]["unschedulable"] is True
    assert added["output"] == "node/node-4 created"
    assert unknown.status_code == 400 and unknown.json()["reason"] == "BadRequest"


def test_it_starts_and_stops_load_on_a_service(client: Client, sandbox: Sandbox) -> None:
    assert SERVICE is not None
    store.create(sandbox, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}, namespace="default")

    call(client, sandbox, "traffic", {"service": "web", "rps": 50})
    loaded = store.get(sandbox, SERVICE, "default", "web")["metadata"]["annotations"]
    call(client, sandbox, "traffic", {"service": "web", "rps": 0})
    stopped = store.get(sandbox, SERVICE, "default", "web")["metadata"].get("annotations") or {}

    assert loaded["kubelab.io/load-rps"] == "50"
    assert "kubelab.io/load-rps" not in stopped


def test_it_plays_pauses_and_steps_the_clock(client: Client, sandbox: Sandbox) -> None:
    played = call(client, sandbox, "clock", {"action": "fast"}).json()
    paused = call(client, sandbox, "clock", {"action": "pause"}).json()
    sandbox.refresh_from_db()
    before = clock.now(sandbox)
    call(client, sandbox, "clock", {"action": "step", "seconds": 60})
    sandbox.refresh_from_db()

    assert (played["speed"], paused["speed"]) == (10.0, 0.0)
    assert round((clock.now(sandbox) - before).total_seconds()) == 60
    assert call(client, sandbox, "clock", {"action": "rewind"}).status_code == 400


def test_it_inspects_a_pending_pod_with_the_schedulers_verdict_per_node(client: Client, sandbox: Sandbox) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "huge"},
                           "spec": {"containers": [{"name": "app", "image": "nginx",
                                                    "resources": {"requests": {"cpu": "64"}}}]}}, namespace="default")
    reconcile.run(sandbox.pk)

    answer = client.get(reverse("workspace-inspect", args=[sandbox.name]),
                        {"apiVersion": "v1", "kind": "Pod", "namespace": "default", "name": "huge"}).json()

    assert "name: huge" in answer["yaml"]
    assert [v["node"] for v in answer["nodes"]] == ["node-1", "node-2", "node-3"]
    assert all(v["reason"] == "Insufficient cpu" for v in answer["nodes"])
    assert any(e["reason"] == "FailedScheduling" for e in answer["events"])
    assert any(c["type"] == "PodScheduled" and c["status"] == "False" for c in answer["conditions"])


def test_it_answers_a_missing_object_with_the_apis_status(client: Client, sandbox: Sandbox) -> None:
    response = client.get(reverse("workspace-inspect", args=[sandbox.name]),
                          {"apiVersion": "v1", "kind": "Pod", "namespace": "default", "name": "ghost"})

    assert response.status_code == 404
    assert response.json()["message"] == 'pods "ghost" not found'


@pytest.mark.parametrize(("said", "english", "korean"), [
    ("ReplicaSet web-7d9c: 2 of 3 pods exist, creating web-7d9c-x2k",
     "ReplicaSet web-7d9c: 2 of 3 pods exist, creating web-7d9c-x2k",
     "ReplicaSet web-7d9c: 파드 3개 중 2개가 있어 web-7d9c-x2k을(를) 만듭니다"),
    ("Scheduler: default/huge fits on no node: 0/3 nodes are available: 3 Insufficient cpu.",
     "scheduler: default/huge fits on no node: 0/3 nodes are available: 3 Insufficient cpu.",
     "스케줄러: default/huge이(가) 들어갈 노드가 없습니다: 0/3 nodes are available: 3 Insufficient cpu."),
    ("Deployment web: rolling update (maxSurge 1, maxUnavailable 0), scaling web-7d9c up to 2",
     "Deployment web: rolling update (maxSurge 1, maxUnavailable 0), scaling web-7d9c up to 2",
     "디플로이먼트 web: 롤링 업데이트 (maxSurge 1, maxUnavailable 0), web-7d9c의 레플리카를 2개로 늘립니다"),
    ("a sentence no shape knows", "a sentence no shape knows", "a sentence no shape knows"),
])
def test_it_narrates_in_the_learners_language(said: str, english: str, korean: str) -> None:
    assert narration.parse(said).render("en") == english
    assert narration.parse(said).render("ko") == korean


def test_it_renders_each_step_of_a_joined_narration() -> None:
    said = ("Deployment web: the new replica set is complete, scaling old ones to 0, scaling web-1 down to 0; "
            "Deployment web: scaled to 3 replicas, scaling web-2 up to 3")
    [entry] = narration.rendered([said], "ko")
    first, second = entry["text"].split("; ")
    assert first == ("디플로이먼트 web: 새 레플리카셋이 준비를 마쳐서 이전 레플리카셋을 0으로 줄이고, "
                     "web-1의 레플리카를 0개로 줄입니다")
    assert second == "디플로이먼트 web: 레플리카 수가 3개로 바뀌어서, web-2의 레플리카를 3개로 늘립니다"
    assert entry["original"] == said


def test_it_edits_an_object_in_place_as_kubectl_edit_does(client: Client, sandbox: Sandbox) -> None:
    assert SERVICE is not None
    store.create(sandbox, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}, namespace="default")
    shown = client.get(reverse("workspace-inspect", args=[sandbox.name]),
                       {"apiVersion": "v1", "kind": "Service", "namespace": "default", "name": "web"}).json()["yaml"]

    unchanged = call(client, sandbox, "edit", {"yaml": shown}).json()
    edited = call(client, sandbox, "edit", {"yaml": shown.replace("app: web", "app: api")}).json()
    stale = call(client, sandbox, "edit", {"yaml": shown.replace("app: web", "app: old")}).json()

    assert unchanged["output"] == "Edit cancelled, no changes made.\n"
    assert edited["output"] == "service/web edited\n"
    assert store.get(sandbox, SERVICE, "default", "web")["spec"]["selector"] == {"app": "api"}
    assert stale["output"].startswith("Error from server (Conflict): Operation cannot be fulfilled on services")
