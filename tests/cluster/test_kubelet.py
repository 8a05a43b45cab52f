"""The simulated kubelet, pure: objects and a clock in, actions out (no database).

`settle` stands in for the reconcile loop: it applies the kubelet's actions to the state
the way the store would, pass after pass, until the kubelet has nothing left to do.
"""

import itertools
from datetime import timedelta
from typing import Any

from cluster import kubelet
from cluster.actions import Action, Create, Emit, Remove, Update, WakeAt
from cluster.objects import Obj, Ref, condition, copy, name_of, rfc3339
from cluster.stages import heartbeat
from cluster.stages.node import KUBELET_VERSION
from cluster.state import ClusterState, event_key
from cluster.store import new_event
from tests.builders import T0, new_pod, stamp, state_of

_rv = itertools.count(10_000)


def bare_node(name: str = "node-1", **annotations: str) -> Obj:
    """A node as a sandbox creates it: no status, its size in annotations."""
    notes = {"kubelab.io/cpu": "4", "kubelab.io/memory": "8Gi", "kubelab.io/pods": "110", **annotations}
    return stamp({"apiVersion": "v1", "kind": "Node", "spec": {},
                  "metadata": {"name": name, "annotations": notes,
                               "labels": {"kubernetes.io/hostname": name, "kubernetes.io/arch": "amd64"}}})


def apply(state: ClusterState, action: Action) -> None:
    """What the store does with each action, minus the database."""
    if isinstance(action, Update):
        obj = copy(action.obj)
        obj["metadata"]["resourceVersion"] = str(next(_rv))
        state.put(obj)
    elif isinstance(action, Create):
        state.put(stamp(copy(action.obj), created=state.now))
    elif isinstance(action, Remove):
        state.drop(action.ref)
    elif isinstance(action, Emit):
        event = new_event(action, state.now)
        similar = state.similar_event(event_key(event))
        if similar is not None:  # repeats fold into a count, as the store does it
            state.put({**similar, "count": similar["count"] + 1, "lastTimestamp": rfc3339(state.now)})
            return
        event["metadata"]["name"] = f"{name_of(action.involved)}.{next(_rv):x}"
        state.put(stamp(event, created=state.now))


def changes(actions: list[Action]) -> list[Action]:
    return [a for a in actions if not isinstance(a, WakeAt)]


def settle(state: ClusterState, passes: int = 20) -> list[Action]:
    """Run the kubelet pass after pass until it only asks to be woken; return every change it made."""
    history: list[Action] = []
    for _ in range(passes):
        done = changes(kubelet.reconcile(state))
        if not done:
            return history
        for action in done:
            apply(state, action)
        history += done
    raise AssertionError("the kubelet never settled")


def registered(*names: str, now: Any = T0) -> ClusterState:
    state = state_of(*(bare_node(n) for n in names), now=now)
    settle(state)
    return state


def pod_in(state: ClusterState, name: str = "web", namespace: str = "default") -> Obj:
    pod = state.get("Pod", namespace, name)
    assert pod is not None
    return pod


def emitted(history: list[Action], kind: str = "Pod") -> list[tuple[str, str]]:
    return [(a.reason, a.message) for a in history if isinstance(a, Emit) and a.involved["kind"] == kind]


def later(state: ClusterState, seconds: float) -> None:
    state.now = state.now + timedelta(seconds=seconds)


# --- no-op first -----------------------------------------------------------------------------

def test_it_only_waits_for_the_next_heartbeat_once_everything_runs() -> None:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))
    settle(state)

    actions = kubelet.reconcile(state)

    assert actions == [WakeAt(T0 + timedelta(seconds=10))]


def test_it_does_nothing_without_nodes_or_pods() -> None:
    assert kubelet.reconcile(state_of()) == []


# --- nodes -----------------------------------------------------------------------------------

