"""Discovery: the documents that tell a client which resources this server serves.

kubectl maps `kubectl get po` to `/api/v1/namespaces/default/pods` through them (short
names, categories such as `all`, verbs, subresources). Two forms are served, both built
from the `cluster.kinds` registry:

* legacy: `/api` (APIVersions), `/apis` (APIGroupList), `/apis/<g>` (APIGroup), and one
  APIResourceList per group-version (`/api/v1`, `/apis/<g>/<v>`); the Python client's
  DynamicClient reads only these;
* aggregated (apidiscovery.k8s.io/v2): everything in `/api` and `/apis` at once, when the
  Accept header asks for it, sent with that exact Content-Type or kubectl misreads it.
"""

import re
from dataclasses import dataclass
from typing import Any

from cluster import kinds
from cluster.kinds import Kind
from web.kubeapi import metrics_kinds

MUTATE = ("get", "patch", "update")


@dataclass(frozen=True)
class Subresource:
    """What a subresource answers with (None: the parent kind itself) and what may be done with it."""

    response: tuple[str, str, str] | None
    verbs: tuple[str, ...]


SUBRESOURCES = {
    "status": Subresource(None, MUTATE),
    "scale": Subresource(("autoscaling", "v1", "Scale"), MUTATE),
    "log": Subresource(None, ("get",)),
    "eviction": Subresource(("policy", "v1", "Eviction"), ("create",)),
    "binding": Subresource(("", "v1", "Binding"), ("create",)),
    "token": Subresource(("authentication.k8s.io", "v1", "TokenRequest"), ("create",)),
    "finalize": Subresource(None, ("update",)),
    "ephemeralcontainers": Subresource(None, MUTATE),
    "resize": Subresource(None, MUTATE),
    "exec": Subresource(("", "v1", "PodExecOptions"), ("create", "get")),
    "attach": Subresource(("", "v1", "PodAttachOptions"), ("create", "get")),
    "portforward": Subresource(("", "v1", "PodPortForwardOptions"), ("create", "get")),
}
PROXY_VERBS = ("create", "delete", "get", "patch", "update")
# The order kube-apiserver lists its groups in; groups it does not know come after, by name.
GROUP_ORDER = ("apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
               "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy",
               "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
               "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io",
               "discovery.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "metrics.k8s.io")


def subresource(kind: Kind, name: str) -> Subresource:
    if name == "proxy":
        return Subresource(("", "v1", f"{kind.kind}ProxyOptions"), PROXY_VERBS)
    return SUBRESOURCES.get(name, Subresource(None, ("get",)))


def served_kinds() -> list[Kind]:
    """The registry's kinds, plus the metrics API's, which no one stores (see `metrics_kinds`)."""
    return [*kinds.all_kinds(), *metrics_kinds.KINDS]


def version_priority(version: str) -> tuple[int, int, int]:
    """Kubernetes' order: GA before beta before alpha, higher numbers first (v2, v1, v1beta2, v1beta1)."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0, 0)
    stability = {"": 3, "beta": 2, "alpha": 1}[match.group(2) or ""]
    return (stability, int(match.group(1)), int(match.group(3) or 0))


def group_versions(group: str) -> list[str]:
    versions = {v for k in served_kinds() if k.group == group for v in k.versions}
    return sorted(versions, key=version_priority, reverse=True)


def groups() -> list[str]:
    named = {k.group for k in served_kinds() if k.group}
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    return sorted(named, key=lambda g: (order.get(g, len(order)), g))


def kinds_in(group: str, version: str) -> list[Kind]:
    return sorted((k for k in served_kinds() if k.group == group and version in k.versions),
                  key=lambda k: k.plural)


# --- legacy -----------------------------------------------------------------------------

def api_versions(server_address: str) -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": group_versions(""),
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def api_group(group: str) -> dict[str, Any]:
    versions = [{"groupVersion": f"{group}/{v}", "version": v} for v in group_versions(group)]
    return {"name": group, "versions": versions, "preferredVersion": versions[0]}


def api_group_document(group: str) -> dict[str, Any]:
    return {"kind": "APIGroup", "apiVersion": "v1", **api_group(group)}


def api_group_list() -> dict[str, Any]:
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [api_group(g) for g in groups()]}


def api_resource_list(group: str, version: str) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for kind in kinds_in(group, version):
        resources.append(api_resource(kind))
        resources += [api_subresource(kind, group, version, name) for name in sorted(kind.subresources)]
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}


def api_resource(kind: Kind) -> dict[str, Any]:
    resource: dict[str, Any] = {"name": kind.plural, "singularName": kind.singular, "namespaced": kind.namespaced,
                                "kind": kind.kind, "verbs": list(kind.verbs)}
    if kind.short_names:
        resource["shortNames"] = list(kind.short_names)
    if kind.categories:
        resource["categories"] = list(kind.categories)
    return resource


def api_subresource(kind: Kind, group: str, version: str, name: str) -> dict[str, Any]:
    sub = subresource(kind, name)
    resource: dict[str, Any] = {"name": f"{kind.plural}/{name}", "singularName": "", "namespaced": kind.namespaced}
    if sub.response is None:
        resource["kind"] = kind.kind
    else:
        sub_group, sub_version, sub_kind = sub.response
        if (sub_group, sub_version) != (group, version):
            resource["group"], resource["version"] = sub_group, sub_version
        resource["kind"] = sub_kind
    resource["verbs"] = list(sub.verbs)
    return resource


# --- aggregated (apidiscovery.k8s.io/v2) ----------------------------------------------

def aggregated(core: bool) -> dict[str, Any]:
    items = [aggregated_group("")] if core else [aggregated_group(g) for g in groups()]
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items}


def aggregated_group(group: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"creationTimestamp": None}
    if group:
        metadata["name"] = group
    versions = [{"version": v, "resources": [aggregated_resource(k, group, v) for k in kinds_in(group, v)],
                 "freshness": "Current"} for v in group_versions(group)]
    return {"metadata": metadata, "versions": versions}


def aggregated_resource(kind: Kind, group: str, version: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resource": kind.plural, "responseKind": {"group": group, "version": version, "kind": kind.kind},
        "scope": "Namespaced" if kind.namespaced else "Cluster", "singularResource": kind.singular,
        "verbs": list(kind.verbs)}
    if kind.short_names:
        resource["shortNames"] = list(kind.short_names)
    if kind.categories:
        resource["categories"] = list(kind.categories)
    if kind.subresources:
        resource["subresources"] = [aggregated_subresource(kind, group, version, s) for s in sorted(kind.subresources)]
    return resource


def aggregated_subresource(kind: Kind, group: str, version: str, name: str) -> dict[str, Any]:
    sub = subresource(kind, name)
    sub_group, sub_version, sub_kind = sub.response or (group, version, kind.kind)
    return {"subresource": name, "responseKind": {"group": sub_group, "version": sub_version, "kind": sub_kind},
            "verbs": list(sub.verbs)}
