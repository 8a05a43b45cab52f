"""The live diagram and the workspace in a real browser (Debian's Chromium), against a live
server with a real worker: what a learner does on the page, and what the page then shows."""

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cluster import clock, kinds, nodes, sandboxes, store, tasks
from cluster.models import Profile, Sandbox
from cluster.objects import Obj
from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import KUBECTL, kubeconfig

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "diagram"
POD = kinds.by_kind("", "Pod")
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        resources: {requests: {cpu: 250m, memory: 128Mi}}
"""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="en-US")
    yield context.new_page()
    context.close()


@pytest.fixture
def demo(live_cluster: LiveCluster) -> Sandbox:
    return sandboxes.create("demo", nodes=3, profile=Profile.FAST, speed=0)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_sandbox(page: Page, live: LiveCluster, sandbox: Sandbox) -> None:
    page.goto(f"{live.url}/sandboxes/{sandbox.name}/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    expect(page.locator(".node")).to_have_count(3)


def pods(sandbox: Sandbox) -> list[Obj]:
    assert POD is not None
    return store.list_objects(sandbox, POD, "default")[0]


def eventually(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Poll a live process's state until `condition` holds, or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def inside_its_node(pod: Obj) -> str:
    """The selector of a pod's card inside the box of the node it is bound to."""
    return f'.node[data-node="{pod["spec"]["nodeName"]}"] [data-pod="default/{pod["metadata"]["name"]}"]'


def live_pods(sandbox: Sandbox) -> list[Obj]:
    return [p for p in pods(sandbox) if not p["metadata"].get("deletionTimestamp")]


def running(sandbox: Sandbox, count: int) -> Callable[[], bool]:
    def check() -> bool:
        found = live_pods(sandbox)
        return len(found) == count and all(p.get("status", {}).get("phase") == "Running" for p in found)
    return check


def test_it_draws_an_applied_deployments_pods_inside_their_nodes(live_cluster: LiveCluster, demo: Sandbox,
                                                                 page: Page) -> None:
    open_sandbox(page, live_cluster, demo)
    screenshot(page, "1-empty")

    page.locator("#editor textarea").fill(DEPLOYMENT)
    page.locator("#editor button[type=submit]").click()

    expect(page.locator("#console-output")).to_contain_text("deployment.apps/web created")
    shown = page.locator('.node [data-pod^="default/web-"]')
    expect(shown).to_have_count(3)
    for index in range(3):
        expect(shown.nth(index).locator(".chip")).to_contain_text(["app=web"])
    for pod in pods(demo):
        expect(page.locator(inside_its_node(pod))).to_have_count(1)
    expect(page.locator(".owner", has_text="Deployment web")).to_be_visible()
    expect(page.locator("#decisions")).to_contain_text("ReplicaSet web-")
    screenshot(page, "2-deployment")


def service(selector: dict[str, str]) -> Obj:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 80}]}}


def replica_set(name: str, replicas: int, labels: dict[str, str]) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"run": name}},
                     "template": {"metadata": {"labels": {"run": name, **labels}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}}}


def edge_targets(page: Page) -> set[str]:
    uids = page.locator(".edge").evaluate_all("edges => edges.map(e => e.dataset.pod)")
    return set(uids)


def test_it_draws_service_edges_to_exactly_the_matching_pods(live_cluster: LiveCluster, demo: Sandbox,
                                                             page: Page) -> None:
    store.create(demo, replica_set("front", 3, {"app": "web"}), namespace="default")
    store.create(demo, replica_set("other", 2, {"app": "api"}), namespace="default")
    store.create(demo, service({"app": "web"}), namespace="default")
    assert eventually(running(demo, 5))
    open_sandbox(page, live_cluster, demo)

    matching = {p["metadata"]["uid"] for p in pods(demo) if p["metadata"]["labels"].get("app") == "web"}
    expect(page.locator(".edge")).to_have_count(3)
    assert edge_targets(page) == matching
    page.locator(".selector-chip").first.hover()
    expect(page.locator(".pod.highlight")).to_have_count(3)
    screenshot(page, "3-service-edges")

    relabelled = sorted(p["metadata"]["name"] for p in pods(demo) if p["metadata"]["uid"] in matching)[0]
    page.locator("#console-form input").fill(f"label pod {relabelled} app=other --overwrite")
    page.locator("#console-form input").press("Enter")
    expect(page.locator("#console-output")).to_contain_text(f"pod/{relabelled} labeled")
    expect(page.locator(".edge")).to_have_count(2)
    assert relabelled not in {p["metadata"]["name"] for p in pods(demo) if p["metadata"]["uid"] in edge_targets(page)}
    screenshot(page, "4-service-edges-after-relabel")


def advance(sandbox: Sandbox, seconds: float) -> None:
    clock.advance(sandbox, seconds)
    tasks.reconcile.delay(sandbox.pk)


