"""The web console: kubectl command lines run against a sandbox, printed as kubectl prints them."""

import pytest

from cluster import clock, kinds, reconcile, store
from cluster.models import Sandbox
from web.console import commands
from web.console.commandline import UsageError, parse
from web.console.printing import tabwrite

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "nginx:1.25"}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
"""


def replica_set(replicas: int) -> str:
    """A ReplicaSet (its controller exists from the start, unlike the Deployment's)."""
    return f"""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: app, image: "nginx:1.25", resources: {{requests: {{cpu: 100m}}}}}}]}}
"""


def run(sandbox: Sandbox, line: str, stdin: str = "") -> commands.Output:
    return commands.run(sandbox, line, stdin)


def settle(sandbox: Sandbox, seconds: float = 30) -> None:
    reconcile.run(sandbox.pk)
    clock.advance(sandbox, seconds)
    reconcile.run(sandbox.pk)


def test_it_does_nothing_for_an_empty_line(sandbox: Sandbox) -> None:
    result = run(sandbox, "   ")

    assert (result.text, result.code) == ("", 0)


def test_it_reads_flags_as_cobra_does() -> None:
    line = parse("kubectl get pods -n dev -owide --selector=app=web -A")

    assert line.words == ["get", "pods"]
    assert (line.flag("namespace"), line.flag("output"), line.flag("selector")) == ("dev", "wide", "app=web")
    assert line.has("all-namespaces")
    assert parse("logs web -f").has("follow")
    with pytest.raises(UsageError, match="unknown flag: --frobnicate"):
        parse("get pods --frobnicate")


def test_it_aligns_columns_as_go_tabwriter_does() -> None:
    assert tabwrite("NAME\tAGE\nweb\t5s") == "NAME   AGE\nweb    5s"
    assert tabwrite("A\tB\nlonger-name\tx") == "A             B\nlonger-name   x"


def test_it_lists_namespaces_as_kubectl_does(sandbox: Sandbox) -> None:
    result = run(sandbox, "get ns")

    lines = result.text.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "AGE"]
    assert lines[0].startswith("NAME              STATUS   AGE")
    assert [line.split()[0] for line in lines[1:]] == ["default", "kube-node-lease", "kube-public", "kube-system"]


def test_it_says_when_nothing_is_found(sandbox: Sandbox) -> None:
    result = run(sandbox, "get pods")

    assert result.text == "No resources found in default namespace.\n"
    assert result.code == 0


def test_it_prints_kubectls_errors(sandbox: Sandbox) -> None:
    assert run(sandbox, "get pods ghost").text == 'Error from server (NotFound): pods "ghost" not found\n'
    assert run(sandbox, "get frobs").text == 'error: the server doesn\'t have a resource type "frobs"\n'
    assert run(sandbox, "fly away").code == 1


def test_it_applies_several_documents_and_reports_each(sandbox: Sandbox) -> None:
    first = run(sandbox, "apply -f -", DEPLOYMENT)
    again = run(sandbox, "apply -f -", DEPLOYMENT)
    changed = run(sandbox, "apply -f -", DEPLOYMENT.replace("replicas: 2", "replicas: 3"))

    assert first.text == "deployment.apps/web created\nconfigmap/settings created\n"
    assert again.text == "deployment.apps/web unchanged\nconfigmap/settings unchanged\n"
    assert changed.text.splitlines()[0] == "deployment.apps/web configured"


def test_it_reports_invalid_objects_as_the_api_does(sandbox: Sandbox) -> None:
    result = run(sandbox, "apply -f -", "apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\n"
                                        "spec: {containers: [{name: a, image: nginx}]}\n")

    assert result.text.startswith('Error from server (Invalid): Pod "Bad_Name" is invalid')
    assert result.code == 1


