"""Decoding kubectl's protobuf request bodies: real captured bytes, hand-encoded bodies, and garbage."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster.errors import StatusError
from web.kubeapi.protobuf import decode

DATA = Path(__file__).parent / "data"


# A tiny protobuf encoder, the mirror of the reader: field numbers are spelled out here, from
# k8s.io/api's generated.proto, so the tests check the decoder's tables rather than reuse them.
def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def num(field: int, value: int) -> bytes:
    return varint(field << 3) + varint(value)


def ld(field: int, *parts: bytes | str) -> bytes:
    payload = b"".join(p.encode() if isinstance(p, str) else p for p in parts)
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def entries(field: int, mapping: dict[str, str]) -> bytes:
    return b"".join(ld(field, ld(1, k), ld(2, v)) for k, v in mapping.items())


def gogo_meta(name: str, labels: dict[str, str] | None = None) -> bytes:
    """ObjectMeta as gogo-protobuf writes it: every non-pointer field, zero or not."""
    empty = ld(2, "") + ld(3, "") + ld(4, "") + ld(5, "") + ld(6, "") + num(7, 0) + ld(8)
    return ld(1, name) + empty + entries(11, labels or {})


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    return b"k8s\x00" + ld(1, ld(1, api_version), ld(2, kind)) + ld(2, raw) + ld(3, "") + ld(4, "")


def test_it_decodes_the_observed_create_deployment_body() -> None:
    labels = {"app": "api"}
    container = ld(1, "nginx") + ld(2, "nginx:1.25") + ld(6, num(3, 80), ld(4, "")) + ld(8) + ld(13, "")
    pod_spec = ld(2, container) + ld(3, "") + num(11, 0) + ld(14)
    spec = num(1, 2) + ld(2, entries(1, labels)) + ld(3, ld(1, gogo_meta("", labels)), ld(2, pod_spec)) + ld(4)
    body = envelope("apps/v1", "Deployment", ld(1, gogo_meta("api", labels)) + ld(2, spec) + ld(3, num(1, 0)))
    assert decode(body) == json.loads(
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","labels":{"app":"api"}},'
        '"spec":{"replicas":2,"selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"labels":{"app":"api"}},'
        '"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]}]}},"strategy":{}}}'
    )


def test_it_decodes_a_namespace() -> None:
    body = envelope("v1", "Namespace", ld(1, gogo_meta("dev")) + ld(2) + ld(3, ld(1, "")))
    assert decode(body) == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}


def test_it_decodes_a_configmap_from_literal() -> None:
    body = envelope("v1", "ConfigMap", ld(1, gogo_meta("cfg")) + entries(2, {"a": "b"}))
    assert decode(body)["data"] == {"a": "b"}


def test_it_base64_encodes_secret_data() -> None:
    body = envelope("v1", "Secret", ld(1, gogo_meta("s")) + entries(2, {"p": "x"}) + ld(3, "Opaque"))
    assert decode(body) == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"p": "eA=="},
        "type": "Opaque",
    }


def test_it_decodes_a_service_with_int_and_string_target_ports() -> None:
    http = ld(1, "http") + ld(2, "TCP") + num(3, 80) + ld(4, num(1, 0), num(2, 8080))
    named = ld(1, "web") + ld(2, "TCP") + num(3, 443) + ld(4, num(1, 1), ld(3, "https"))
    spec = ld(1, http) + ld(1, named) + entries(2, {"app": "web"}) + ld(4, "NodePort")
    ports = decode(envelope("v1", "Service", ld(1, gogo_meta("web")) + ld(2, spec)))["spec"]["ports"]
    assert ports == [
        {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080},
        {"name": "web", "protocol": "TCP", "port": 443, "targetPort": "https"},
    ]


def test_it_decodes_a_job_and_keeps_a_pointer_zero() -> None:
    template = ld(2, ld(2, ld(1, "j"), ld(2, "busybox")), ld(3, "Never"))
    spec = num(7, 0) + ld(6, template)  # backoffLimit: 0 was asked for: a pointer, so kept
    job = decode(envelope("batch/v1", "Job", ld(1, gogo_meta("j")) + ld(2, spec)))
    assert job["spec"] == {
        "backoffLimit": 0,
        "template": {"spec": {"containers": [{"name": "j", "image": "busybox"}], "restartPolicy": "Never"}},
    }


def test_it_decodes_a_cronjob() -> None:
    job_spec = ld(6, ld(2, ld(2, ld(1, "c"), ld(2, "busybox")), ld(3, "OnFailure")))
    spec = ld(1, "*/5 * * * *") + ld(5, ld(1, gogo_meta("c")), ld(2, job_spec)) + num(4, 0)
    cronjob = decode(envelope("batch/v1", "CronJob", ld(1, gogo_meta("c")) + ld(2, spec)))
    assert cronjob["spec"]["schedule"] == "*/5 * * * *"
    assert cronjob["spec"]["suspend"] is False
    assert cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


def test_it_decodes_an_autoscaling_v1_hpa() -> None:
    target = ld(1, "Deployment") + ld(2, "api") + ld(3, "apps/v1")
    spec = ld(1, target) + num(2, 1) + num(3, 5) + num(4, 80)
    hpa = decode(envelope("autoscaling/v1", "HorizontalPodAutoscaler", ld(1, gogo_meta("api")) + ld(2, spec)))
    assert hpa["spec"] == {
        "scaleTargetRef": {"kind": "Deployment", "name": "api", "apiVersion": "apps/v1"},
        "minReplicas": 1,
        "maxReplicas": 5,
        "targetCPUUtilizationPercentage": 80,
    }


def test_it_decodes_special_types_and_flattens_inline_fields() -> None:
    probe = ld(1, ld(2, ld(1, "/healthz"), ld(2, num(1, 0), num(2, 8080)))) + num(4, 5)
    env = ld(1, "PASS") + ld(3, ld(4, ld(1, ld(1, "creds")), ld(2, "password")))
    container = ld(1, "app") + ld(7, env) + ld(8, ld(1, ld(1, "cpu"), ld(2, ld(1, "500m")))) + ld(10, probe)
    volumes = ld(1, ld(1, "scratch"), ld(2, ld(2))) + ld(1, ld(1, "cfg"), ld(2, ld(19, ld(1, ld(1, "app-config")))))
    security = ld(14, ld(4, varint(1000), varint(2000)))  # supplementalGroups, packed
    meta = ld(1, "p") + ld(8, num(1, 1764089100))
    pod = decode(envelope("v1", "Pod", ld(1, meta) + ld(2, volumes, ld(2, container), security)))
    assert pod["metadata"] == {"name": "p", "creationTimestamp": "2025-11-25T16:45:00Z"}
    assert pod["spec"]["volumes"] == [
        {"name": "scratch", "emptyDir": {}},
        {"name": "cfg", "configMap": {"name": "app-config"}},
    ]
    assert pod["spec"]["securityContext"] == {"supplementalGroups": [1000, 2000]}
    assert pod["spec"]["containers"][0] == {
        "name": "app",
        "env": [{"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}],
        "resources": {"limits": {"cpu": "500m"}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5},
    }


def test_it_decodes_negative_numbers() -> None:
    spec = ld(2, ld(1, "c")) + num(4, -1)  # nonsense, but the wire must carry it faithfully
    pod = decode(envelope("v1", "Pod", ld(1, gogo_meta("p")) + ld(2, spec)))
    assert pod["spec"]["terminationGracePeriodSeconds"] == -1


def test_it_skips_unknown_field_numbers() -> None:
    raw = ld(1, gogo_meta("dev")) + ld(99, "from the future") + num(98, 7)
    assert decode(envelope("v1", "Namespace", raw))["metadata"] == {"name": "dev"}


REAL_BODIES = {
    "namespace": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}},
    "configmap": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "b"}},
    "secret": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"p": "eA=="}},
    "serviceaccount": {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa"}},
    "token": {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest"},
}


@pytest.mark.parametrize("name", sorted(REAL_BODIES))
def test_it_decodes_simple_bodies_captured_from_kubectl(name: str) -> None:
    assert decode((DATA / f"kubectl-1.37-create-{name}.pb").read_bytes()) == REAL_BODIES[name]


def real(name: str) -> dict[str, Any]:
    return decode((DATA / f"kubectl-1.37-create-{name}.pb").read_bytes())


def test_it_decodes_the_captured_create_deployment_as_the_reference_observed() -> None:
    assert real("deployment")["spec"] == {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "api"}},
        "template": {
            "metadata": {"labels": {"app": "api"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]},
        },
        "strategy": {},
    }


def test_it_decodes_the_captured_service_job_and_cronjob() -> None:
    assert real("service")["spec"] == {
        "ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080}],
        "selector": {"app": "web"},
        "type": "ClusterIP",
    }
    assert real("job")["spec"]["template"]["spec"] == {
        "containers": [{"name": "j", "image": "busybox"}],
        "restartPolicy": "Never",
    }
    assert real("cronjob")["spec"]["schedule"] == "*/5 * * * *"


def test_it_decodes_the_captured_rbac_ingress_and_pdb() -> None:
    assert real("role")["rules"] == [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]
    assert real("rolebinding")["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"}
    assert real("ingress")["spec"]["rules"] == [
        {
            "host": "foo.com",
            "http": {
                "paths": [
                    {
                        "path": "/bar",
                        "backend": {"service": {"name": "svc1", "port": {"number": 8080}}},
                        "pathType": "Exact",
                    }
                ]
            },
        }
    ]
    assert real("poddisruptionbudget")["spec"] == {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}


def test_it_decodes_the_captured_autoscale_as_autoscaling_v2() -> None:
    hpa = real("autoscale")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"] == {
        "scaleTargetRef": {"kind": "Deployment", "name": "api", "apiVersion": "apps/v1"},
        "maxReplicas": 5,
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
            }
        ],
    }


def rejection(body: bytes) -> str:
    with pytest.raises(StatusError) as caught:
        decode(body)
    assert (caught.value.code, caught.value.reason) == (400, "BadRequest")
    return caught.value.message


def test_it_rejects_a_body_without_the_magic_number() -> None:
    assert "magic" in rejection(b'{"kind": "Namespace"}')


def test_it_rejects_a_truncated_varint() -> None:
    assert "truncated varint" in rejection(b"k8s\x00" + b"\x08\xff")


def test_it_rejects_a_length_past_the_end() -> None:
    assert "past the end" in rejection(b"k8s\x00" + b"\x0a\x40abc")


def test_it_rejects_an_unknown_kind() -> None:
    message = rejection(envelope("example.com/v1", "Widget", ld(1, gogo_meta("w"))))
    assert message == 'protobuf: no decoder for kind "Widget" in version "example.com/v1"'


def test_it_rejects_a_field_with_the_wrong_wire_type() -> None:
    assert "length-delimited" in rejection(envelope("v1", "Namespace", num(1, 5)))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_it_raises_nothing_but_status_errors_on_random_bytes(body: bytes, with_magic: bool) -> None:
    try:
        decode(b"k8s\x00" + body if with_magic else body)
    except StatusError as error:
        assert error.code == 400


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120), st.sampled_from(["Namespace", "Pod", "Service", "Secret"]))
def test_it_raises_nothing_but_status_errors_on_random_objects(raw: bytes, kind: str) -> None:
    try:
        decode(envelope("v1", kind, raw))
    except StatusError as error:
        assert error.code == 400
