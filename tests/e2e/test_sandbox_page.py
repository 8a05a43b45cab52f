"""The sandbox page in a real browser: the first page creates a sandbox, and a pod created
through the store appears on the page without a reload, pushed over the WebSocket."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from cluster import clock, kinds, sandboxes, store, tasks
from cluster.kinds.pod import display_status
from cluster.models import Profile, Sandbox
from cluster.objects import Obj, condition
from tests.live.harness import LiveCluster

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts"
POD = kinds.by_kind("", "Pod")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 860}, locale="en-US")
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def pod_named(name: str, cpu: str = "250m") -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name, "tier": "front"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25",
                                     "resources": {"requests": {"cpu": cpu, "memory": "128Mi"}}}]}}


def read_pod(sandbox: Sandbox, name: str) -> Obj:
    assert POD is not None
    return store.get(sandbox, POD, "default", name)


def settled(sandbox: Sandbox, name: str, done: Callable[[Obj], bool], seconds: float = 15.0) -> Obj:
    """The pod once `done` holds for it, or as it is at the deadline."""
    deadline = time.monotonic() + seconds
    pod = read_pod(sandbox, name)
    while not done(pod) and time.monotonic() < deadline:
        time.sleep(0.1)
        pod = read_pod(sandbox, name)
    return pod


def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def placed(pod: Obj) -> bool:
    """The scheduler has decided: the pod is bound, or marked unschedulable."""
    return bool(pod["spec"].get("nodeName") or condition(pod, "PodScheduled"))


def expect_shown_where_placed(page: Page, pod: Obj) -> Locator:
    """The pod's element is inside its node's box, or in the unscheduled area with the scheduler's reason."""
    node = pod["spec"].get("nodeName")
    where = f'.node[data-node="{node}"]' if node else "#unscheduled"
    shown = page.locator(f'{where} [data-pod="default/{pod["metadata"]["name"]}"]')
    expect(shown).to_be_visible()
    expect(shown.locator(".chip")).to_have_text([f"app={pod['metadata']['name']}", "tier=front"])
    scheduled = condition(pod, "PodScheduled")
    if not node and scheduled:
        expect(shown.locator(".reason")).to_have_text(scheduled["message"])
    return shown


def test_it_creates_a_sandbox_from_the_first_page(live_cluster: LiveCluster, page: Page) -> None:  # noqa: F811
    page.goto(f"{live_cluster.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kubernetes")
    page.get_by_label("Name").fill("Not_Valid")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".error")).to_contain_text("lowercase letters")
    screenshot(page, "index-invalid-name")

    page.get_by_label("Name").fill("first-steps")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(f"{live_cluster.url}/sandboxes/first-steps/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    expect(page.locator(".node")).to_have_count(3)
    page.goto(f"{live_cluster.url}/")
    expect(page.locator(".sandbox-item")).to_contain_text("first-steps")
    screenshot(page, "index")


def test_it_shows_a_new_pod_where_the_cluster_put_it(live_cluster: LiveCluster, page: Page) -> None:  # noqa: F811
    sandbox = sandboxes.create("demo", nodes=3, profile=Profile.FAST, speed=0)
    page.goto(f"{live_cluster.url}/sandboxes/demo/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    expect(page.locator(".node")).to_have_count(3)
    screenshot(page, "sandbox-empty")

    store.create(sandbox, pod_named("web"), namespace="default")
    store.create(sandbox, pod_named("huge", cpu="64"), namespace="default")
    for name in ("web", "huge"):
        expect_shown_where_placed(page, settled(sandbox, name, placed))
    screenshot(page, "sandbox-with-pods")

    # Time passes: whatever the kubelet makes of the pod, the page follows without a reload.
    clock.advance(sandbox, 120)
    tasks.reconcile.delay(sandbox.pk)
    status = page.locator('[data-pod="default/web"] .pod-status')
    assert eventually(lambda: status.text_content() == display_status(read_pod(sandbox, "web")))
    expect_shown_where_placed(page, read_pod(sandbox, "web"))
    screenshot(page, "sandbox-later")
