"""A minimal manifest comes back from the API server's create path fully defaulted."""

from cluster.kinds import job as job_kind
from cluster.objects import copy
from tests.cluster.kinds.manifests import admit, cronjob, every_kind, hpa, job, service, workload


def test_it_admits_a_minimal_manifest_of_every_kind() -> None:
    for model, manifest in every_kind().items():
        assert admit(manifest)["kind"] == manifest["kind"], model


def test_it_defaults_a_deployment_like_the_api_server() -> None:
    spec = admit(workload("Deployment"))["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    pod_spec = spec["template"]["spec"]
    assert (pod_spec["restartPolicy"], pod_spec["dnsPolicy"]) == ("Always", "ClusterFirst")
    assert pod_spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def test_it_leaves_a_recreate_deployment_without_rolling_update() -> None:
    spec = admit(workload("Deployment", strategy={"type": "Recreate"}))["spec"]
    assert spec["strategy"] == {"type": "Recreate"}


def test_it_defaults_a_service_like_the_api_server() -> None:
    svc = admit(service())
    assert svc["spec"] == {"selector": {"app": "web"}, "type": "ClusterIP", "sessionAffinity": "None",
                           "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
                           "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"],
                           "internalTrafficPolicy": "Cluster"}
    assert svc["status"] == {"loadBalancer": {}}


def test_it_defaults_traffic_policies_by_service_type() -> None:
    node_port = admit(service(type="NodePort"))["spec"]
    balancer = admit(service(type="LoadBalancer"))["spec"]
    external = admit(service(type="ExternalName", externalName="db.example.com", ports=[]))["spec"]
    assert node_port["externalTrafficPolicy"] == "Cluster" and "allocateLoadBalancerNodePorts" not in node_port
    assert balancer["allocateLoadBalancerNodePorts"] is True
    assert not {"ipFamilies", "internalTrafficPolicy", "externalTrafficPolicy"} & set(external)


def test_it_keeps_a_headless_service_headless() -> None:
    spec = admit(service(clusterIP="None"))["spec"]
    assert (spec["clusterIP"], spec["clusterIPs"], spec["ipFamilyPolicy"]) == ("None", ["None"], "SingleStack")
    selectorless = admit(service(clusterIP="None", selector=None))["spec"]
    assert selectorless["ipFamilyPolicy"] == "RequireDualStack"


def test_it_defaults_a_job_like_the_api_server() -> None:
    spec = admit(job())["spec"]
    assert {k: spec[k] for k in ("completions", "parallelism", "backoffLimit", "completionMode", "suspend",
                                 "manualSelector", "podReplacementPolicy")} == {
        "completions": 1, "parallelism": 1, "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
        "manualSelector": False, "podReplacementPolicy": "TerminatingOrFailed"}


def test_it_leaves_completions_unset_for_a_work_queue_job() -> None:
    spec = admit(job(parallelism=3))["spec"]
    assert "completions" not in spec and spec["parallelism"] == 3


def test_it_generates_a_jobs_selector_from_its_uid() -> None:
    manifest = copy(job())
    manifest["metadata"]["uid"] = "1234-abcd"
    job_kind.default(manifest)
    labels = manifest["spec"]["template"]["metadata"]["labels"]
    assert labels == {"app": "pi", "batch.kubernetes.io/controller-uid": "1234-abcd", "controller-uid": "1234-abcd",
                      "batch.kubernetes.io/job-name": "pi", "job-name": "pi"}
    assert manifest["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "1234-abcd"}}
    assert manifest["metadata"]["labels"] == labels


def test_it_generates_no_selector_when_the_job_asks_for_a_manual_one() -> None:
    manifest = copy(job(manualSelector=True, selector={"matchLabels": {"app": "pi"}}))
    manifest["metadata"]["uid"] = "1234-abcd"
    job_kind.default(manifest)
    assert manifest["spec"]["selector"] == {"matchLabels": {"app": "pi"}}
    assert "controller-uid" not in manifest["spec"]["template"]["metadata"]["labels"]


def test_it_defaults_a_cronjob_like_the_api_server() -> None:
    spec = admit(cronjob())["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"]) == ("Allow", False)
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    assert "backoffLimit" not in spec["jobTemplate"]["spec"]


def test_it_defaults_a_statefulset_like_the_api_server() -> None:
    sts = admit(workload("StatefulSet", volumeClaimTemplates=[{"metadata": {"name": "data"}, "spec": {}}]))
    spec = sts["spec"]
    assert (spec["replicas"], spec["podManagementPolicy"], spec["revisionHistoryLimit"]) == (1, "OrderedReady", 10)
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    claim = spec["volumeClaimTemplates"][0]
    assert (claim["spec"]["volumeMode"], claim["status"]["phase"]) == ("Filesystem", "Pending")
    assert sts["status"] == {"replicas": 0, "availableReplicas": 0}


def test_it_defaults_a_daemonset_like_the_api_server() -> None:
    ds = admit(workload("DaemonSet"))
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate",
                                            "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["status"] == {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                            "numberReady": 0}


def test_it_copies_a_replication_controllers_selector_and_labels_from_its_template() -> None:
    rc = admit({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "web"},
                "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                                      "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}})
    assert rc["spec"]["selector"] == {"app": "web"} and rc["metadata"]["labels"] == {"app": "web"}
    assert (rc["spec"]["replicas"], rc["status"]) == (1, {"replicas": 0})


def test_it_defaults_storage_kinds() -> None:
    kinds = every_kind()
    pv, pvc = admit(kinds["V1PersistentVolume"]), admit(kinds["V1PersistentVolumeClaim"])
    sc = admit(kinds["V1StorageClass"])
    assert (pv["spec"]["persistentVolumeReclaimPolicy"], pv["spec"]["volumeMode"]) == ("Retain", "Filesystem")
    assert (pvc["spec"]["volumeMode"], pvc["status"]["phase"]) == ("Filesystem", "Pending")
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Delete", "Immediate")


def test_it_defaults_an_hpa_like_the_api_server() -> None:
    spec = admit(hpa())["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert "behavior" not in spec


def test_it_fills_in_a_partial_hpa_behavior() -> None:
    behavior = admit(hpa(behavior={"scaleDown": {"stabilizationWindowSeconds": 60}}))["spec"]["behavior"]
    assert behavior["scaleDown"] == {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                                     "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}
    assert behavior["scaleUp"] == {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def test_it_defaults_a_container_limit_range_from_max() -> None:
    item = admit(every_kind()["V1LimitRange"])["spec"]["limits"][0]
    assert item == {"type": "Container", "max": {"cpu": "1"}, "default": {"cpu": "1"}, "defaultRequest": {"cpu": "1"}}


def test_it_defaults_rbac_api_groups() -> None:
    binding = admit(every_kind()["V1RoleBinding"])
    assert binding["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert binding["subjects"][0]["apiGroup"] == "rbac.authorization.k8s.io"
    sa = admit(every_kind()["V1ClusterRoleBinding"])["subjects"][0]
    assert sa["apiGroup"] == ""


def test_it_defaults_network_policy_types() -> None:
    policy = admit({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p"},
                    "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}})
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert policy["spec"]["egress"][0]["ports"][0]["protocol"] == "TCP"


def test_it_defaults_pdb_status_and_priority_class_preemption() -> None:
    pdb, pc = admit(every_kind()["V1PodDisruptionBudget"]), admit(every_kind()["V1PriorityClass"])
    assert pdb["status"] == {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    assert pc["preemptionPolicy"] == "PreemptLowerPriority"
