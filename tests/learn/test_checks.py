"""Every check type, on built states: it passes when it should, and a failure says why, in both languages."""

from typing import Any

from cluster.objects import Obj, owner_reference
from tests.builders import new_namespace, new_node, new_pod, new_replicaset, stamp, state_of
from tests.cluster.deployment_builders import new_deployment
from tests.cluster.services import new_service, ready_pod
from web.learn.checks import Facts, Verdict, run, step_verdict


def judge(check: dict[str, Any], *objects: Obj, **facts: Any) -> Verdict:
    return run(Facts(state_of(*objects), **facts), check)


def says(verdict: Verdict, en: str, ko: str) -> None:
    assert en in verdict.explanation["en"], verdict.explanation["en"]
    assert ko in verdict.explanation["ko"], verdict.explanation["ko"]


def slice_for(service: str, *ips: str) -> Obj:
    return stamp({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                  "metadata": {"name": f"{service}-abcde", "namespace": "default",
                               "labels": {"kubernetes.io/service-name": service}},
                  "endpoints": [{"addresses": [ip], "conditions": {"ready": True}} for ip in ips]})


# --- exists, count, field -------------------------------------------------------------------

def test_it_finds_an_object_by_name_and_points_at_the_wrong_namespace() -> None:
    assert judge({"exists": {"kind": "Pod", "name": "web"}}, new_pod("web")).passed
    wrong = judge({"exists": {"kind": "Pod", "name": "web"}}, new_pod("web", namespace="dev"))
    assert not wrong.passed
    says(wrong, "in namespace `dev`, not `default`", "`default`가 아니라 `dev`에 있어요")


def test_it_names_the_kind_written_instead() -> None:
    wrong = judge({"exists": {"kind": "DaemonSet", "name": "web"}}, new_deployment("web"))
    says(wrong, "but there is a Deployment `web`", "디플로이먼트 `web`이 있어요")


def test_it_counts_pods_by_label_and_phase_and_says_why_some_are_pending() -> None:
    check = {"count": {"kind": "Pod", "labels": {"app": "web"}, "phase": "Running", "min": 2}}
    assert judge(check, ready_pod("a", "10.0.0.1"), ready_pod("b", "10.0.0.2")).passed
    pending = new_pod("b", labels={"app": "web"})
    pending["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
         "message": "0/3 nodes are available: 3 Insufficient cpu."}]}
    wrong = judge(check, ready_pod("a", "10.0.0.1"), pending)
    says(wrong, "1 Pods labelled app=web (Running) in `default`; 2 needed", "2개가 필요해요")
    says(wrong, "cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu.", "스케줄할 수 없어요")


def test_it_refuses_too_many() -> None:
    check = {"count": {"kind": "Pod", "labels": {"app": "web"}, "max": 1}}
    says(judge(check, ready_pod("a", "10.0.0.1"), ready_pod("b", "10.0.0.2")), "at most 1 expected", "최대 1개")


def test_it_reads_a_field_and_shows_the_keys_beside_a_missing_one() -> None:
    pod = new_pod("web", labels={"environment": "dev"})
    assert judge({"field": {"kind": "Pod", "name": "web", "path": "metadata.labels.environment", "equals": "dev"}},
                 pod).passed
    wrong = judge({"field": {"kind": "Pod", "name": "web", "path": "metadata.labels.env", "equals": "dev"}}, pod)
    says(wrong, "`metadata.labels` has `environment`, but no `env`", "`metadata.labels`에는 `environment`만 있고")


def test_it_compares_a_field_with_a_list_index() -> None:
    check = {"field": {"kind": "Deployment", "name": "web", "path": "spec.template.spec.containers[0].image",
                       "equals": "nginx:1.26"}}
    says(judge(check, new_deployment("web")), "is `nginx:1.25`; this step wants `nginx:1.26`", "`nginx:1.26`")


# --- workloads ----------------------------------------------------------------------------------

def rolled_out(deployment: Obj, n: int) -> Obj:
    deployment["status"] = {"observedGeneration": 1, "replicas": n, "updatedReplicas": n, "availableReplicas": n}
    return deployment


def test_it_knows_a_rolled_out_deployment_and_a_wrong_replica_count() -> None:
    assert judge({"deployment": {"name": "web", "available": 3}}, rolled_out(new_deployment("web"), 3)).passed
    says(judge({"deployment": {"name": "web", "available": 3}}, rolled_out(new_deployment("web", replicas=2), 2)),
         "asks for 2 replicas (`spec.replicas`); this step needs 3", "레플리카 수(`spec.replicas`)가 2개예요")
    says(judge({"deployment": {"name": "web", "image": "nginx:1.26"}}, rolled_out(new_deployment("web"), 3)),
         "runs `nginx:1.25`; this step wants `nginx:1.26`", "`nginx:1.25`")