def test_it_registers_a_bare_node_with_capacity_info_and_addresses() -> None:
    state = registered("node-1")

    node = state.get("Node", "", "node-1")
    assert node is not None
    status = node["status"]
    assert status["capacity"] == {"cpu": "4", "ephemeral-storage": "104857600Ki", "hugepages-1Gi": "0",
                                  "hugepages-2Mi": "0", "memory": "8388608Ki", "pods": "110"}
    assert status["allocatable"]["memory"] == "8286208Ki"
    assert status["allocatable"]["cpu"] == "4" and status["allocatable"]["pods"] == "110"
    assert len(status["nodeInfo"]) == 10 and all(isinstance(v, str) for v in status["nodeInfo"].values())
    assert status["nodeInfo"]["kubeletVersion"] == KUBELET_VERSION
    assert status["addresses"] == [{"type": "InternalIP", "address": "10.0.0.1"},
                                   {"type": "Hostname", "address": "node-1"}]
    assert status["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 10250}}
    assert node["spec"]["podCIDR"] == "10.244.1.0/24" and node["spec"]["podCIDRs"] == ["10.244.1.0/24"]


def test_it_reports_the_node_ready_and_free_of_pressure() -> None:
    node = registered("node-1").get("Node", "", "node-1") or {}

    statuses = {c["type"]: (c["status"], c["reason"]) for c in node["status"]["conditions"]}
    assert statuses == {"MemoryPressure": ("False", "KubeletHasSufficientMemory"),
                        "DiskPressure": ("False", "KubeletHasNoDiskPressure"),
                        "PIDPressure": ("False", "KubeletHasSufficientPID"), "Ready": ("True", "KubeletReady")}
    ready = condition(node, "Ready") or {}
    assert ready["message"] == "kubelet is posting ready status"
    assert ready["lastHeartbeatTime"] == ready["lastTransitionTime"] == rfc3339(T0)


def test_it_announces_registration_as_a_real_node_does() -> None:
    history = settle(state_of(bare_node("node-1")))

    assert [reason for reason, _ in emitted(history, "Node")] == [
        "Starting", "NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID",
        "NodeAllocatableEnforced", "NodeReady", "RegisteredNode"]
    messages = dict(emitted(history, "Node"))
    assert messages["Starting"] == "Starting kubelet."
    assert messages["NodeReady"] == "Node node-1 status is now: NodeReady"
    assert messages["RegisteredNode"] == "Node node-1 event: Registered Node node-1 in Controller"


def test_it_gives_each_node_its_own_range_and_address() -> None:
    state = registered("node-a", "node-b")
    state.put(bare_node("node-c"))
    settle(state)

    cidrs = {name_of(n): n["spec"]["podCIDR"] for n in state.of_kind("Node")}
    assert cidrs == {"node-a": "10.244.1.0/24", "node-b": "10.244.2.0/24", "node-c": "10.244.3.0/24"}


def test_it_uses_default_sizes_for_unreadable_annotations() -> None:
    state = state_of(bare_node("node-1", **{"kubelab.io/cpu": "lots"}))
    settle(state)

    assert (state.get("Node", "", "node-1") or {})["status"]["capacity"]["cpu"] == "4"


def test_it_does_not_register_a_stopped_node() -> None:
    state = state_of(bare_node("node-1", **{"kubelab.io/state": "stopped"}))

    assert kubelet.reconcile(state) == []


def test_it_reports_ready_again_when_its_kubelet_comes_back() -> None:
    state = registered("node-1")
    node = copy(state.get("Node", "", "node-1") or {})
    node["status"]["conditions"][-1].update(status="Unknown", reason="NodeStatusUnknown")
    state.put(node)

    history = settle(state)

    assert (condition(state.get("Node", "", "node-1") or {}, "Ready") or {})["status"] == "True"
    assert emitted(history, "Node") == [("NodeReady", "Node node-1 status is now: NodeReady")]


# --- heartbeat ---------------------------------------------------------------------------------

def test_it_creates_the_node_lease() -> None:
    state = registered("node-1")

    lease = state.get("Lease", "kube-node-lease", "node-1", "coordination.k8s.io")
    assert lease is not None
    assert lease["spec"] == {"holderIdentity": "node-1", "leaseDurationSeconds": 40,
                             "renewTime": "2026-01-01T00:00:00.000000Z"}
    assert lease["metadata"]["ownerReferences"][0]["kind"] == "Node"


def test_it_renews_the_lease_every_ten_seconds_without_writing_the_node() -> None:
    state = registered("node-1")
    node_version = (state.get("Node", "", "node-1") or {})["metadata"]["resourceVersion"]

    later(state, 9)
    assert changes(kubelet.reconcile(state)) == []
    later(state, 1)
    history = settle(state)

    assert [type(a).__name__ + "/" + a.obj["kind"] for a in history if isinstance(a, Update)] == ["Update/Lease"]
    lease = state.get("Lease", "kube-node-lease", "node-1", "coordination.k8s.io") or {}
    assert lease["spec"]["renewTime"] == "2026-01-01T00:00:10.000000Z"
    assert (state.get("Node", "", "node-1") or {})["metadata"]["resourceVersion"] == node_version


def test_it_stops_heartbeating_when_the_node_is_stopped_or_crashed() -> None:
    for node_state in ("stopped", "crashed"):
        state = registered("node-1")
        node = copy(state.get("Node", "", "node-1") or {})
        node["metadata"]["annotations"]["kubelab.io/state"] = node_state
        state.put(node)
        later(state, 60)

        assert kubelet.reconcile(state) == []


def test_it_formats_lease_times_with_microseconds() -> None:
    assert heartbeat.micro_time(T0 + timedelta(seconds=1.5)) == "2026-01-01T00:00:01.500000Z"


# --- starting pods -----------------------------------------------------------------------------

def test_it_writes_each_step_of_a_pod_start_separately() -> None:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))

    history = settle(state)

    writes = [a.obj["status"] for a in history if isinstance(a, Update) and a.obj["kind"] == "Pod"]
    waiting = [[cs["state"] for cs in s.get("containerStatuses", [])] for s in writes]
    assert [s["phase"] for s in writes] == ["Pending", "Pending", "Running"]
    assert waiting[0] == [{"waiting": {"reason": "ContainerCreating"}}]
    assert "podIP" not in writes[0] and writes[1]["podIP"] == "10.244.1.2"


