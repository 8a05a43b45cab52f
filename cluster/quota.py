"""Per-sandbox quotas: how much one learner's simulated cluster may hold.

A class of a hundred shares one server, so each sandbox gets a ceiling on its nodes, its pods
and its objects overall. A create that would go past one is refused the way a Kubernetes
ResourceQuota refuses it: 403 Forbidden, `exceeded quota: sandbox-quota, requested: pods=1,
used: pods=200, limited: pods=200`. Events are not counted: controllers write them, and the
API server's own bookkeeping should not lock a learner out.

This module is pure: the store counts (from its in-memory state or with one COUNT query) and
asks `exceeded` whether the create fits.
"""

import os
from dataclasses import dataclass

from cluster import errors

QUOTA_NAME = "sandbox-quota"
# The quota's resource names, as a ResourceQuota would spell them.
PODS, NODES, OBJECTS = "pods", "count/nodes", "count/objects"


def _env_int(name: str, default: int) -> int:
    """A limit from the environment; a value that is not a whole number stops the start, naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"Unexpected value {name}={value!r}; use a whole number")
    return int(value)


@dataclass(frozen=True)
class Limits:
    pods: int = 200
    nodes: int = 10
    objects: int = 2000
    # The largest request body the API accepts for this sandbox (kube-apiserver's is 3 MiB).
    request_bytes: int = 3 * 1024 * 1024


LIMITS = Limits(pods=_env_int("KUBELAB_QUOTA_PODS", 200), nodes=_env_int("KUBELAB_QUOTA_NODES", 10),
                objects=_env_int("KUBELAB_QUOTA_OBJECTS", 2000),
                request_bytes=_env_int("KUBELAB_QUOTA_REQUEST_BYTES", 3 * 1024 * 1024))


def counted(group: str, kind: str) -> bool:
    """Whether a create of this kind counts against the quota at all."""
    return not (kind == "Event" and group in ("", "events.k8s.io"))


def resources(group: str, kind: str) -> list[str]:
    """The quota resources one new object of this kind uses."""
    if not counted(group, kind):
        return []
    specific = {("", "Pod"): PODS, ("", "Node"): NODES}.get((group, kind))
    return [specific, OBJECTS] if specific else [OBJECTS]


def limit_of(resource: str, limits: Limits) -> int:
    return {PODS: limits.pods, NODES: limits.nodes, OBJECTS: limits.objects}[resource]


def exceeded(plural: str, group: str, name: str, used: dict[str, int], limits: Limits | None = None
             ) -> errors.StatusError | None:
    """The Forbidden error when one more object would pass a limit (LIMITS unless given); None when it fits."""
    limits = limits or LIMITS
    for resource, count in used.items():
        limit = limit_of(resource, limits)
        if count + 1 > limit:
            message = (f'{errors.qualified(plural, group)} "{name}" is forbidden: exceeded quota: {QUOTA_NAME}, '
                       f"requested: {resource}=1, used: {resource}={count}, limited: {resource}={limit}")
            return errors.forbidden(message, {"name": name, "group": group, "kind": plural})
    return None
