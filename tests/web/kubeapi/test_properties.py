"""Whatever a client sends, the API answers with a Status or an object, never a 5xx, and the store stays sound."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster.models import KubeObject, Sandbox, WatchEvent
from tests.web.kubeapi.conftest import Api

SEGMENTS = st.sampled_from(["namespaces", "default", "kube-system", "pods", "configmaps", "nodes", "node-1", "web",
                            "status", "scale", "eviction", "binding", "finalize", "token", "serviceaccounts",
                            "replicasets", "secrets", "events", "x", ""])
PREFIXES = st.sampled_from(["/api/v1", "/apis/apps/v1", "/apis/coordination.k8s.io/v1", "/api", "/apis/apps",
                            "/apis"])
FITTING = {"PATCH": "application/merge-patch+json"}  # None below: the type that fits the method
CONTENT_TYPES = st.sampled_from([None] * 6 + ["application/json", "", "application/yaml",
                                              "application/vnd.kubernetes.protobuf",
                                 "application/merge-patch+json", "application/json-patch+json",
                                 "application/strategic-merge-patch+json", "application/apply-patch+yaml",
                                 "text/plain"])
QUERIES = st.sampled_from(["", "?dryRun=All", "?fieldValidation=Strict", "?labelSelector=a%3Db",
                           "?fieldSelector=metadata.name%3Dweb", "?fieldSelector=bogus%3D1", "?gracePeriodSeconds=x",
                           "?propagationPolicy=Nope", "?fieldValidation=Warn&dryRun=All"])
KNOWN_PATHS = st.sampled_from([
    "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/web",
    "/api/v1/namespaces/default/pods", "/api/v1/namespaces/default/pods/web",
    "/api/v1/namespaces/default/pods/web/status", "/api/v1/namespaces/default/pods/web/eviction",
    "/api/v1/namespaces/default/pods/web/binding", "/api/v1/namespaces", "/api/v1/namespaces/web",
    "/api/v1/namespaces/web/finalize", "/api/v1/namespaces/web/status", "/api/v1/nodes/node-1",
    "/apis/apps/v1/namespaces/default/replicasets", "/apis/apps/v1/namespaces/default/replicasets/web",
    "/apis/apps/v1/namespaces/default/replicasets/web/scale", "/apis/apps/v1/namespaces/default/replicasets/web/status",
    "/api/v1/namespaces/default/serviceaccounts/default/token", "/api/v1/configmaps"])
SCALARS = st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(max_size=12) | st.floats(allow_nan=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12)
OBJECTS = st.fixed_dictionaries(
    {}, optional={"apiVersion": st.sampled_from(["v1", "apps/v1", "policy/v1", "x"]),
                  "kind": st.sampled_from(["ConfigMap", "Pod", "Namespace", "ReplicaSet", "Scale", "Eviction",
                                           "Binding", "Lease"]),
                  "metadata": st.fixed_dictionaries({}, optional={"name": st.sampled_from(["web", "x", "", "Bad_Nm"]),
                                                                  "namespace": st.sampled_from(["default", "other"]),
                                                                  "labels": VALUES, "resourceVersion": VALUES}),
                  "spec": VALUES, "data": VALUES, "status": VALUES, "target": VALUES, "deleteOptions": VALUES})
NAMES = st.sampled_from(["web", "db", "x", "Bad_Nm", "a" * 70])
PLAUSIBLE = st.one_of(
    st.builds(lambda name, data: {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data},
              NAMES, st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.integers(), max_size=3)),
    st.builds(lambda name, image: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                                   "spec": {"containers": [{"name": "c", "image": image}]}}, NAMES, VALUES),
    st.builds(lambda name: {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, NAMES),
    st.builds(lambda replicas: {"spec": {"replicas": replicas}}, VALUES),
    st.builds(lambda data: {"data": data, "metadata": {"labels": {"a": "b"}}}, VALUES))
JSON_PATCHES = st.lists(st.fixed_dictionaries({"op": st.sampled_from(["add", "remove", "replace"]),
                                               "path": st.sampled_from(["/data/a", "/spec", "/x/y"]),
                                               "value": VALUES}), max_size=2)
BODIES = st.one_of(PLAUSIBLE, PLAUSIBLE, OBJECTS, VALUES, JSON_PATCHES)


def encoded(body: Any, content_type: str, raw: bool) -> bytes:
    if raw:
        return json.dumps(body)[:-1].encode()  # truncated: malformed on purpose
    return json.dumps(body).encode()


RANDOM_PATHS = st.builds(lambda prefix, parts: "/".join([prefix, *parts]), PREFIXES, st.lists(SEGMENTS, max_size=5))


@pytest.fixture
def seeded(api: Api) -> Api:
    """Objects for the generated requests to find: a ConfigMap, a Pod, a ReplicaSet and a Namespace named web."""
    labels = {"app": "web"}
    template = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    for path, body in [
        ("/api/v1/namespaces/default/configmaps", {"metadata": {"name": "web"}, "data": {"a": "b"}}),
        ("/api/v1/namespaces/default/pods", {"metadata": {"name": "web", "labels": labels}, "spec": template["spec"]}),
        ("/apis/apps/v1/namespaces/default/replicasets",
         {"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": labels}, "template": template}}),
        ("/api/v1/namespaces", {"metadata": {"name": "web"}}),
    ]:
        assert api.post(path, body).status_code == 201
    return api


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "POST", "PUT", "PATCH", "PATCH", "DELETE"]),
       path=st.one_of(KNOWN_PATHS, KNOWN_PATHS, KNOWN_PATHS, RANDOM_PATHS),
       query=QUERIES, content_type=CONTENT_TYPES, body=BODIES, malformed=st.sampled_from([False, False, False, True]))
def test_it_never_fails_with_a_server_error(seeded: Api, method: str, path: str, query: str,
                                            content_type: str | None, body: Any, malformed: bool) -> None:
    api, path = seeded, path + query
    content_type = content_type if content_type is not None else FITTING.get(method, "application/json")

    response = api.call(method, path, encoded(body, content_type, malformed), content_type)

    assert response.status_code < 500, (path, response.content)
    if response["Content-Type"].startswith("application/json") and response.content:
        assert isinstance(response.json(), dict)
    assert_store_is_sound(api.sandbox)


def assert_store_is_sound(sandbox: Sandbox) -> None:
    counter = Sandbox.objects.get(pk=sandbox.pk).resource_version
    for rv, body in KubeObject.objects.filter(sandbox=sandbox).values_list("resource_version", "body"):
        assert str(rv) == body["metadata"]["resourceVersion"]
        assert rv <= counter
    last = WatchEvent.objects.filter(sandbox=sandbox).order_by("-resource_version").first()
    assert last is None or last.resource_version == counter