def test_it_starts_a_pod_with_every_status_field_kubectl_shows() -> None:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))
    settle(state)

    status = pod_in(state)["status"]
    assert status["phase"] == "Running"
    assert status["hostIP"] == "10.0.0.1" and status["hostIPs"] == [{"ip": "10.0.0.1"}]
    assert status["podIP"] == "10.244.1.2" and status["podIPs"] == [{"ip": "10.244.1.2"}]
    assert status["startTime"] == rfc3339(T0)
    assert [(c["type"], c["status"]) for c in status["conditions"]] == [
        ("PodReadyToStartContainers", "True"), ("Initialized", "True"), ("Ready", "True"),
        ("ContainersReady", "True"), ("PodScheduled", "True")]
    [app] = status["containerStatuses"]
    assert app["name"] == "app" and app["ready"] is True and app["started"] is True and app["restartCount"] == 0
    assert app["image"] == "docker.io/library/nginx:1.25"
    assert app["imageID"].startswith("docker.io/library/nginx@sha256:") and len(app["imageID"]) == 31 + 64
    assert app["containerID"].startswith("containerd://") and len(app["containerID"]) == 13 + 64
    assert app["state"] == {"running": {"startedAt": rfc3339(T0)}}


def test_it_reports_containers_waiting_while_creating() -> None:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))
    apply(state, changes(kubelet.reconcile(state))[0])

    status = pod_in(state)["status"]
    assert status["containerStatuses"] == [{"image": "nginx:1.25", "imageID": "", "lastState": {}, "name": "app",
                                            "ready": False, "restartCount": 0, "started": False,
                                            "state": {"waiting": {"reason": "ContainerCreating"}}}]
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "False", "ContainersNotReady", "containers with unready status: [app]")


def test_it_records_the_pod_events_in_kubernetes_words_and_order() -> None:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))

    events = emitted(settle(state))

    assert [reason for reason, _ in events] == ["Pulling", "Pulled", "Created", "Started"]
    assert events[0][1] == 'Pulling image "nginx:1.25"'
    assert events[1][1].startswith('Successfully pulled image "nginx:1.25" in ')
    assert events[1][1].endswith(" including waiting). Image size: 72080558 bytes.")
    assert events[2:] == [("Created", "Created container: app"), ("Started", "Started container app")]


def test_it_skips_the_pull_when_the_node_already_holds_the_image() -> None:
    state = registered("node-1")
    state.put(new_pod("first", node="node-1"))
    settle(state)
    state.put(new_pod("second", node="node-1"))

    events = [e for a in settle(state) if isinstance(a, Emit) and name_of(a.involved) == "second"
              for e in [(a.reason, a.message)]]

    assert events[0] == ("Pulled", 'Container image "nginx:1.25" already present on machine and can be '
                                   "accessed by the pod")
    assert [reason for reason, _ in events] == ["Pulled", "Created", "Started"]


def test_it_pulls_again_when_the_policy_is_always() -> None:
    state = registered("node-1")
    state.put(new_pod("first", node="node-1"))
    settle(state)
    pod = new_pod("second", node="node-1")
    pod["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    state.put(pod)

    reasons = [a.reason for a in settle(state) if isinstance(a, Emit) and name_of(a.involved) == "second"]

    assert reasons == ["Pulling", "Pulled", "Created", "Started"]


def test_it_lists_pulled_images_in_the_node_status() -> None:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))
    settle(state)

    images = (state.get("Node", "", "node-1") or {})["status"]["images"]
    assert [entry["names"][1] for entry in images] == ["docker.io/library/nginx:1.25"]
    assert images[0]["sizeBytes"] == 72080558


