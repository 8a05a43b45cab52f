"""How objects and lists go out: as they are, or as a server-side printed Table.

kubectl asks for `as=Table` and prints whatever columns the server sends; everyone else
gets the object, or a `<Kind>List` whose `metadata.resourceVersion` is where a watch
continues from and whose `items` is never omitted (the Python client requires it).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse

from cluster import clock
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj
from web.kubeapi import conversion, responses, tables
from web.kubeapi.paths import Target


def wants_table(request: HttpRequest) -> bool:
    return tables.wants_table(request.headers.get("Accept", ""))


def as_table(request: HttpRequest, sandbox: Sandbox, kind: Kind, objects: list[Obj], rv: str) -> HttpResponse:
    include = request.GET.get("includeObject") or "Metadata"
    return responses.ok(tables.table(kind, objects, clock.now(sandbox), include_object=include, resource_version=rv))


def object_list(kind: Kind, target: Target, items: list[Obj], rv: int) -> dict[str, Any]:
    return {"kind": f"{kind.kind}List", "apiVersion": target.api_version,
            "metadata": {"resourceVersion": str(rv)}, "items": conversion.items_to_client(target, items)}


def present_list(request: HttpRequest, sandbox: Sandbox, target: Target, items: list[Obj], rv: int) -> HttpResponse:
    if wants_table(request):
        return as_table(request, sandbox, target.kind, items, str(rv))
    return responses.ok(object_list(target.kind, target, items, rv))


def present_object(request: HttpRequest, sandbox: Sandbox, target: Target, obj: Obj, status: int = 200,
                   warnings: list[str] | None = None) -> HttpResponse:
    if status == 200 and wants_table(request):
        return as_table(request, sandbox, target.kind, [obj], str(obj["metadata"].get("resourceVersion", "")))
    return responses.ok(conversion.to_client(target, obj), status, warnings=warnings or ())
