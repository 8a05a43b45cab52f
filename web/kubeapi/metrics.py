"""The resource metrics API, `metrics.k8s.io/v1beta1`: what metrics-server serves on a real cluster.

`kubectl top pods` lists `PodMetrics` (`/apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods`),
`kubectl top nodes` lists `NodeMetrics` (`.../v1beta1/nodes`) and divides by each node's
allocatable. The numbers come from `cluster.metrics`, computed from the sandbox's pods and
their traffic at the moment of the request. Read-only: get and list, with label and field
selectors; no watch, as with metrics-server.
"""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from cluster import clock, errors, kinds, metrics, selectors, store
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj, name_of
from web.kubeapi import discovery, paths, query, responses
from web.kubeapi.endpoints import endpoint, in_thread
from web.kubeapi.metrics_kinds import GROUP, VERSION
from web.kubeapi.views import only_get

API_VERSION = f"{GROUP}/{VERSION}"


def core_kind(name: str) -> Kind:
    kind = kinds.by_kind("", name)
    assert kind is not None, name
    return kind


@endpoint
async def serve(request: HttpRequest, sandbox: Sandbox, rest: str | None = None) -> HttpResponseBase:
    only_get(request)
    parts = paths.segments(rest or "")
    if not parts:
        return responses.ok(discovery.api_group_document(GROUP))
    if parts[0] != VERSION:
        raise paths.not_found()
    if len(parts) == 1:
        return responses.ok(discovery.api_resource_list(GROUP, VERSION))
    return await in_thread(resources)(request, sandbox, parts[1:])


def resources(request: HttpRequest, sandbox: Sandbox, parts: list[str]) -> HttpResponse:
    if request.GET.get("watch", "").lower() in ("true", "1"):
        raise errors.method_not_allowed()
    if parts[0] == "nodes" and len(parts) <= 2:
        return nodes(request, sandbox, parts[1] if len(parts) == 2 else "")
    if parts[0] == "pods" and len(parts) == 1:
        return pods(request, sandbox, None, "")
    if parts[0] == "namespaces" and len(parts) in (3, 4) and parts[2] == "pods":
        return pods(request, sandbox, parts[1], parts[3] if len(parts) == 4 else "")
    raise paths.not_found()


def selected(request: HttpRequest, items: list[Obj]) -> list[Obj]:
    """The label selector is applied to the objects themselves; the field selector to their metadata."""
    fields = selectors.parse_field_selector(request.GET.get("fieldSelector"), kinds.base_fields())
    label = query.label_selector(request)
    return [o for o in items if label.matches(o["metadata"].get("labels") or {})
            and selectors.matches_fields(o, fields, kinds.base_fields())]


def answer(request: HttpRequest, kind: str, items: list[Obj], name: str, plural: str) -> HttpResponse:
    if name:
        found = [o for o in items if name_of(o) == name]
        if not found:
            raise errors.not_found(plural, GROUP, name)
        return responses.ok(found[0])
    return responses.ok({"kind": f"{kind}List", "apiVersion": API_VERSION, "metadata": {},
                         "items": selected(request, items)})


def pods(request: HttpRequest, sandbox: Sandbox, namespace: str | None, name: str) -> HttpResponse:
    now = clock.now(sandbox)
    found, _ = store.list_objects(sandbox, core_kind("Pod"), namespace)
    items = [m for m in (metrics.pod_metrics(p, now) for p in found) if m is not None]
    return answer(request, "PodMetrics", items, name, "podmetrics")


def nodes(request: HttpRequest, sandbox: Sandbox, name: str) -> HttpResponse:
    now = clock.now(sandbox)
    all_pods, _ = store.list_objects(sandbox, core_kind("Pod"))
    by_node: dict[str, list[Obj]] = {}
    for pod in all_pods:
        by_node.setdefault((pod.get("spec") or {}).get("nodeName", ""), []).append(pod)
    found, _ = store.list_objects(sandbox, core_kind("Node"))
    items = [metrics.node_metrics(n, by_node.get(name_of(n), []), now) for n in found]
    return answer(request, "NodeMetrics", items, name, "nodemetrics")
