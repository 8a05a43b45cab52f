"""Reading the Accept header: which representation the client asked for.

Clients list several media types, most preferred first, with parameters that select a
*shape* rather than an encoding: `application/json;as=Table;v=v1;g=meta.k8s.io` asks for
a server-side printed Table, `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`
for aggregated discovery. Everything is answered in JSON, which every client also lists.
"""

from dataclasses import dataclass, field

AGGREGATED_DISCOVERY = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@dataclass(frozen=True)
class MediaRange:
    type: str
    params: dict[str, str] = field(default_factory=dict)


def media_ranges(accept: str) -> list[MediaRange]:
    ranges = []
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        pairs = (p.split("=", 1) for p in params if "=" in p)
        ranges.append(MediaRange(kind.lower(), {k.strip(): v.strip() for k, v in pairs}))
    return ranges


def wants_aggregated_discovery(accept: str) -> bool:
    """Aggregated discovery v2 only: a client that offers only v2beta1 gets the legacy documents."""
    return any(r.params.get("as") == "APIGroupDiscoveryList" and r.params.get("g") == "apidiscovery.k8s.io"
               and r.params.get("v") == "v2" for r in media_ranges(accept))
