"""The Kubernetes API's views: version and health, discovery, OpenAPI, and objects.

Object requests are routed by path (`paths`) and then by HTTP method to the verb that
serves them (`crud`, `subresources`); a list with `watch=true` becomes a watch stream.
A method a resource does not support is 405 MethodNotAllowed, an unknown path 404.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from cluster.errors import StatusError, method_not_allowed
from cluster.models import Sandbox
from web.kubeapi import crud, discovery, logs, negotiation, openapi, paths, responses, subresources, tokens, watch
from web.kubeapi.endpoints import endpoint, in_thread, public
from web.kubeapi.paths import GroupDocument, Parsed, ResourceList, Target
from web.kubeapi.version import version_info

Handler = Callable[[HttpRequest, Sandbox, Target], HttpResponseBase]

COLLECTION: dict[str, tuple[str, Handler]] = {
    "GET": ("list", crud.list_objects), "POST": ("create", crud.create), "DELETE": ("deletecollection",
                                                                                      crud.delete_collection)}
OBJECT: dict[str, tuple[str, Handler]] = {
    "GET": ("get", crud.get), "PUT": ("update", crud.update), "PATCH": ("patch", crud.patch),
    "DELETE": ("delete", crud.delete)}
SUBRESOURCES: dict[str, dict[str, Handler]] = {
    "status": {"GET": crud.get, "PUT": crud.update, "PATCH": crud.patch},
    "scale": {"GET": subresources.get_scale, "PUT": subresources.update_scale, "PATCH": subresources.patch_scale},
    "eviction": {"POST": subresources.evict},
    "binding": {"POST": subresources.bind},
    "finalize": {"PUT": subresources.finalize},
    "token": {"POST": tokens.create_token},
    "log": {"GET": logs.get_log},
}


def only_get(request: HttpRequest) -> None:
    if request.method not in ("GET", "HEAD"):
        raise method_not_allowed()


def handler_for(target: Target, method: str) -> Handler:
    if target.subresource:
        methods = SUBRESOURCES.get(target.subresource)
        if methods is None:
            raise paths.not_found()
        if method not in methods:
            raise method_not_allowed()
        return methods[method]
    verbs = COLLECTION if target.is_collection else OBJECT
    if target.is_collection and target.kind.namespaced and target.namespace is None and method != "GET":
        raise method_not_allowed()  # across all namespaces one may only list and watch
    if method not in verbs or verbs[method][0] not in target.kind.verbs:
        raise method_not_allowed()
    return verbs[method][1]


def is_watch(request: HttpRequest) -> bool:
    return request.GET.get("watch", "").lower() in ("true", "1")


async def serve(request: HttpRequest, sandbox: Sandbox, parsed: Parsed) -> HttpResponseBase:
    if isinstance(parsed, GroupDocument):
        only_get(request)
        return responses.ok(discovery.api_group_document(parsed.group))
    if isinstance(parsed, ResourceList):
        only_get(request)
        return responses.ok(discovery.api_resource_list(parsed.group, parsed.version))
    if request.method == "GET" and parsed.is_collection and not parsed.subresource and is_watch(request):
        return await watch.watch_response(request, sandbox, parsed.kind, parsed.namespace)
    handler = handler_for(parsed, request.method or "GET")
    return await in_thread(handler)(request, sandbox, parsed)


@endpoint
async def core(request: HttpRequest, sandbox: Sandbox, rest: str) -> HttpResponseBase:
    return await serve(request, sandbox, paths.parse_core(rest))


@endpoint
async def groups(request: HttpRequest, sandbox: Sandbox, rest: str) -> HttpResponseBase:
    return await serve(request, sandbox, paths.parse_group(rest))


def discovery_response(request: HttpRequest, core: bool) -> HttpResponse:
    only_get(request)
    if negotiation.wants_aggregated_discovery(request.headers.get("Accept", "")):
        response = responses.ok(discovery.aggregated(core), content_type=negotiation.AGGREGATED_DISCOVERY)
    elif core:
        response = responses.ok(discovery.api_versions(request.get_host()))
    else:
        response = responses.ok(discovery.api_group_list())
    response["Vary"] = "Accept"
    return response


@endpoint
async def core_discovery(request: HttpRequest, sandbox: Sandbox) -> HttpResponseBase:
    return discovery_response(request, core=True)


@endpoint
async def group_discovery(request: HttpRequest, sandbox: Sandbox) -> HttpResponseBase:
    return discovery_response(request, core=False)


@endpoint
async def version(request: HttpRequest, sandbox: Sandbox) -> HttpResponseBase:
    only_get(request)
    return responses.ok(version_info())


@public
async def health(request: HttpRequest) -> HttpResponseBase:
    return responses.text("ok")


@endpoint
async def openapi_v2(request: HttpRequest, sandbox: Sandbox) -> HttpResponseBase:
    only_get(request)
    return HttpResponse(b"", content_type=openapi.V2_CONTENT_TYPE)


@endpoint
async def openapi_v3(request: HttpRequest, sandbox: Sandbox) -> HttpResponseBase:
    only_get(request)
    return responses.ok(openapi.index())


@endpoint
async def openapi_v3_document(request: HttpRequest, sandbox: Sandbox, rest: str) -> HttpResponseBase:
    only_get(request)
    found = openapi.group_version_paths().get(rest.removesuffix("/"))
    if found is None:
        raise paths.not_found()
    return responses.ok(openapi.document(*found))


@endpoint
async def unknown(request: HttpRequest, sandbox: Sandbox) -> HttpResponseBase:
    raise paths.not_found()


__all__ = ["StatusError"]
