"""Lesson 4 in a real browser, as a learner does it: open the lesson, type the Deployment into
the YAML editor, apply it, and watch the first step turn green by itself; in English and in
Korean. The live processes serve the page (Uvicorn, a Celery worker, beat for the clock)."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.live.harness import LiveCluster

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts"
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.25
          ports:
            - containerPort: 80
"""


def learner(browser: Browser, locale: str) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=locale)
    return context.new_page()


def complete_first_step(live: LiveCluster, page: Page, expected: dict[str, str]) -> None:
    page.goto(f"{live.url}/learn/")
    page.locator('.lesson-item[data-lesson="services"] a').click()
    expect(page.locator("#lesson-title")).to_have_text(expected["title"])
    step = page.locator('.step[data-step="make-pods"]')
    expect(step).to_have_attribute("data-state", "current")
    expect(page.locator("#lesson-status")).to_have_attribute("data-state", "open")
    expect(step.locator(".verdict")).to_contain_text(expected["not_yet"])

    page.locator("#editor textarea").fill("")
    page.locator("#editor textarea").type(MANIFEST)
    page.locator("#editor button[type=submit]").click()
    expect(page.locator("#console-output")).to_contain_text("deployment.apps/web created")
    page.locator('#clock-controls [data-clock="fast"]').click()  # the toolbar's 10×: no need to wait in real time

    expect(step).to_have_attribute("data-state", "done", timeout=60_000)
    expect(step.locator(".verdict")).to_contain_text(expected["done"])
    expect(page.locator('.step[data-step="make-service"]')).to_have_attribute("data-state", "current")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"tutorial-{expected['name']}.png"), full_page=False)


def test_it_completes_the_first_step_of_lesson_4(live_cluster: LiveCluster, browser: Browser) -> None:
    live_cluster.start_beat()
    complete_first_step(live_cluster, learner(browser, "en-US"), {
        "name": "en", "title": "Labels, selectors and Services", "not_yet": "There is no Deployment web",
        "done": "rolled out"})


def test_it_completes_the_first_step_of_lesson_4_in_korean(live_cluster: LiveCluster, browser: Browser) -> None:
    live_cluster.start_beat()
    complete_first_step(live_cluster, learner(browser, "ko-KR"), {
        "name": "ko", "title": "레이블, 셀렉터, 서비스", "not_yet": "디플로이먼트 web이 아직 없어요",
        "done": "롤아웃이 끝났어요"})
