"""Ingress, IngressClass and NetworkPolicy: how traffic reaches and moves between pods.

An Ingress routes outside HTTP(S) requests by host and path to Services; an ingress
controller (named by an IngressClass) implements it and reports its address in the status.
A NetworkPolicy restricts which pods may talk to the pods it selects, per direction
(`Ingress`, `Egress`).
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.workload import selector_text
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta, required, unsupported_value

PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
HOSTS_SHOWN = 3


def default_ingress(ing: Obj) -> None:
    ing.setdefault("status", {}).setdefault("loadBalancer", {})


def validate_ingress(ing: Obj) -> list[Cause]:
    causes = object_meta(ing, namespaced=True)
    spec = ing.get("spec") or {}
    for i, rule in enumerate(spec.get("rules") or []):
        for j, path in enumerate(((rule or {}).get("http") or {}).get("paths") or []):
            causes += validate_path(path, f"spec.rules[{i}].http.paths[{j}]")
    return causes


def validate_path(path: dict[str, Any], at: str) -> list[Cause]:
    kind = path.get("pathType")
    if not kind:
        return [required(f"{at}.pathType", "pathType must be specified")]
    if kind not in PATH_TYPES:
        return [unsupported_value(f"{at}.pathType", kind, PATH_TYPES)]
    value = path.get("path", "")
    if kind in ("Exact", "Prefix") and not str(value).startswith("/"):
        return [invalid_value(f"{at}.path", value, "must be an absolute path")]
    return []


def hosts_text(rules: list[dict[str, Any]]) -> str:
    hosts = [r["host"] for r in rules if r.get("host")][:HOSTS_SHOWN]
    if not hosts:
        return "*"
    more = len(rules) - HOSTS_SHOWN
    return ",".join(hosts) + (f" + {more} more..." if more > 0 else "")


def address_text(ing: Obj) -> str:
    ingress = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return ",".join(sorted({i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")}))


def ingress_cells(ing: Obj, now: datetime) -> list[Any]:
    spec = ing.get("spec") or {}
    return [name_of(ing), spec.get("ingressClassName") or "<none>", hosts_text(spec.get("rules") or []),
            address_text(ing), "80, 443" if spec.get("tls") else "80", age(ing, now)]


def validate_class(ic: Obj) -> list[Cause]:
    causes = object_meta(ic, namespaced=False)
    if not (ic.get("spec") or {}).get("controller"):
        causes.append(required("spec.controller"))
    return causes


def class_cells(ic: Obj, now: datetime) -> list[Any]:
    spec = ic.get("spec") or {}
    params = spec.get("parameters")
    text = "<none>"
    if isinstance(params, dict):
        group = f".{params['apiGroup']}" if params.get("apiGroup") else ""
        text = f"{params.get('kind', '')}{group}/{params.get('name', '')}"
    return [name_of(ic), spec.get("controller", ""), text, age(ic, now)]


def default_policy(np: Obj) -> None:
    spec = np.setdefault("spec", {})
    spec.setdefault("podSelector", {})
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    for rule in [*(spec.get("ingress") or []), *(spec.get("egress") or [])]:
        for port in (rule or {}).get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")


def validate_policy(np: Obj) -> list[Cause]:
    causes = object_meta(np, namespaced=True)
    for i, kind in enumerate((np.get("spec") or {}).get("policyTypes") or []):
        if kind not in ("Egress", "Ingress"):
            causes.append(unsupported_value(f"spec.policyTypes[{i}]", kind, ["Egress", "Ingress"]))
    return causes


def policy_cells(np: Obj, now: datetime) -> list[Any]:
    return [name_of(np), selector_text((np.get("spec") or {}).get("podSelector")), age(np, now)]


INGRESS = register(Kind(
    group="networking.k8s.io", version="v1", kind="Ingress", plural="ingresses", short_names=("ing",),
    subresources=("status",), default=default_ingress, validate=validate_ingress,
    columns=(NAME, Column("Class", description="The name of the IngressClass resource that should be used for "
                          "additional configuration"),
             Column("Hosts", description="Hosts that incoming requests are matched against before the ingress rule"),
             Column("Address", description="Address is a list containing ingress points for the load-balancer"),
             Column("Ports", description="Ports of TLS configurations that open"), AGE),
    cells=ingress_cells,
))
INGRESS_CLASS = register(Kind(
    group="networking.k8s.io", version="v1", kind="IngressClass", plural="ingressclasses", namespaced=False,
    validate=validate_class,
    columns=(NAME, Column("Controller", description="Controller that is responsible for handling this class"),
             Column("Parameters", description="A reference to a resource with additional parameters"), AGE),
    cells=class_cells,
))
NETWORK_POLICY = register(Kind(
    group="networking.k8s.io", version="v1", kind="NetworkPolicy", plural="networkpolicies", short_names=("netpol",),
    default=default_policy, validate=validate_policy,
    columns=(NAME, Column("Pod-Selector", description="Selects the pods to which this NetworkPolicy object applies."),
             AGE),
    cells=policy_cells,
))