def test_it_gives_pods_started_together_distinct_lowest_free_ips() -> None:
    state = registered("node-1", "node-2")
    for name, node in (("a", "node-1"), ("b", "node-1"), ("c", "node-2")):
        state.put(new_pod(name, node=node))
    settle(state)

    ips = {name: pod_in(state, name)["status"]["podIP"] for name in "abc"}
    assert ips == {"a": "10.244.1.2", "b": "10.244.1.3", "c": "10.244.2.2"}


def test_it_reuses_the_ip_of_a_pod_that_finished() -> None:
    state = registered("node-1")
    done = new_pod("done", node="node-1", phase="Succeeded")
    done["status"]["podIP"] = "10.244.1.2"
    state.put(done)
    state.put(new_pod("web", node="node-1"))
    settle(state)

    assert pod_in(state)["status"]["podIP"] == "10.244.1.2"


def test_it_waits_for_the_node_to_register_before_starting_pods() -> None:
    state = state_of(bare_node("node-1"), new_pod("web", node="node-1"))

    actions = changes(kubelet.reconcile(state))

    assert [a.obj["kind"] for a in actions if isinstance(a, Update)] == ["Node"]


def test_it_leaves_unbound_pods_and_pods_on_stopped_nodes_alone() -> None:
    state = registered("node-1")
    node = copy(state.get("Node", "", "node-1") or {})
    node["metadata"]["annotations"]["kubelab.io/state"] = "stopped"
    state.put(node)
    state.put(new_pod("floating"))
    state.put(new_pod("stuck", node="node-1"))

    assert kubelet.reconcile(state) == []


# --- realistic timing ----------------------------------------------------------------------------

def test_it_takes_plausible_time_in_the_realistic_profile() -> None:
    state = registered("node-1")
    state.profile = "realistic"
    state.put(new_pod("web", node="node-1"))
    apply(state, changes(kubelet.reconcile(state))[0])  # accepted at once

    sandbox_due = min(a.at for a in kubelet.reconcile(state) if isinstance(a, WakeAt))
    assert T0 + timedelta(seconds=1) <= sandbox_due <= T0 + timedelta(seconds=1.5)
    state.now = sandbox_due
    settle(state)
    start_due = min(a.at for a in kubelet.reconcile(state) if isinstance(a, WakeAt))
    assert timedelta(seconds=2) <= start_due - sandbox_due <= timedelta(seconds=4)
    state.now = start_due
    settle(state)
    assert pod_in(state)["status"]["phase"] == "Running"


def test_it_registers_nodes_after_a_moment_in_the_realistic_profile() -> None:
    state = state_of(bare_node("node-1"), profile="realistic")

    [wake] = kubelet.reconcile(state)

    assert isinstance(wake, WakeAt) and T0 + timedelta(seconds=1) <= wake.at <= T0 + timedelta(seconds=2)


# --- stopping pods -------------------------------------------------------------------------------

def running_then_deleted(grace: int = 30, profile: str = "fast", finalizers: list[str] | None = None) -> ClusterState:
    state = registered("node-1")
    state.put(new_pod("web", node="node-1"))
    settle(state)
    pod = copy(pod_in(state))
    pod["metadata"].update(deletionTimestamp=rfc3339(state.now + timedelta(seconds=grace)),
                           deletionGracePeriodSeconds=grace, finalizers=finalizers or [])
    state.put(pod)
    state.profile = profile
    return state


