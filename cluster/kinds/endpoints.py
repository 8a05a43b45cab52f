"""Endpoints and EndpointSlice: the pod addresses behind a Service, as its controllers found them.

The endpoints controller keeps one `Endpoints` object per Service (same name) listing the
ready pods' IPs and the target ports; the newer EndpointSlice controller keeps the same
information split into `EndpointSlice`s of at most 100 endpoints, labelled
`kubernetes.io/service-name`. kube-proxy programs each node from them.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.workload import set_missing
from cluster.objects import Obj, name_of
from cluster.validation import object_meta, required, unsupported_value

ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]
# Both printers show at most three addresses, then "+ N more...".
SHOWN = 3


def default_endpoints(ep: Obj) -> None:
    for subset in ep.get("subsets") or []:
        for port in (subset or {}).get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")


def with_more(shown: list[str], count: int, empty: str) -> str:
    text = ",".join(shown[:SHOWN])
    if count > SHOWN:
        return f"{text} + {count - SHOWN} more..."
    return text or empty


def endpoints_text(ep: Obj) -> str:
    """The ENDPOINTS column: `10.244.1.5:80,10.244.2.7:80 + 2 more...`, or `<none>`."""
    shown: list[str] = []
    count = 0
    for subset in ep.get("subsets") or []:
        ips = [a.get("ip", "") for a in subset.get("addresses") or []]
        ports = subset.get("ports") or []
        pairs = [f"{ip}:{p.get('port')}" for p in ports for ip in ips] if ports else ips
        count += len(pairs)
        shown = (shown + pairs)[:SHOWN]
    # Subsets without addresses print as an empty cell, no subsets at all as <none>.
    return with_more(shown, count, "") if ep.get("subsets") else "<none>"


def endpoints_cells(ep: Obj, now: datetime) -> list[Any]:
    return [name_of(ep), endpoints_text(ep), age(ep, now)]


def default_slice(eps: Obj) -> None:
    for port in eps.get("ports") or []:
        if isinstance(port, dict):
            set_missing(port, {"name": "", "protocol": "TCP"})
    for endpoint in eps.get("endpoints") or []:
        if isinstance(endpoint, dict):
            endpoint.setdefault("conditions", {})


def validate_slice(eps: Obj) -> list[Cause]:
    causes = object_meta(eps, namespaced=True)
    address_type = eps.get("addressType")
    if not address_type:
        causes.append(required("addressType"))
    elif address_type not in ADDRESS_TYPES:
        causes.append(unsupported_value("addressType", address_type, ADDRESS_TYPES))
    for i, endpoint in enumerate(eps.get("endpoints") or []):
        if not isinstance(endpoint, dict) or not endpoint.get("addresses"):
            causes.append(required(f"endpoints[{i}].addresses"))
    return causes


def slice_ports_text(eps: Obj) -> str:
    ports = [str(p.get("port") or p.get("name") or "*") for p in eps.get("ports") or []]
    return with_more(ports, len(ports), "<unset>")


def slice_endpoints_text(eps: Obj) -> str:
    addresses = [a for e in eps.get("endpoints") or [] for a in e.get("addresses") or []]
    return with_more(addresses, len(addresses), "<unset>")


def slice_cells(eps: Obj, now: datetime) -> list[Any]:
    return [name_of(eps), eps.get("addressType", ""), slice_ports_text(eps), slice_endpoints_text(eps), age(eps, now)]


ENDPOINTS = register(Kind(
    group="", version="v1", kind="Endpoints", plural="endpoints", short_names=("ep",), has_spec=False,
    default=default_endpoints, validate=lambda ep: object_meta(ep, namespaced=True),
    columns=(NAME, Column("Endpoints", description="The set of all endpoints is the union of all subsets."), AGE),
    cells=endpoints_cells,
))
ENDPOINT_SLICE = register(Kind(
    group="discovery.k8s.io", version="v1", kind="EndpointSlice", plural="endpointslices", has_spec=False,
    default=default_slice, validate=validate_slice,
    columns=(NAME, Column("AddressType", description="addressType specifies the type of address carried by this "
                          "EndpointSlice."),
             Column("Ports", description="ports specifies the list of network ports exposed by each endpoint in "
                    "this slice."),
             Column("Endpoints", description="endpoints is a list of unique endpoints in this slice."), AGE),
    cells=slice_cells,
))
