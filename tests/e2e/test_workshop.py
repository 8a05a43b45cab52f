"""A workshop in real browsers (Debian's Chromium) against the live processes: an instructor
creates it through the page, two participants join from their own browsers and finish the first
step of lesson 4, and the instructor watches the dashboard change without reloading, broadcasts
to the room, and crashes a node in everyone's sandbox at once."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cluster import clock, tasks
from cluster.models import Sandbox
from tests.live.harness import LiveCluster
from web.workshops import joining
from web.workshops.models import Participant, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "workshop"
LESSON = "services"
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
LIVE_SECONDS = 60_000  # milliseconds Playwright waits for what the live processes do


@dataclass
class Person:
    """One browser of the room: its own context (cookies), its workshop tab and its lesson tab."""

    context: BrowserContext
    home: Page
    lesson: Page | None = None


def person(browser: Browser) -> Person:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    return Person(context, context.new_page())


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def create_workshop(live: LiveCluster, page: Page) -> str:
    """Sign in as the instructor, fill in the new-workshop form; the dashboard's join code."""
    sign_in(live, page, "ada", "lovelace-101")
    form = page.locator("#new-workshop")
    form.locator("#id_title").fill("Kubernetes 101")
    form.locator("#id_lessons").select_option(LESSON)
    form.locator("#id_capacity").fill("10")
    form.get_by_role("button", name="Create workshop").click()
    expect(page.locator("h1")).to_have_text("Kubernetes 101")
    expect(page.locator(".qr svg")).to_be_visible()
    return page.locator("#join-code").inner_text()


def join(live: LiveCluster, who: Person, code: str, name: str) -> None:
    who.home.goto(f"{live.url}/join/{code}/")
    who.home.locator("#id_display_name").fill(name)
    who.home.get_by_role("button", name="Join", exact=True).click()
    expect(who.home.locator("h1")).to_have_text("Kubernetes 101")
    expect(who.home.get_by_text(f"Welcome, {name}.")).to_be_visible()


def open_lesson(live: LiveCluster, who: Person) -> Page:
    """The lesson in a second tab, as a participant keeps the workshop page open beside it."""
    who.lesson = who.context.new_page()
    who.lesson.goto(live.url + (who.home.locator("#lesson-link").get_attribute("href") or ""))
    assert who.lesson.url.startswith(f"{live.url}/learn/{LESSON}/")
    expect(who.lesson.locator("#connection")).to_have_attribute("data-state", "open")
    expect(who.lesson.locator(".node")).to_have_count(3)
    return who.lesson


def apply_first_step(page: Page) -> None:
    page.locator("#editor textarea").fill(MANIFEST)
    page.locator("#editor button[type=submit]").click()
    expect(page.locator("#console-output")).to_contain_text("deployment.apps/web created")
    page.locator('#clock-controls [data-clock="fast"]').click()  # 10×: the pulls need not take real time


def row(number: int) -> str:
    return f'#participants tr:nth-child({number})'


def advance_every_sandbox(workshop: Workshop, seconds: float) -> None:
    for sandbox in Sandbox.objects.filter(participant__workshop=workshop):
        clock.advance(sandbox, seconds)
        tasks.reconcile.delay(sandbox.pk)