def test_it_kills_stops_and_removes_a_deleted_pod() -> None:
    state = running_then_deleted()

    history = settle(state)

    assert emitted(history) == [("Killing", "Stopping container app")]
    [stopped] = [a.obj for a in history if isinstance(a, Update) and a.obj["kind"] == "Pod"]
    assert stopped["status"]["phase"] == "Succeeded"
    terminated = stopped["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (0, "Completed")
    assert isinstance(history[-1], Remove) and state.get("Pod", "default", "web") is None


def test_it_stops_containers_within_the_grace_period_in_the_realistic_profile() -> None:
    state = running_then_deleted(grace=1, profile="realistic")
    settle(state)  # Killing, then waiting for the containers to exit

    assert pod_in(state)["status"]["phase"] == "Running"
    due = min(a.at for a in kubelet.reconcile(state) if isinstance(a, WakeAt))
    assert due <= T0 + timedelta(seconds=1)
    state.now = due
    settle(state)
    assert state.get("Pod", "default", "web") is None


def test_it_keeps_a_stopped_pod_until_its_finalizers_are_gone() -> None:
    state = running_then_deleted(finalizers=["example.com/keep"])

    history = settle(state)

    assert not any(isinstance(a, Remove) for a in history)
    assert pod_in(state)["status"]["phase"] == "Succeeded"


def test_it_removes_at_once_a_pod_whose_node_is_gone() -> None:
    state = state_of(new_pod("web", node="node-9"))

    actions = kubelet.reconcile(state)

    assert [type(a) for a in actions] == [Remove]
    assert actions[0].ref == Ref.to(pod_in(state))  # type: ignore[union-attr]


def test_it_removes_a_deleted_pod_that_never_started() -> None:
    state = registered("node-1")
    pod = new_pod("web", node="node-1")
    pod["metadata"].update(deletionTimestamp=rfc3339(T0 + timedelta(seconds=30)), deletionGracePeriodSeconds=30)
    state.put(pod)

    history = settle(state)

    assert [type(a) for a in history] == [Remove]


def test_it_starts_every_container_of_a_pod_in_spec_order() -> None:
    state = registered("node-1")
    pod = new_pod("web", node="node-1")
    pod["spec"]["containers"] = [{"name": "web", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"},
                                 {"name": "cache", "image": "redis:7", "imagePullPolicy": "IfNotPresent"}]
    state.put(pod)

    events = emitted(settle(state))

    assert [reason for reason, _ in events] == ["Pulling", "Pulling", "Pulled", "Created", "Started",
                                                 "Pulled", "Created", "Started"]
    assert [m for r, m in events if r == "Created"] == ["Created container: web", "Created container: cache"]
    statuses = pod_in(state)["status"]["containerStatuses"]
    assert [cs["name"] for cs in statuses] == ["cache", "web"]  # kubelets sort them by name
    assert all(cs["ready"] for cs in statuses)


def test_it_gives_a_host_network_pod_its_node_address() -> None:
    state = registered("node-1")
    state.put(new_pod("agent", node="node-1", hostNetwork=True))
    state.put(new_pod("web", node="node-1"))
    settle(state)

    assert pod_in(state, "agent")["status"]["podIP"] == "10.0.0.1"
    assert pod_in(state, "web")["status"]["podIP"] == "10.244.1.2"


def test_it_hands_out_the_lowest_free_address_of_a_range() -> None:
    from cluster import ipam

    assert ipam.lowest_free("10.244.1.0/24", []) == "10.244.1.2"
    assert ipam.lowest_free("10.244.1.0/24", ["10.244.1.2", "10.244.1.4"]) == "10.244.1.3"
    assert ipam.lowest_free("10.244.1.0/30", ["10.244.1.2"]) is None
    assert ipam.lowest_free("not-a-range", []) is None
    assert (ipam.pod_cidr(3), ipam.node_ip(3), ipam.index_of("10.244.3.0/24")) == ("10.244.3.0/24", "10.0.0.3", 3)
    assert ipam.lowest_free_index([1, 2, 4]) == 3


def test_it_names_images_as_containerd_reports_them() -> None:
    from cluster.stages import images

    assert images.reference("nginx:1.25") == "docker.io/library/nginx:1.25"
    assert images.reference("nginx") == "docker.io/library/nginx:latest"
    assert images.reference("bitnami/redis:7") == "docker.io/bitnami/redis:7"
    assert images.reference("registry.k8s.io/pause:3.10") == "registry.k8s.io/pause:3.10"
    assert images.image_id("nginx@sha256:abc") == "docker.io/library/nginx@sha256:abc"
    assert [images.go_duration(s) for s in (0, 0.797, 1.2, 24.713, 62.5)] == ["0s", "797ms", "1.2s", "24.713s",
                                                                                "1m2.5s"]


def test_it_jitters_delays_deterministically_and_only_when_realistic() -> None:
    from cluster.stages.profiles import Delay, fraction

    pod = new_pod("web")
    delay = Delay(1.0, jitter=0.5)

    assert fraction("uid-1") == fraction("uid-1") != fraction("uid-2")
    assert delay.seconds_for(pod, "fast") == 0.0
    assert 1.0 <= delay.seconds_for(pod, "realistic") < 1.5
