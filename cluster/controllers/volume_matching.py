"""Which PersistentVolume fits a PersistentVolumeClaim: Kubernetes' FindMatchingVolume.

A claim asks for a class, access modes and a size (and maybe a label selector); a volume
offers the same. A volume fits when it is free (`Available`, or already reserved for this
very claim through its `claimRef`), in the same class, offers every access mode asked for
and at least the size requested, matches the selector and volume mode, and, for a claim
waiting for its first consumer, may be used on the node that consumer was scheduled to.
Among the volumes that fit, the smallest wins, so a 1Gi claim does not take a 100Gi disk
while a 1Gi one is free. A volume pre-bound to the claim wins outright.
"""

from decimal import Decimal
from typing import Any

from cluster import quantities, selectors
from cluster.kinds.storage import class_of
from cluster.objects import Obj, is_terminating, labels_of, name_of, namespace_of, uid_of

AVAILABLE = "Available"


def requested_size(claim: Obj) -> Decimal:
    requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
    return quantities.parse(requests.get("storage", "0"))


def capacity_of(volume: Obj) -> Decimal:
    return quantities.parse(((volume.get("spec") or {}).get("capacity") or {}).get("storage", "0"))


def is_reserved_for(volume: Obj, claim: Obj) -> bool:
    """The volume's claimRef names this claim (a pre-bound volume, or one we bound already)."""
    ref = (volume.get("spec") or {}).get("claimRef")
    if not isinstance(ref, dict):
        return False
    same = ref.get("name") == name_of(claim) and ref.get("namespace") == namespace_of(claim)
    return same and ref.get("uid") in (None, "", uid_of(claim))


def fits(volume: Obj, claim: Obj, node: Obj | None) -> bool:
    spec, wanted = volume.get("spec") or {}, claim.get("spec") or {}
    if is_terminating(volume) or spec.get("claimRef") or (volume.get("status") or {}).get("phase") != AVAILABLE:
        return False
    return (class_of(volume) == class_of(claim)
            and set(wanted.get("accessModes") or []) <= set(spec.get("accessModes") or [])
            and capacity_of(volume) >= requested_size(claim)
            and spec.get("volumeMode", "Filesystem") == wanted.get("volumeMode", "Filesystem")
            and selectors.from_label_selector(wanted.get("selector")).matches(labels_of(volume))
            and (node is None or allows_node(volume, node)))


def best_match(claim: Obj, volumes: list[Obj], node: Obj | None = None) -> Obj | None:
    """The volume this claim should bind to, or None."""
    for volume in volumes:
        if is_reserved_for(volume, claim) and not is_terminating(volume):
            return volume
    fitting = [v for v in volumes if fits(v, claim, node)]
    return min(fitting, key=lambda v: (capacity_of(v), name_of(v)), default=None)


def allows_node(volume: Obj, node: Obj) -> bool:
    """The volume's required nodeAffinity admits the node (a local disk is on one node only)."""
    terms = (((volume.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}).get("nodeSelectorTerms")
    if not terms:
        return True
    labels = labels_of(node)
    return any(all(_matches(expr, labels) for expr in term.get("matchExpressions") or []) for term in terms)


def _matches(expression: dict[str, Any], labels: dict[str, str]) -> bool:
    key, operator, values = expression.get("key", ""), expression.get("operator"), expression.get("values") or []
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False
