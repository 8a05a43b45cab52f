"""The cells `kubectl get` shows for typical objects, as Kubernetes' printers compute them."""

from datetime import timedelta

from cluster import kinds
from cluster.objects import Obj, rfc3339
from tests.builders import T0, stamp
from tests.cluster.kinds.manifests import admit, cronjob, every_kind, hpa, job, service, workload

NOW = T0 + timedelta(minutes=5)


def row(obj: Obj) -> list[object]:
    kind = kinds.for_object(obj)
    assert kind is not None
    cells = kind.cells(stamp(obj), NOW)
    assert len(cells) == len(kind.columns), kind.kind
    return cells


def test_it_prints_a_cell_for_every_column_of_every_kind() -> None:
    for manifest in every_kind().values():
        row(admit(manifest))


def test_it_prints_a_deployment() -> None:
    deploy = admit(workload("Deployment", replicas=2))
    deploy["status"] = {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}
    assert row(deploy) == ["web", "1/2", 2, 1, "5m", "app", "nginx:1.25", "app=web"]


def test_it_prints_service_types() -> None:
    cluster_ip = admit(service())
    cluster_ip["spec"].update(clusterIP="10.96.0.10", clusterIPs=["10.96.0.10"])
    node_port = admit(service(type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    balancer = admit(service(type="LoadBalancer"))
    assert row(cluster_ip) == ["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "5m", "app=web"]
    assert row(node_port)[1:5] == ["NodePort", "<none>", "<none>", "80:30080/TCP"]
    assert row(balancer)[3] == "<pending>"
    balancer["status"]["loadBalancer"] = {"ingress": [{"ip": "172.18.0.100"}]}
    assert row(balancer)[3] == "172.18.0.100"


def test_it_prints_a_job_while_running_and_once_complete() -> None:
    running = admit(job())
    running["status"] = {"startTime": rfc3339(T0 + timedelta(minutes=3))}
    assert row(running)[:5] == ["pi", "Running", "0/1", "2m", "5m"]
    done = admit(job(completions=3))
    done["status"] = {"succeeded": 3, "startTime": rfc3339(T0), "completionTime": rfc3339(T0 + timedelta(seconds=42)),
                      "conditions": [{"type": "Complete", "status": "True"}]}
    assert row(done)[:4] == ["pi", "Complete", "3/3", "42s"]


def test_it_prints_a_cronjob() -> None:
    cj = admit(cronjob())
    assert row(cj)[:7] == ["hello", "*/5 * * * *", "<none>", "False", 0, "<none>", "5m"]
    cj["status"] = {"active": [{"name": "hello-1"}], "lastScheduleTime": rfc3339(T0 + timedelta(minutes=4))}
    assert row(cj)[4:6] == [1, "60s"]


def test_it_prints_statefulsets_and_daemonsets() -> None:
    sts = admit(workload("StatefulSet", replicas=3))
    sts["status"]["readyReplicas"] = 2
    assert row(sts) == ["web", "2/3", "5m", "app", "nginx:1.25"]
    ds = admit(workload("DaemonSet"))
    ds["spec"]["template"]["spec"]["nodeSelector"] = {"kubernetes.io/os": "linux"}
    assert row(ds)[:8] == ["web", 0, 0, 0, 0, 0, "kubernetes.io/os=linux", "5m"]


def test_it_prints_hpa_targets() -> None:
    waiting = admit(hpa(metrics=[{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]))
    assert row(waiting) == ["web", "Deployment/web", "cpu: <unknown>/50%", "1", 5, 0, "5m"]
    waiting["status"] = {"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 20}}}]}
    assert row(waiting)[2] == "cpu: 20%/50%" and row(waiting)[5] == 2


def test_it_prints_a_claim_before_and_after_binding() -> None:
    pvc = admit(every_kind()["V1PersistentVolumeClaim"])
    pvc["spec"]["storageClassName"] = "standard"
    assert row(pvc) == ["data", "Pending", "", "", "", "standard", "<unset>", "5m", "Filesystem"]
    pvc["spec"]["volumeName"] = "pvc-1"
    pvc["status"] = {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany",
                                                                                       "ReadWriteOnce"]}
    assert row(pvc)[:5] == ["data", "Bound", "pvc-1", "1Gi", "RWO,RWX"]


def test_it_marks_the_default_storage_class() -> None:
    sc = admit(every_kind()["V1StorageClass"])
    sc["metadata"]["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    assert row(sc) == ["standard (default)", "rancher.io/local-path", "Delete", "Immediate", False, "5m"]


def test_it_prints_at_most_three_endpoints() -> None:
    ep = admit(every_kind()["V1Endpoints"])
    ep["subsets"][0]["addresses"] = [{"ip": f"10.244.1.{i}"} for i in range(1, 6)]
    assert row(ep)[1] == "10.244.1.1:80,10.244.1.2:80,10.244.1.3:80 + 2 more..."


def test_it_prints_rbac_kinds() -> None:
    binding = admit(every_kind()["V1ClusterRoleBinding"])
    assert row(binding) == ["view", "ClusterRole/viewer", "5m", "", "", "default:default"]
    role = admit(every_kind()["V1Role"])
    assert row(role) == ["reader", rfc3339(T0)]


def test_it_prints_a_pdb_and_a_replication_controller() -> None:
    assert row(admit(every_kind()["V1PodDisruptionBudget"])) == ["web", "1", "N/A", 0, "5m"]
    assert row(admit(every_kind()["V1ReplicationController"])) == ["web", 1, 0, 0, "5m", "app", "nginx:1.25",
                                                                   "app=web"]


def test_it_selects_services_and_jobs_by_their_fields() -> None:
    svc_kind, job_kind = kinds.by_kind("", "Service"), kinds.by_kind("batch", "Job")
    assert svc_kind is not None and job_kind is not None
    svc = admit(service(type="NodePort"))
    assert svc_kind.fields["spec.type"](svc) == "NodePort"
    done = admit(job())
    done["status"] = {"succeeded": 1}
    assert job_kind.fields["status.successful"](done) == "1"
