"""The first page (sandboxes, and a form to create one) and a sandbox's page."""

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cluster import sandboxes
from cluster.models import Profile, Sandbox

pytestmark = pytest.mark.django_db


def page_data(response: Any, element_id: str) -> Any:
    """What a page hands its scripts through `json_script`."""
    html = response.content.decode()
    start = html.index(f'<script id="{element_id}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def test_it_welcomes_with_no_sandboxes(client: Client) -> None:
    response = client.get(reverse("index"))
    assert response.status_code == 200
    assert b"No sandboxes yet" in response.content
    assert b'action="/sandboxes/"' in response.content


def test_it_lists_sandboxes_with_their_counts(client: Client) -> None:
    sandboxes.create("alpha", nodes=2, profile=Profile.FAST, speed=0)
    sandboxes.create("beta", nodes=1, profile=Profile.FAST, speed=0)
    response = client.get(reverse("index"))
    listed = {s.name: s for s in response.context["sandboxes"]}
    assert (listed["alpha"].node_count, listed["beta"].node_count) == (2, 1)
    assert listed["alpha"].object_count == Sandbox.objects.get(name="alpha").kube_objects.count()
    assert b'href="/sandboxes/alpha/"' in response.content and b"2 nodes" in response.content
    assert re.search(rb"\b1 node\b(?!s)", response.content)


def test_it_creates_a_sandbox_and_opens_it(client: Client) -> None:
    response = client.post(reverse("create_sandbox"), {"name": "my-cluster", "nodes": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/sandboxes/my-cluster/"
    created = Sandbox.objects.get(name="my-cluster")
    assert created.kube_objects.filter(kind="Node").count() == 2


@pytest.mark.parametrize("name", ["My_Cluster", "-edge", "a" * 64, ""])
def test_it_rejects_a_name_kubernetes_would_reject(client: Client, name: str) -> None:
    response = client.post(reverse("create_sandbox"), {"name": name, "nodes": "3"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not Sandbox.objects.exists()


def test_it_explains_the_naming_rule(client: Client) -> None:
    response = client.post(reverse("create_sandbox"), {"name": "My_Cluster", "nodes": "3"})
    assert "lowercase letters, digits and &#x27;-&#x27;" in response.content.decode()


def test_it_rejects_a_name_already_taken(client: Client) -> None:
    sandboxes.create("taken", nodes=1, profile=Profile.FAST, speed=0)
    response = client.post(reverse("create_sandbox"), {"name": "taken", "nodes": "1"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Sandbox.objects.count() == 1


def test_it_rejects_a_create_without_csrf_token() -> None:
    response = Client(enforce_csrf_checks=True).post(reverse("create_sandbox"), {"name": "ok", "nodes": "1"})
    assert response.status_code == 403
    assert not Sandbox.objects.exists()


def test_it_shows_a_sandbox_page_with_its_socket(client: Client, sandbox: Sandbox) -> None:
    response = client.get(reverse("sandbox", args=[sandbox.name]))
    assert response.status_code == 200
    assert page_data(response, "page-data") == {"name": "test", "socket": "/ws/sandboxes/test/"}
    assert page_data(response, "page-text")["open"] == "Live"
    assert b'<section id="connect"' in response.content
    assert b"python manage.py kubeconfig test" in response.content
    assert b'type="module"' in response.content


def test_it_404s_for_an_unknown_sandbox(client: Client) -> None:
    assert client.get("/sandboxes/nowhere/").status_code == 404


def test_it_speaks_korean_when_asked(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("index")).wsgi_request.LANGUAGE_CODE == "ko"


def test_it_hands_out_a_ready_kubeconfig_for_the_address_in_use(client: Client, sandbox: Sandbox) -> None:
    import yaml

    page = client.get(reverse("sandbox", args=[sandbox.name])).content.decode()
    assert "export KUBECONFIG=$PWD/kubelab-test.kubeconfig" in page

    response = client.get(reverse("sandbox-kubeconfig", args=[sandbox.name]), HTTP_HOST="lab.example:8080")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kubelab-test.kubeconfig"'
    config = yaml.safe_load(response.content)
    assert config["clusters"][0]["cluster"]["server"] == f"http://lab.example:8080/k8s/{sandbox.token}"
    assert config["current-context"] == "kubelab-test"


def test_it_refuses_a_kubeconfig_for_an_unknown_sandbox(client: Client, db: None) -> None:
    assert client.get(reverse("sandbox-kubeconfig", args=["nope"])).status_code == 404
