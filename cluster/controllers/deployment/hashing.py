"""pod-template-hash: the short name a Deployment gives each version of its pod template.

Every ReplicaSet a Deployment creates is called `<deployment>-<hash>`, and its pods carry the
label `pod-template-hash: <hash>`, so the pods of two template versions never match each
other's selector. Kubernetes computes the hash as FNV-32a over the template (plus the
Deployment's `status.collisionCount`, when a name was ever taken), printed in decimal and
spelled with a safe alphabet of consonants and digits (`7c5ddbdf54`): at most ten characters.

Two templates count as the same version when they are *semantically* equal, ignoring the hash
label (Kubernetes' EqualIgnoreHash). Clients send templates in slightly different shapes (
`kubectl rollout undo` sends `creationTimestamp: null` and `resources: {}`); the comparison and
the hash both work on a normalized template: API defaults applied, empty and null values dropped.
"""

import json
from typing import Any

from cluster.kinds.replicaset import default_template
from cluster.objects import Obj, copy

HASH_LABEL = "pod-template-hash"
# rand.SafeEncodeString's alphabet: no vowels (no words), no look-alikes (0/o, 1/l, 3/e).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
FNV32_OFFSET, FNV32_PRIME = 2166136261, 16777619


def compute_hash(template: Obj, collision_count: int | None = None) -> str:
    """The pod-template-hash of a Deployment's template, as `controller.ComputeHash`."""
    digest = fnv32a(json.dumps(normalized(template), sort_keys=True, separators=(",", ":")).encode())
    if collision_count is not None:
        # Go writes the count as 8 little-endian bytes of which only the low 4 are set.
        digest = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(8, "little"), digest)
    return safe_encode(str(digest))


def fnv32a(data: bytes, digest: int = FNV32_OFFSET) -> int:
    for byte in data:
        digest = ((digest ^ byte) * FNV32_PRIME) & 0xFFFFFFFF
    return digest


def safe_encode(text: str) -> str:
    return "".join(SAFE_ALPHABET[ord(char) % len(SAFE_ALPHABET)] for char in text)


def equal_ignore_hash(one: Obj | None, other: Obj | None) -> bool:
    """Whether two pod templates are the same version, whatever their pod-template-hash labels."""
    return normalized(one or {}) == normalized(other or {})


def normalized(template: Obj) -> Obj:
    """The template as the API server would store it, minus the hash label and empty values."""
    template = copy(template)
    labels = (template.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    default_template({"template": template})
    pruned: Obj = _pruned(template) or {}
    return pruned


def _pruned(value: Any) -> Any:
    """Drop nulls, empty maps, lists and strings: Go's semantic equality cannot tell them from unset."""
    if isinstance(value, dict):
        kept = {key: _pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if not _empty(item)}
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == [] or value == ""
