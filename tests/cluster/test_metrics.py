"""Resource metrics: an image's idle usage plus what its traffic costs, capped by limits; nodes add up."""

from cluster import metrics
from cluster.metrics import MI, Usage
from cluster.objects import copy
from tests.builders import T0, new_node, new_pod
from tests.cluster.traffic_builders import running_pod


def test_it_has_no_metrics_for_a_pod_that_is_not_running() -> None:
    assert metrics.pod_usage(new_pod("web", phase="Pending")) is None
    assert metrics.pod_metrics(new_pod("web", phase="Pending"), T0) is None


def test_it_shows_an_idle_nginx_at_its_baseline() -> None:
    usage = metrics.pod_usage(running_pod("web-a"))

    assert usage is not None
    assert 1 <= usage.cpu <= 2
    assert 3 * MI <= usage.memory <= 4 * MI


def test_it_charges_each_request_to_the_serving_pod() -> None:
    pod = running_pod("web-a")
    loaded = copy(pod)
    loaded["metadata"]["annotations"] = {"kubelab.io/rps": "75"}
    idle, busy = metrics.pod_usage(pod), metrics.pod_usage(loaded)  # the same pod: the same per-pod offset

    assert idle is not None and busy is not None
    assert busy.cpu - idle.cpu == 75 * 2  # 2 millicore-seconds per request
    assert busy.memory > idle.memory


def test_it_never_goes_past_the_limit() -> None:
    pod = running_pod("web-a", rps="500")
    pod["spec"]["containers"][0]["resources"]["limits"] = {"cpu": "200m", "memory": "4Mi"}

    assert metrics.pod_usage(pod) == Usage(200, 4 * MI)


def test_it_knows_images_by_name_whatever_the_registry_and_tag() -> None:
    assert metrics.baseline("docker.io/library/redis:7@sha256:abc") == metrics.BASELINES["redis"]
    assert metrics.baseline("example.com/team/unknown:1") == metrics.DEFAULT_BASELINE


def test_it_adds_the_system_share_to_a_node() -> None:
    pods = [running_pod("web-a"), running_pod("web-b", rps="50")]
    expected = metrics.SYSTEM
    for pod in pods:
        expected += metrics.pod_usage(pod) or Usage()

    node = metrics.node_metrics(new_node("node-1"), pods, T0)

    assert node["usage"] == {"cpu": f"{expected.cpu}m", "memory": f"{expected.memory // 1024}Ki"}
    assert (node["window"], node["timestamp"]) == ("15s", "2026-01-01T00:00:00Z")


def test_it_serves_pod_metrics_per_container_with_labels() -> None:
    body = metrics.pod_metrics(running_pod("web-a", labels={"app": "web"}), T0)

    assert body is not None
    assert body["kind"] == "PodMetrics" and body["metadata"]["labels"] == {"app": "web"}
    assert [c["name"] for c in body["containers"]] == ["app"]
    assert body["containers"][0]["usage"]["cpu"].endswith("m")
