"""Invalid manifests are refused with Kubernetes' own wording."""

from typing import Any

import pytest

from cluster.errors import StatusError
from cluster.objects import Obj
from tests.cluster.kinds.manifests import admit, cronjob, hpa, job, service, template, workload


def refusal(obj: Obj) -> StatusError:
    with pytest.raises(StatusError) as caught:
        admit(obj)
    assert caught.value.code == 422 and caught.value.reason == "Invalid"
    return caught.value


def causes(obj: Obj) -> list[tuple[str, str]]:
    return [(c["field"], c["message"]) for c in refusal(obj).details["causes"]]


def test_it_requires_names_on_several_service_ports() -> None:
    error = refusal(service(ports=[{"port": 80}, {"port": 443}]))
    assert error.message == 'Service "web" is invalid: [spec.ports[0].name: Required value, ' \
                            'spec.ports[1].name: Required value]'


def test_it_refuses_a_service_port_out_of_range_and_a_bad_protocol() -> None:
    assert causes(service(ports=[{"port": 70000, "protocol": "HTTP"}])) == [
        ("spec.ports[0].port", "Invalid value: 70000: must be between 1 and 65535, inclusive"),
        ("spec.ports[0].protocol", 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
        # targetPort was defaulted to the port, so it is out of range too, as on a real server.
        ("spec.ports[0].targetPort", "Invalid value: 70000: must be between 1 and 65535, inclusive")]


def test_it_refuses_duplicate_port_names_and_an_unknown_type() -> None:
    assert causes(service(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 81}])) == [
        ("spec.ports[1].name", 'Duplicate value: "http"')]
    assert causes(service(type="Internal")) == [
        ("spec.type", 'Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", '
                      '"LoadBalancer", "NodePort"')]


def test_it_refuses_a_node_port_on_a_cluster_ip_service() -> None:
    assert causes(service(ports=[{"port": 80, "nodePort": 30080}])) == [
        ("spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'")]


def test_it_requires_a_service_name_to_be_a_dns_1035_label() -> None:
    manifest = service(name="1web")
    assert causes(manifest)[0][0] == "metadata.name"
    assert "a DNS-1035 label must consist of" in causes(manifest)[0][1]


def test_it_refuses_a_deployment_whose_selector_misses_its_template() -> None:
    manifest = workload("Deployment", selector={"matchLabels": {"app": "api"}})
    assert causes(manifest) == [("spec.template.metadata.labels",
                                 'Invalid value: "map[app:web]": `selector` does not match template `labels`')]


def test_it_refuses_workload_pods_that_do_not_restart_always() -> None:
    for kind in ("Deployment", "StatefulSet", "DaemonSet"):
        manifest = workload(kind, template=template(restartPolicy="Never"))
        assert causes(manifest) == [("spec.template.spec.restartPolicy",
                                     'Unsupported value: "Never": supported values: "Always"')], kind


def test_it_refuses_a_rolling_update_that_can_make_no_progress() -> None:
    manifest = workload("Deployment", strategy={"rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}})
    assert causes(manifest) == [("spec.strategy.rollingUpdate.maxUnavailable",
                                 "Invalid value: 0: may not be 0 when `maxSurge` is 0")]


def test_it_requires_a_job_restart_policy_when_the_manifest_has_none() -> None:
    manifest = job(template=template({"app": "pi"}))
    error = refusal(manifest)
    assert error.message == 'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: ' \
                            'valid values: "OnFailure", "Never"'


def test_it_refuses_an_unknown_job_restart_policy_once() -> None:
    assert causes(job(template=template({"app": "pi"}, restartPolicy="Sometimes"))) == [
        ("spec.template.spec.restartPolicy", 'Unsupported value: "Sometimes": supported values: "OnFailure", "Never"')]


def test_it_requires_a_selector_for_a_manual_selector_job() -> None:
    assert causes(job(manualSelector=True)) == [("spec.selector", "Required value")]


def test_it_refuses_bad_cronjob_schedules_and_time_zones() -> None:
    assert causes(cronjob(schedule="every minute")) == [
        ("spec.schedule", 'Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]')]
    assert causes(cronjob(schedule="CRON_TZ=UTC 0 * * * *"))[0][1].endswith(
        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
    assert causes(cronjob(timeZone="Mars/Olympus")) == [
        ("spec.timeZone", 'Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus')]


def test_it_accepts_a_cronjob_in_a_real_time_zone() -> None:
    assert admit(cronjob(schedule="@hourly", timeZone="Europe/Paris"))["spec"]["timeZone"] == "Europe/Paris"


def test_it_refuses_an_hpa_whose_max_is_below_its_min() -> None:
    assert causes(hpa(minReplicas=3, maxReplicas=2)) == [
        ("spec.maxReplicas", "Invalid value: 2: must be greater than or equal to `minReplicas`")]


def test_it_requires_access_modes_and_size_on_a_claim() -> None:
    claim: dict[str, Any] = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "d"},
                             "spec": {}}
    assert causes(claim) == [("spec.accessModes", "Required value: at least 1 access mode is required"),
                             ("spec.resources[storage]", "Required value")]


def test_it_refuses_a_binding_to_an_unknown_role_kind() -> None:
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
               "roleRef": {"kind": "Role", "name": "reader"}, "subjects": [{"kind": "ServiceAccount", "name": "x"}]}
    assert causes(binding) == [("roleRef.kind", 'Unsupported value: "Role": supported values: "ClusterRole"'),
                               ("subjects[0].namespace", "Required value")]


def test_it_requires_an_ingress_path_type() -> None:
    ingress = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
               "spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {}}]}}]}}
    assert causes(ingress) == [("spec.rules[0].http.paths[0].pathType", "Required value: pathType must be specified")]