def test_it_runs_a_workshop_for_two_participants(live_cluster: LiveCluster, browser: Browser) -> None:
    live_cluster.start_beat()
    call_command("createinstructor", "ada", password="lovelace-101")
    instructor, ann, bo = person(browser), person(browser), person(browser)
    dashboard = instructor.home

    code = create_workshop(live_cluster, dashboard)
    join(live_cluster, ann, code, "Ann")
    join(live_cluster, bo, code, "Bo")
    workshop = Workshop.objects.get(join_code=code)
    assert sorted(Participant.objects.filter(workshop=workshop).values_list("display_name", flat=True)) == ["Ann", "Bo"]

    dashboard.evaluate("window.notReloaded = true")
    for number, name in ((1, "Ann"), (2, "Bo")):  # joined after the dashboard opened: rows come over the socket
        expect(dashboard.locator(f"{row(number)} .name")).to_have_text(name, timeout=LIVE_SECONDS)
        expect(dashboard.locator(f"{row(number)} .steps")).to_have_attribute("data-passed", "0")
    before = [dashboard.locator(f"{row(number)} .picture .pods").inner_text() for number in (1, 2)]
    screenshot(dashboard, "1-dashboard-joined")

    for who in (ann, bo):
        apply_first_step(open_lesson(live_cluster, who))
    for who in (ann, bo):
        assert who.lesson is not None
        expect(who.lesson.locator('.step[data-step="make-pods"]')).to_have_attribute("data-state", "done",
                                                                                     timeout=LIVE_SECONDS)
    screenshot(ann.lesson, "2-ann-step-done")  # type: ignore[arg-type]

    for number in (1, 2):
        expect(dashboard.locator(f"{row(number)} .steps")).to_have_attribute("data-passed", "1",
                                                                                       timeout=LIVE_SECONDS)
        # The scene's own pods and the three new ones: the small picture changed too.
        expect(dashboard.locator(f"{row(number)} .picture .pods")).not_to_have_text(before[number - 1])
    assert dashboard.evaluate("window.notReloaded") is True
    screenshot(dashboard, "3-dashboard-step-passed")

    dashboard.locator("#broadcast-text").fill("Well done! Now the Service.")
    dashboard.get_by_role("button", name="Broadcast").click()
    for who in (ann, bo):
        expect(who.home.locator("#broadcasts li.broadcast").first).to_have_text("Well done! Now the Service.")
    screenshot(bo.home, "4-bo-broadcast")

    dashboard.locator("#crash-form input[name=node]").fill("node-1")
    dashboard.locator("#crash-all").click()
    expect(dashboard.locator("#steer-result")).to_have_text("crash-node: 2 sandboxes")
    advance_every_sandbox(workshop, 60)  # past the node lifecycle controller's 40 s grace
    for who in (ann, bo):
        assert who.lesson is not None
        expect(who.lesson.locator('.node[data-node="node-1"]')).to_have_attribute("data-state", "down",
                                                                                  timeout=LIVE_SECONDS)
        expect(who.lesson.locator('.node[data-node="node-2"]')).to_have_attribute("data-state", "ready")
    for number in (1, 2):
        expect(dashboard.locator(f'{row(number)} .picture .node[data-node="node-1"]')).to_have_class(
            "node down", timeout=LIVE_SECONDS)
    assert dashboard.evaluate("window.notReloaded") is True
    screenshot(ann.lesson, "5-ann-node-down")  # type: ignore[arg-type]
    screenshot(bo.lesson, "6-bo-node-down")  # type: ignore[arg-type]
    screenshot(dashboard, "7-dashboard-node-down")
    for who in (instructor, ann, bo):
        who.context.close()


def sign_in(live: LiveCluster, page: Page, username: str, password: str) -> None:
    page.goto(f"{live.url}/workshops/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your workshops")


WRITING_CONTROLS = ["#console-form", "#clock-controls", "#add-node", "#editor button[type=submit]"]


def test_it_lets_the_instructor_watch_a_participants_sandbox_without_controls(live_cluster: LiveCluster,
                                                                               browser: Browser) -> None:
    call_command("createinstructor", "ada", password="lovelace-101")
    workshop = Workshop.objects.create(instructor=get_user_model().objects.get(username="ada"), title="Kubernetes 101",
                                       lessons=[LESSON], capacity=5, join_code="WATCH2")
    ann_seat = joining.join(workshop.join_code, "Ann", profile="fast", speed=0)
    assert ann_seat.sandbox is not None
    instructor, ann = person(browser), person(browser)
    sign_in(live_cluster, instructor.home, "ada", "lovelace-101")
    ann.home.goto(f"{live_cluster.url}/me/resume/{ann_seat.resume_token}/")

    for who in (instructor, ann):
        who.home.goto(f"{live_cluster.url}/sandboxes/{ann_seat.sandbox.name}/")
        expect(who.home.locator("#connection")).to_have_attribute("data-state", "open")
        expect(who.home.locator(".node")).to_have_count(3)
        who.home.locator('.node[data-node="node-1"]').click()
        expect(who.home.locator("#inspector .yaml")).to_be_visible()

    watcher, owner = instructor.home, ann.home
    for selector in WRITING_CONTROLS:
        expect(watcher.locator(selector)).to_be_hidden()
        expect(owner.locator(selector)).to_be_visible()
    expect(watcher.locator("#editor textarea")).not_to_be_editable()
    expect(watcher.locator("#inspector .actions")).to_have_count(0)
    expect(watcher.locator("#inspector .yaml")).not_to_be_editable()
    expect(owner.locator("#inspector .actions button")).to_have_count(6)
    expect(watcher.locator("#connect")).to_contain_text("You are watching this sandbox")
    screenshot(watcher, "8-instructor-watching")
    for who in (instructor, ann):
        who.context.close()