def test_it_greys_out_a_crashed_node_and_its_pods_come_back_elsewhere(live_cluster: LiveCluster, demo: Sandbox,
                                                                       page: Page) -> None:
    store.create(demo, replica_set("front", 3, {"app": "web"}), namespace="default")
    assert eventually(running(demo, 3))
    open_sandbox(page, live_cluster, demo)
    victim = pods(demo)[0]["spec"]["nodeName"]

    nodes.crash(demo, victim)
    advance(demo, 60)
    expect(page.locator(f'.node[data-node="{victim}"]')).to_have_attribute("data-state", "down", timeout=20000)
    screenshot(page, "5-node-down")

    for _ in range(4):
        advance(demo, 120)
        time.sleep(0.5)  # let the worker take each step: eviction, then the replacement's start
    assert eventually(lambda: running(demo, 3)() and all(p["spec"]["nodeName"] != victim for p in live_pods(demo)), 30)
    for pod in live_pods(demo):
        expect(page.locator(inside_its_node(pod))).to_have_count(1)
    # The evicted pods wait on the dead node as Terminating: its kubelet cannot confirm they stopped.
    for pod in pods(demo):
        if pod["metadata"].get("deletionTimestamp"):
            expect(page.locator(inside_its_node(pod)).locator(".pod-status")).to_have_text("Terminating")
    screenshot(page, "6-pods-moved")


def test_it_prints_in_the_console_what_kubectl_prints(live_cluster: LiveCluster, demo: Sandbox, page: Page,
                                                      tmp_path: Path) -> None:
    open_sandbox(page, live_cluster, demo)
    config = kubeconfig(tmp_path / "kubeconfig", f"{live_cluster.url}/k8s/{demo.token}")

    for command in ("get nodes", "get ns"):
        page.locator("#console-form input").fill(command)
        page.locator("#console-form input").press("Enter")
        printed = page.locator("#console-output pre.result").last
        expected = subprocess.run([str(KUBECTL), "--kubeconfig", str(config), "--cache-dir", str(tmp_path / "cache"),
                                   *command.split()], capture_output=True, text=True, timeout=60).stdout
        expect(printed).to_have_text(expected.rstrip("\n"), use_inner_text=True)
    screenshot(page, "7-console")


def test_it_speaks_korean_after_the_switch(live_cluster: LiveCluster, demo: Sandbox, page: Page) -> None:
    open_sandbox(page, live_cluster, demo)
    expect(page.get_by_role("heading", name="YAML editor")).to_be_visible()

    page.locator("#language-select").select_option("ko")
    page.get_by_role("button", name="Switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", name="YAML 편집기")).to_be_visible()
    expect(page.locator("#connection")).to_have_text("연결됨")
    expect(page.locator(".band-title").last).to_have_text(re.compile(r"^노드 \(3\)$"))
    screenshot(page, "8-korean")


SYNTHETIC = """([nodes, pods]) => {
    const objects = [];
    const ready = [{type: "Ready", status: "True"}];
    for (let n = 1; n <= nodes; n++) {
        objects.push({apiVersion: "v1", kind: "Node", metadata: {name: `node-${n}`, uid: `node-${n}`,
            resourceVersion: "1"}, spec: {}, status: {conditions: ready},
            display: {status: "Ready", allocatable: {cpu: 4000, memory: 8 * 2 ** 30}}});
    }
    for (let p = 0; p < pods; p++) {
        objects.push({apiVersion: "v1", kind: "Pod", metadata: {name: `web-${p}`, namespace: "default", uid: `pod-${p}`,
            resourceVersion: "1", labels: {app: `app-${p % 10}`, tier: "front"}},
            spec: {nodeName: `node-${1 + (p % nodes)}`, containers: [{name: "app", image: "nginx"}]},
            status: {phase: "Running"}, display: {status: "Running", ready: "1/1", isReady: true, restarts: 0,
            requests: {cpu: 100, memory: 2 ** 27}}});
    }
    window.kubelab.view.loadSnapshot({resourceVersion: 1, objects});
    window.kubelab.redraw();
    const times = [];
    for (let i = 0; i < 10; i++) {
        for (let p = 0; p < pods; p += 30) {  // a batch: every thirtieth pod changed
            const pod = window.kubelab.view.objects.get(`pod-${p}`);
            pod.metadata.resourceVersion = String(2 + i);
            pod.display.restarts = i;
        }
        const start = performance.now();
        window.kubelab.redraw();
        times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b);
}"""


def test_it_stays_smooth_with_300_pods_on_30_nodes(live_cluster: LiveCluster, demo: Sandbox, page: Page) -> None:
    open_sandbox(page, live_cluster, demo)

    # The page's own view and diagram, fed a classroom-sized cluster without the server's quota.
    timings = page.evaluate(SYNTHETIC, [30, 300])

    expect(page.locator(".node")).to_have_count(30)
    expect(page.locator(".node .pod")).to_have_count(300)
    screenshot(page, "9-300-pods")
    assert timings[len(timings) // 2] < 16, timings  # a batch of changes is drawn within one frame


def test_it_collapses_crowded_nodes_into_counts(live_cluster: LiveCluster, demo: Sandbox, page: Page) -> None:
    open_sandbox(page, live_cluster, demo)

    timings = page.evaluate(SYNTHETIC, [30, 1000])

    expect(page.locator(".node")).to_have_count(30)
    expect(page.locator(".node .pod")).to_have_count(0)
    expect(page.locator('.node[data-node="node-1"] .pod-count')).to_have_text("34 × Running")
    screenshot(page, "10-1000-pods-collapsed")
    assert timings[len(timings) // 2] < 50, timings