def test_it_gets_pods_with_labels_and_selectors(sandbox: Sandbox) -> None:
    run(sandbox, "apply -f -", replica_set(2))
    settle(sandbox)

    table = run(sandbox, "get pods -l app=web --show-labels").text.splitlines()

    assert table[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"]
    assert len(table) == 3
    assert all("app=web" in line for line in table[1:])
    assert run(sandbox, "get pods -l app=other").text.startswith("No resources found")


def test_it_prints_all_namespaces_and_names(sandbox: Sandbox) -> None:
    run(sandbox, "create namespace dev")

    everything = run(sandbox, "get sa -A").text.splitlines()
    names = run(sandbox, "get ns -o name").text.splitlines()

    assert everything[0].split() == ["NAMESPACE", "NAME", "SECRETS", "AGE"]
    assert "namespace/dev" in names


def test_it_prints_yaml_and_json(sandbox: Sandbox) -> None:
    yaml_text = run(sandbox, "get ns default -o yaml").text
    json_text = run(sandbox, "get ns -o json").text

    assert yaml_text.startswith("apiVersion: v1\nkind: Namespace\n")
    assert '"kind": "List"' in json_text


def test_it_scales_labels_and_sets_images(sandbox: Sandbox) -> None:
    run(sandbox, "create deployment web --image=nginx:1.25")

    assert run(sandbox, "scale deploy/web --replicas=3").text == "deployment.apps/web scaled\n"
    assert run(sandbox, "label deploy web tier=front").text == "deployment.apps/web labeled\n"
    assert run(sandbox, "label deploy web tier=back").text.startswith("error: 'tier' already has a value (front)")
    assert run(sandbox, "set image deploy/web nginx=nginx:1.26").text == "deployment.apps/web image updated\n"
    deploy = store.get(sandbox, kinds.by_kind("apps", "Deployment"), "default", "web")  # type: ignore[arg-type]
    assert deploy["spec"]["replicas"] == 3
    assert deploy["metadata"]["labels"]["tier"] == "front"
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"


def test_it_exposes_a_deployment(sandbox: Sandbox) -> None:
    run(sandbox, "create deployment web --image=nginx:1.25 --port=8080")

    exposed = run(sandbox, "expose deploy web --port=80")
    service = run(sandbox, "get svc web").text.splitlines()

    assert exposed.text == "service/web exposed\n"
    assert service[1].split()[:2] == ["web", "ClusterIP"] and service[1].split()[4] == "80/TCP"


def test_it_cordons_and_drains_a_node(sandbox: Sandbox) -> None:
    run(sandbox, "apply -f -", replica_set(3))
    settle(sandbox)

    assert run(sandbox, "cordon node-1").text == "node/node-1 cordoned\n"
    assert run(sandbox, "cordon node-1").text == "node/node-1 already cordoned\n"
    drained = run(sandbox, "drain node-2 --ignore-daemonsets").text.splitlines()

    assert drained[0] == "node/node-2 cordoned" and drained[-1] == "node/node-2 drained"
    assert "SchedulingDisabled" in run(sandbox, "get nodes").text


def test_it_describes_a_pod_with_its_events(sandbox: Sandbox) -> None:
    run(sandbox, "apply -f -", replica_set(1))
    settle(sandbox)
    pod = run(sandbox, "get pods -o name").text.split()[0]

    described = run(sandbox, f"describe {pod}").text

    assert described.startswith("Name:             web-")
    assert "\nNamespace:        default\n" in described
    assert "    Image:          nginx:1.25" in described
    assert "Scheduled" in described and "default-scheduler" in described


def test_it_describes_a_node_and_a_service(sandbox: Sandbox) -> None:
    node = run(sandbox, "describe node node-1").text
    service = run(sandbox, "describe svc kubernetes").text

    assert node.startswith("Name:               node-1\n")
    assert "Non-terminated Pods:" in node
    assert "Type:                     ClusterIP" in service


def test_it_reads_the_logs_of_a_workload_through_one_of_its_pods(sandbox: Sandbox) -> None:
    run(sandbox, "apply -f -", replica_set(2))
    settle(sandbox)

    output = run(sandbox, "logs rs/web")

    assert output.stderr[0].startswith("Found 2 pods, using pod/web-")
    assert "start worker processes" in "".join(output.stdout)  # nginx's start-up lines


def test_it_refuses_logs_of_an_object_without_pods(sandbox: Sandbox) -> None:
    run(sandbox, "apply -f -", DEPLOYMENT)
    output = run(sandbox, "logs cm/settings")
    assert output.code != 0 and "cannot get the logs" in output.text
