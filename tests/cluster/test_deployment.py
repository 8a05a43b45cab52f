"""The deployment controller, pure: Deployments and ReplicaSets in, actions out."""

from datetime import timedelta

from cluster.actions import Create, Delete, Emit, Update, WakeAt
from cluster.controllers import deployment as controller
from cluster.controllers.deployment import hashing, revisions
from cluster.objects import Ref, annotations_of, condition, copy, name_of, rfc3339
from tests.builders import T0, new_pod, state_of
from tests.cluster.deployment_builders import (
    apply,
    converge,
    events,
    new_deployment,
    pods_become_available,
    replica_sets,
    rolling,
    the,
    with_image,
)


def settled(deployment: dict) -> tuple:
    state = state_of(deployment)
    converge(state)
    return state, the(state, "Deployment", name_of(deployment))


def test_it_does_nothing_for_a_deployment_that_is_rolled_out() -> None:
    state, _ = settled(new_deployment())

    assert controller.reconcile(state) == []


def test_it_creates_the_first_replicaset_named_by_the_template_hash() -> None:
    deployment = new_deployment(replicas=3, annotations={revisions.CHANGE_CAUSE: "first",
                                                         revisions.LAST_APPLIED: "{}"})

    actions = controller.reconcile(state_of(deployment))

    [create] = [a for a in actions if isinstance(a, Create)]
    rs = create.obj
    pod_hash = hashing.compute_hash(deployment["spec"]["template"])
    assert name_of(rs) == f"web-{pod_hash}" and rs["spec"]["replicas"] == 3
    assert rs["metadata"]["labels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": pod_hash}}
    assert rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] == pod_hash
    assert rs["metadata"]["ownerReferences"][0]["uid"] == deployment["metadata"]["uid"]
    assert annotations_of(rs) == {revisions.REVISION: "1", revisions.DESIRED_REPLICAS: "3",
                                  revisions.MAX_REPLICAS: "4", revisions.CHANGE_CAUSE: "first"}
    assert events(actions) == [f"Scaled up replica set web-{pod_hash} from 0 to 3"]
    [update] = [a for a in actions if isinstance(a, Update)]
    assert annotations_of(update.obj)[revisions.REVISION] == "1"
    progressing = condition(update.obj, "Progressing") or {}
    assert (progressing["reason"], progressing["message"]) == ("NewReplicaSetCreated",
                                                               f'Created new replica set "web-{pod_hash}"')


def test_it_reports_status_and_conditions_once_rolled_out() -> None:
    _, deployment = settled(new_deployment(replicas=2))

    status = deployment["status"]
    assert {k: status[k] for k in ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas",
                                   "availableReplicas")} == {"observedGeneration": 1, "replicas": 2,
                                                             "updatedReplicas": 2, "readyReplicas": 2,
                                                             "availableReplicas": 2}
    assert "unavailableReplicas" not in status  # omitted when zero, as the API does
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == [
        ("Available", "True", "MinimumReplicasAvailable"), ("Progressing", "True", "NewReplicaSetAvailable")]


def test_it_says_unavailable_while_pods_are_missing() -> None:
    state = state_of(new_deployment(replicas=4, strategy=rolling(1, 1)))
    apply(state, controller.reconcile(state))
    pods_become_available(state, available=False)
    apply(state, controller.reconcile(state))

    status = the(state, "Deployment", "web")["status"]
    assert status["unavailableReplicas"] == 4
    assert (condition(the(state, "Deployment", "web"), "Available") or {})["reason"] == "MinimumReplicasUnavailable"


