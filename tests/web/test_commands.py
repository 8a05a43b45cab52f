"""The management commands: `sandbox create|list|delete` and `kubeconfig`."""

import json
from io import StringIO
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from cluster.models import KubeObject, Sandbox

PUBLIC = "http://kubelab.example:8080"


@pytest.fixture(autouse=True)
def public_url(settings: Any) -> None:
    settings.KUBELAB_PUBLIC_URL = PUBLIC


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_creates_a_sandbox_with_its_nodes(db: None) -> None:
    output = run("sandbox", "create", "class-1", "--nodes", "2", "--profile", "fast")

    sandbox = Sandbox.objects.get(name="class-1")
    assert sandbox.profile == "fast"
    assert KubeObject.objects.filter(sandbox=sandbox, kind="Node").count() == 2
    assert output.splitlines()[0] == "sandbox/class-1 created"


def test_it_prints_the_addresses_as_json(db: None) -> None:
    printed = json.loads(run("sandbox", "create", "demo", "--json"))

    token = Sandbox.objects.get(name="demo").token
    assert printed["name"] == "demo"
    assert printed["api_url"] == f"{PUBLIC}/k8s/{token}"
    assert printed["diagram_url"] == f"{PUBLIC}/sandboxes/demo/"


def test_it_refuses_a_name_that_is_taken(db: None) -> None:
    run("sandbox", "create", "demo")

    with pytest.raises(CommandError, match='sandboxes "demo" already exists'):
        run("sandbox", "create", "demo")


def test_it_keeps_an_existing_sandbox_when_told_it_may_exist(db: None) -> None:
    run("sandbox", "create", "demo")
    token = Sandbox.objects.get(name="demo").token

    output = run("sandbox", "create", "demo", "--exist-ok")

    assert Sandbox.objects.get(name="demo").token == token
    assert output.splitlines()[0] == "sandbox/demo unchanged"


def test_it_rejects_a_name_that_is_not_a_dns_label(db: None) -> None:
    with pytest.raises(CommandError, match='Sandbox "Bad_Name" is invalid: name: Invalid value'):
        run("sandbox", "create", "Bad_Name")

    assert not Sandbox.objects.exists()


def test_it_rejects_a_negative_node_count(db: None) -> None:
    with pytest.raises(CommandError, match="--nodes must be between 0 and 100"):
        run("sandbox", "create", "demo", "--nodes", "-1")


def test_it_says_when_there_are_no_sandboxes(db: None) -> None:
    assert run("sandbox", "list").strip() == "No sandboxes found."


def test_it_lists_sandboxes_with_their_nodes_and_objects(db: None) -> None:
    run("sandbox", "create", "beta", "--nodes", "1")
    run("sandbox", "create", "alpha", "--nodes", "2")

    header, *rows = [line.split() for line in run("sandbox", "list").splitlines()]

    objects = KubeObject.objects.filter(sandbox__name="alpha").count()
    assert header == ["NAME", "NODES", "OBJECTS", "AGE", "URL"]
    assert [row[0] for row in rows] == ["alpha", "beta"]
    assert rows[0][1:3] == ["2", str(objects)]
    assert rows[0][4] == f"{PUBLIC}/sandboxes/alpha/"


def test_it_deletes_a_sandbox_and_its_objects(db: None) -> None:
    run("sandbox", "create", "demo")

    output = run("sandbox", "delete", "demo")

    assert output.strip() == 'sandbox "demo" deleted'
    assert not Sandbox.objects.exists()
    assert not KubeObject.objects.exists()


def test_it_reports_deleting_an_unknown_sandbox(db: None) -> None:
    with pytest.raises(CommandError, match='sandboxes "nope" not found'):
        run("sandbox", "delete", "nope")


def test_it_prints_a_kubeconfig_with_the_token_in_the_server_path(db: None) -> None:
    run("sandbox", "create", "demo")
    token = Sandbox.objects.get(name="demo").token

    config = yaml.safe_load(run("kubeconfig", "demo"))

    assert config["current-context"] == "kubelab-demo"
    assert config["clusters"] == [{"name": "kubelab-demo", "cluster": {"server": f"{PUBLIC}/k8s/{token}"}}]
    assert config["users"] == [{"name": "kubelab-demo", "user": {"token": token}}]
    assert config["contexts"] == [{"name": "kubelab-demo", "context": {
        "cluster": "kubelab-demo", "user": "kubelab-demo", "namespace": "default"}}]


def test_it_points_the_kubeconfig_at_the_server_given(db: None) -> None:
    run("sandbox", "create", "demo")
    token = Sandbox.objects.get(name="demo").token

    config = yaml.safe_load(run("kubeconfig", "demo", "--server", "http://10.0.0.5:8000/"))

    assert config["clusters"][0]["cluster"]["server"] == f"http://10.0.0.5:8000/k8s/{token}"


def test_it_rejects_a_server_that_is_not_http(db: None) -> None:
    run("sandbox", "create", "demo")

    with pytest.raises(CommandError, match="--server must be an http:// or https:// URL"):
        run("kubeconfig", "demo", "--server", "ftp://host")


def test_it_reports_a_kubeconfig_for_an_unknown_sandbox(db: None) -> None:
    with pytest.raises(CommandError, match='sandboxes "nope" not found'):
        run("kubeconfig", "nope")
