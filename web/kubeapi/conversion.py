"""Serving a kind in more than one version: convert to the stored version on the way in, back on the way out.

kube-apiserver stores each kind in one version and converts for clients of the others. The
one KubeLab needs is the HorizontalPodAutoscaler, stored as autoscaling/v2: a client of
autoscaling/v1 (older kubectl, the Python client's AutoscalingV1Api) sends and receives the
v1 form, whose only metric is `targetCPUUtilizationPercentage` (`cluster.kinds.hpa`).
Tables are printed from the stored form, so they need no conversion.
"""

from collections.abc import Callable

from cluster.kinds import hpa
from cluster.objects import Obj
from web.kubeapi.paths import Target

Converter = Callable[[Obj], Obj]
# (group, kind, version served) -> (to the stored version, from the stored version)
CONVERSIONS: dict[tuple[str, str, str], tuple[Converter, Converter]] = {
    ("autoscaling", "HorizontalPodAutoscaler", "v1"): (hpa.to_v2, hpa.to_v1),
}


def _pair(target: Target) -> tuple[Converter, Converter] | None:
    return CONVERSIONS.get((target.kind.group, target.kind.kind, target.version))


def to_storage(target: Target, obj: Obj) -> Obj:
    """A client's object in the version it asked for, as the store keeps it."""
    pair = _pair(target)
    return pair[0](obj) if pair else obj


def to_client(target: Target, obj: Obj) -> Obj:
    """A stored object in the version the client asked for."""
    pair = _pair(target)
    if pair is None or obj.get("kind") != target.kind.kind:
        return obj  # a Status, or already in the client's form
    return pair[1](obj)


def items_to_client(target: Target, items: list[Obj]) -> list[Obj]:
    return [to_client(target, item) for item in items] if _pair(target) else items