def test_it_rolls_three_replicas_one_pod_at_a_time_with_surge_1_and_unavailable_0() -> None:
    state, deployment = settled(new_deployment(replicas=3, strategy=rolling(1, 0)))
    state.put(with_image(deployment, "nginx:1.26"))
    sizes = [(3, 0)]
    for _ in range(20):
        actions = [a for a in controller.reconcile(state) if not isinstance(a, WakeAt)]
        apply(state, actions)
        current = tuple(rs["spec"]["replicas"] for rs in replica_sets(state))
        if len(current) == 2 and current != sizes[-1]:
            sizes.append(current)  # type: ignore[arg-type]
        if not actions:
            break
        pods_become_available(state)  # the next step only once the new pod is available

    assert sizes == [(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]


def test_it_does_not_scale_old_pods_down_before_the_new_one_is_available() -> None:
    state, deployment = settled(new_deployment(replicas=3, strategy=rolling(1, 0)))
    state.put(with_image(deployment, "nginx:1.26"))
    apply(state, controller.reconcile(state))
    pods_become_available(state, available=False)

    actions = controller.reconcile(state)

    assert [rs["spec"]["replicas"] for rs in replica_sets(state)] == [3, 1]
    assert not any(isinstance(a, Update) and a.obj["kind"] == "ReplicaSet" for a in actions)


def test_it_rounds_a_percentage_surge_up_and_unavailability_down() -> None:
    state, deployment = settled(new_deployment(replicas=10, strategy=rolling("25%", "25%")))
    state.put(with_image(deployment, "nginx:1.26"))

    apply(state, controller.reconcile(state))

    # 25% of 10: a surge of 3 (2.5 rounded up) and 2 unavailable (2.5 rounded down), in the same sync.
    assert [rs["spec"]["replicas"] for rs in replica_sets(state)] == [8, 3]
    pods_become_available(state, available=False)
    apply(state, controller.reconcile(state))
    assert [rs["spec"]["replicas"] for rs in replica_sets(state)] == [8, 5]  # 13 pods at most
    apply(state, controller.reconcile(state))
    assert [rs["spec"]["replicas"] for rs in replica_sets(state)] == [8, 5]  # 8 available at least


def test_it_recreates_by_stopping_every_old_pod_first() -> None:
    state, deployment = settled(new_deployment(replicas=3, strategy={"type": "Recreate"}))
    state.put(with_image(deployment, "nginx:1.26"))

    first = controller.reconcile(state)
    apply(state, first)
    [old] = replica_sets(state)
    pods_become_available(state)  # the ReplicaSet controller has caught up: no active pod left...
    stopping = new_pod("web-old", labels={"app": "web"}, owner=old, phase="Running")
    stopping["metadata"]["deletionTimestamp"] = rfc3339(T0)  # ...but one is still terminating
    state.put(stopping)
    waiting = controller.reconcile(state)
    state.drop(Ref.to(stopping))
    last = controller.reconcile(state)

    assert not any(isinstance(a, Create) for a in first) and old["spec"]["replicas"] == 0
    assert events(first) == [f"Scaled down replica set {name_of(old)} from 3 to 0"]
    assert not any(isinstance(a, Create) for a in waiting)
    [create] = [a for a in last if isinstance(a, Create)]
    assert create.obj["spec"]["replicas"] == 3
    assert events(last) == [f"Scaled up replica set {name_of(create.obj)} from 0 to 3"]


def test_it_reuses_the_old_replicaset_when_rolled_back_as_kubectl_sends_it() -> None:
    state, deployment = settled(new_deployment(replicas=2))
    state.put(with_image(deployment, "nginx:1.26"))
    converge(state)
    first, second = replica_sets(state)
    undone = copy(the(state, "Deployment", "web"))
    template = copy(first["spec"]["template"])  # what `rollout undo` patches in
    del template["metadata"]["labels"]["pod-template-hash"]
    template["metadata"]["creationTimestamp"] = None
    template["spec"]["containers"][0]["resources"] = {}
    undone["spec"]["template"] = template
    state.put(undone)

    actions = converge(state)

    assert not any(isinstance(a, Create) for a in actions)
    reused = the(state, "ReplicaSet", name_of(first))
    assert annotations_of(reused)[revisions.REVISION] == "3"
    assert annotations_of(reused)[revisions.REVISION_HISTORY] == "1"
    assert reused["spec"]["replicas"] == 2 and the(state, "ReplicaSet", name_of(second))["spec"]["replicas"] == 0
    assert annotations_of(the(state, "Deployment", "web"))[revisions.REVISION] == "3"


def test_it_scales_without_a_rollout_when_only_replicas_change() -> None:
    state, deployment = settled(new_deployment(replicas=3))
    scaled = copy(deployment)
    scaled["spec"]["replicas"] = 5

    state.put(scaled)
    actions = controller.reconcile(state)

    [rs] = replica_sets(state)
    assert not any(isinstance(a, Create) for a in actions)
    assert events(actions) == [f"Scaled up replica set {name_of(rs)} from 3 to 5"]


def test_it_does_not_roll_out_while_paused_but_still_scales() -> None:
    state, deployment = settled(new_deployment(replicas=3))
    paused = with_image(deployment, "nginx:1.26")
    paused["spec"].update(paused=True, replicas=4)
    state.put(paused)

    actions = controller.reconcile(state)
    apply(state, actions)

    assert not any(isinstance(a, Create) for a in actions)
    assert [rs["spec"]["replicas"] for rs in replica_sets(state)] == [4]
    progressing = condition(the(state, "Deployment", "web"), "Progressing") or {}
    assert (progressing["status"], progressing["reason"]) == ("Unknown", "DeploymentPaused")


def test_it_rolls_out_once_resumed() -> None:
    state, deployment = settled(new_deployment(replicas=2))
    paused = with_image(deployment, "nginx:1.26")
    paused["spec"]["paused"] = True
    state.put(paused)
    converge(state)
    resumed = copy(the(state, "Deployment", "web"))
    resumed["spec"]["paused"] = False
    state.put(resumed)

    actions = controller.reconcile(state)

    assert any(isinstance(a, Create) for a in actions)
    [update] = [a for a in actions if isinstance(a, Update) and a.obj["kind"] == "Deployment"]
    reasons = [c["reason"] for c in update.obj["status"]["conditions"]]
    assert "NewReplicaSetCreated" in reasons


def test_it_declares_the_progress_deadline_exceeded_on_the_sandbox_clock() -> None:
    state = state_of(new_deployment(replicas=2, progressDeadlineSeconds=60))
    apply(state, controller.reconcile(state))
    pods_become_available(state, available=False)

    waiting = controller.reconcile(state)
    apply(state, waiting)
    assert WakeAt(T0 + timedelta(seconds=61)) in waiting
    state.now = T0 + timedelta(seconds=61)
    apply(state, controller.reconcile(state))

    progressing = condition(the(state, "Deployment", "web"), "Progressing") or {}
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert progressing["message"].endswith("has timed out progressing.")
    assert progressing["lastTransitionTime"] == rfc3339(state.now)


def test_it_keeps_only_revision_history_limit_old_replicasets() -> None:
    state, deployment = settled(new_deployment(replicas=1, revisionHistoryLimit=1))
    for image in ("nginx:1.26", "nginx:1.27", "nginx:1.28"):
        state.put(with_image(the(state, "Deployment", "web"), image))
        actions = converge(state)

    deleted = [a.ref.name for a in actions if isinstance(a, Delete)]
    assert len(deleted) == 1
    assert sorted(annotations_of(rs)[revisions.REVISION] for rs in replica_sets(state)) == ["3", "4"]


def test_it_counts_a_collision_when_its_replicaset_name_is_taken() -> None:
    deployment = new_deployment(replicas=1)
    squatter = new_deployment(name="web", image="httpd")  # another template under the same name
    taken = controller.replicasets.new_replica_set(deployment)
    taken["spec"]["template"] = squatter["spec"]["template"]
    taken["metadata"].update(uid="other", resourceVersion="1", creationTimestamp=rfc3339(T0), ownerReferences=[])
    taken["metadata"]["labels"] = {"app": "other"}

    actions = controller.reconcile(state_of(deployment, taken))

    assert not any(isinstance(a, Create) for a in actions)
    [update] = [a for a in actions if isinstance(a, Update)]
    assert update.obj["status"]["collisionCount"] == 1
    assert hashing.compute_hash(deployment["spec"]["template"], 1) != hashing.compute_hash(
        deployment["spec"]["template"])


def test_it_names_each_scaling_in_the_activity_feed() -> None:
    state, deployment = settled(new_deployment(replicas=3, strategy=rolling(1, 0)))
    state.put(with_image(deployment, "nginx:1.26"))
    apply(state, controller.reconcile(state))
    pods_become_available(state)

    actions = controller.reconcile(state)

    stories = [a.narration for a in actions if isinstance(a, Update) and a.narration]
    assert stories and stories[0].startswith("Deployment web: rolling update")
    assert "maxSurge 1" in stories[0] and "scaling web-" in stories[0]
    assert all(e.component == "deployment-controller" for e in actions if isinstance(e, Emit))