def test_it_explains_why_a_rollout_is_stuck() -> None:
    deployment = new_deployment("web", replicas=1)
    deployment["status"] = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 0}
    rs = new_replicaset("web-abc", replicas=1, labels={"app": "web"})
    rs["metadata"]["ownerReferences"] = [owner_reference(deployment)]
    pod = new_pod("web-abc-x", labels={"app": "web"}, node="node-1", owner=rs, image="nginx:1.2x")
    pod["status"] = {"phase": "Pending", "containerStatuses": [
        {"name": "nginx", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}
    says(judge({"deployment": {"name": "web", "available": 1}}, deployment, rs, pod),
         "cannot pull its image `nginx:1.2x` (ImagePullBackOff)", "이미지 `nginx:1.2x`를 받지 못해요")


def test_it_counts_replicasets_and_revisions() -> None:
    deployment = new_deployment("web")
    sets = []
    for revision in (1, 2):
        rs = new_replicaset(f"web-{revision}")
        rs["metadata"]["ownerReferences"] = [owner_reference(deployment)]
        rs["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": str(revision)}
        sets.append(rs)
    assert judge({"replicaset": {"owner": "web", "count": 2}}, deployment, *sets).passed
    says(judge({"replicaset": {"owner": "web", "revisions_at_least": 3}}, deployment, *sets),
         "changing `replicas` makes no new revision", "`replicas`만 바꾸면 새 리비전이 생기지 않아요")


def test_it_knows_statefulset_order_and_daemonset_coverage() -> None:
    sts = stamp({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
                 "spec": {"replicas": 3}, "status": {"readyReplicas": 1}})
    says(judge({"statefulset": {"name": "db", "ready": 3}}, sts), "`db-1` waits until `db-0` is Ready", "순서대로")
    ds = stamp({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
                "spec": {}, "status": {"numberReady": 2, "desiredNumberScheduled": 2}})
    nodes = [new_node(f"node-{i}") for i in (1, 2, 3)]
    says(judge({"daemonset": {"name": "agent", "ready_equals_nodes": True}}, ds, *nodes),
         "a node with a taint its pods do not tolerate", "테인트")
    assert judge({"daemonset": {"name": "agent", "ready_equals_nodes": True}}, ds, *nodes[:2]).passed


# --- services and DNS ---------------------------------------------------------------------------

def test_it_compares_a_services_selector_with_the_pods_labels() -> None:
    pods = [ready_pod("web-1", "10.244.1.5", labels={"app": "web"}), ready_pod("web-2", "10.244.1.6",
                                                                               labels={"app": "web"})]
    check = {"service": {"name": "web", "endpoints_at_least": 2}}
    assert judge(check, new_service("web"), *pods, slice_for("web", "10.244.1.5", "10.244.1.6")).passed
    wrong = judge(check, new_service("web", selector={"app": "frontend"}), *pods, slice_for("web"))
    says(wrong, "Service `web` selects `app=frontend`, but your pods are labelled `app=web`",
         "서비스 `web`의 셀렉터는 `app=frontend`인데, 파드의 레이블은 `app=web`이에요")


def test_it_says_when_selected_pods_are_not_ready_or_the_type_differs() -> None:
    pods = [ready_pod("web-1", "10.244.1.5", ready=False)]
    says(judge({"service": {"name": "web", "endpoints_at_least": 1}}, new_service("web"), *pods, slice_for("web")),
         "only 0 are Ready", "Ready인 파드는 0개예요")
    says(judge({"service": {"name": "web", "type": "NodePort"}}, new_service("web")),
         "is of type ClusterIP; this step needs NodePort", "NodePort 타입")


def test_it_resolves_names_and_points_at_the_other_namespace() -> None:
    service = new_service("db", namespace="data")
    assert judge({"dns": {"name": "db.data.svc.cluster.local"}}, service).passed
    says(judge({"dns": {"name": "db"}}, service), "use `db.data`", "`db.data`로 조회해 보세요")
    assert judge({"dns": {"name": "nothing", "resolves": False}}, service).passed


# --- nodes --------------------------------------------------------------------------------------

def test_it_reads_a_nodes_readiness_and_cordon() -> None:
    assert judge({"node": {"name": "node-2", "ready": False}}, new_node("node-2", ready=False)).passed
    says(judge({"node": {"name": "node-2", "ready": False}}, new_node("node-2")),
         "only after 40 seconds without a heartbeat", "40초")
    says(judge({"node": {"name": "node-2", "unschedulable": True}}, new_node("node-2")),
         "`cordon node-2`", "`cordon node-2`")
    taint = [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]
    assert judge({"node": {"name": "node-2", "tainted": "node.kubernetes.io/unreachable"}},
                 new_node("node-2", taints=taint)).passed


def test_it_explains_the_eviction_timeline_for_pods_on_a_dead_node() -> None:
    taint = [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]
    check = {"pod_on_other_node": {"labels": {"app": "web"}, "not_node": "node-2", "running": 1}}
    stuck = ready_pod("web-1", "10.244.2.5", node="node-2")
    says(judge(check, new_node("node-2", ready=False, taints=taint), stuck), "for 300 seconds", "300초")
    moved = ready_pod("web-2", "10.244.1.5", node="node-1")
    assert judge(check, new_node("node-2", ready=False, taints=taint), moved).passed


# --- batch, autoscaling, storage, namespaces ---------------------------------------------------------

def test_it_knows_jobs_and_cronjobs() -> None:
    job = stamp({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi", "namespace": "default"},
                 "spec": {}, "status": {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}})
    assert judge({"job": {"name": "pi", "complete": True}}, job).passed
    cron = stamp({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello", "namespace": "default"},
                  "spec": {"schedule": "*/1 * * * *"}})
    says(judge({"cronjob": {"name": "hello", "jobs_at_least": 2}}, cron), "skip the clock ahead", "시계를")


def test_it_explains_an_autoscaler_that_cannot_read_metrics() -> None:
    hpa = stamp({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                 "metadata": {"name": "web", "namespace": "default"}, "spec": {},
                 "status": {"currentReplicas": 1, "desiredReplicas": 1, "conditions": [
                     {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                      "message": "missing request for cpu"}]}})
    says(judge({"hpa": {"name": "web", "desired_at_least": 3}}, hpa), "Do the pods request CPU?", "CPU 요청")
    assert judge({"hpa": {"name": "web", "current_replicas_at_most": 2}}, hpa).passed


def test_it_knows_claims_and_namespaces() -> None:
    claim = stamp({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                   "metadata": {"name": "data", "namespace": "default"}, "spec": {}, "status": {"phase": "Pending"}})
    says(judge({"pvc": {"name": "data", "bound": True}}, claim), "is Pending", "Pending 상태예요")
    assert judge({"pvc": {"name": "data", "exists": True}}, claim).passed
    dev = new_namespace("dev")
    assert judge({"namespace": {"name": "dev", "active": True}}, dev).passed
    says(judge({"namespace": {"name": "dev", "gone": True}}, dev), "`delete namespace dev`", "`delete namespace dev`로")


# --- history --------------------------------------------------------------------------------------

def test_it_finds_events_logs_and_console_commands() -> None:
    event = stamp({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "big.1", "namespace": "default"},
                   "reason": "FailedScheduling", "involvedObject": {"kind": "Pod", "name": "big"}})
    assert judge({"event": {"reason": "FailedScheduling", "involved": {"kind": "Pod", "name": "big"}}}, event).passed
    says(judge({"event": {"reason": "Scheduled", "involved": {"kind": "Pod", "name": "big"}}}, event),
         "the events there say: FailedScheduling", "FailedScheduling")
    pod = ready_pod("web-1", "10.244.1.5")
    assert judge({"logs": {"pod_labels": {"app": "web"}, "contains": "GET /"}}, pod,
                 logs=lambda p: ['10.0.0.1 - - "GET / HTTP/1.1" 200']).passed
    says(judge({"logs": {"pod_labels": {"app": "web"}, "contains": "GET /"}}, pod), "send it some requests", "요청을")
    assert judge({"console_ran": {"command": "get nodes"}}, commands=("get no -o wide",)).passed
    says(judge({"console_ran": {"command": "top pods"}}, commands=("get pods",)), "Run `kubectl top pods`",
         "`kubectl top pods`를 실행해 보세요")


def test_it_prefers_the_authors_explanation_when_its_situation_holds() -> None:
    facts = Facts(state_of(ready_pod("web-1", "10.244.1.5")))
    authored = {"en": "Make the Service first.", "ko": "서비스를 먼저 만드세요."}
    judged = step_verdict(facts, [{"service": {"name": "web"}}], [({"missing": {"kind": "Service", "name": "web"}},
                                                                    authored)])
    assert not judged.passed and judged.explanation == authored
    plain = step_verdict(facts, [{"service": {"name": "web"}}], [({"not": {"missing": {"kind": "Service",
                                                                                        "name": "web"}}}, authored)])
    says(plain, "There is no Service `web`", "서비스 `web`이 아직 없어요")
