"""Which lists a strategic merge patch merges, and by which key.

A JSON merge patch replaces every list it touches. Kubernetes' strategic merge patch knows
better: `containers` is a list of things with names, so a patch naming container `nginx`
changes that container and leaves the others alone. What each list field does is declared in
the Go types of k8s.io/api with two struct tags, `patchStrategy` and `patchMergeKey`
(`Containers []Container ... patchStrategy:"merge" patchMergeKey:"name"`). This module copies
those tags into data: `TYPES` maps a Go type to its fields that carry patch metadata (or
lead to types that do), and `ROOTS` says which type each kind's object is.

A field that is absent from its type's table gets the default behaviour: maps merge key by
key, lists are replaced whole (`tolerations`, `args`, `command`, `imagePullSecrets` of a
ServiceAccount, a node's `taints`). Kinds without an entry (ConfigMap, Secret, custom
objects) only know their metadata.
"""

from dataclasses import dataclass
from enum import StrEnum


class Strategy(StrEnum):
    REPLACE = ""  # the default: a list in the patch replaces the live one
    MERGE = "merge"


@dataclass(frozen=True)
class Field:
    """Patch metadata of one field: the Go type it holds, its list strategy and merge key."""

    type: str = ""
    strategy: Strategy = Strategy.REPLACE
    merge_key: str = ""


NO_FIELD = Field()


def merged_by(key: str, type_: str = "") -> Field:
    """A list of objects merged element by element, matching elements by `key`."""
    return Field(type_, Strategy.MERGE, key)


# A list of scalars merged as a set (`finalizers`, a node's `podCIDRs`).
MERGED_SET = Field(strategy=Strategy.MERGE)
CONDITIONS = merged_by("type")


def _workload(spec: str, status: str = "WorkloadStatus") -> dict[str, Field]:
    return {"metadata": Field("ObjectMeta"), "spec": Field(spec), "status": Field(status)}


TYPES: dict[str, dict[str, Field]] = {
    "Object": {"metadata": Field("ObjectMeta")},
    "ObjectMeta": {"finalizers": MERGED_SET, "ownerReferences": merged_by("uid")},
    # Conditions by type is the one rule every status below shares.
    "WorkloadStatus": {"conditions": CONDITIONS},
    "PodTemplateSpec": {"metadata": Field("ObjectMeta"), "spec": Field("PodSpec")},
    "TemplateSpec": {"template": Field("PodTemplateSpec")},
    "Pod": _workload("PodSpec", "PodStatus"),
    "PodSpec": {
        "volumes": merged_by("name"),  # also retainKeys: the client sends $retainKeys per volume
        "initContainers": merged_by("name", "Container"),
        "containers": merged_by("name", "Container"),
        "ephemeralContainers": merged_by("name", "Container"),
        "imagePullSecrets": merged_by("name"),
        "hostAliases": merged_by("ip"),
        "topologySpreadConstraints": merged_by("topologyKey"),
        "schedulingGates": merged_by("name"),
        "resourceClaims": merged_by("name"),
    },
    "Container": {
        "ports": merged_by("containerPort"),
        "env": merged_by("name"),
        "volumeMounts": merged_by("mountPath"),
        "volumeDevices": merged_by("devicePath"),
    },
    "PodStatus": {
        "conditions": CONDITIONS,
        "podIPs": merged_by("ip"),
        "hostIPs": merged_by("ip"),
        "resourceClaimStatuses": merged_by("name"),
    },
    "PodTemplate": {"metadata": Field("ObjectMeta"), "template": Field("PodTemplateSpec")},
    "Service": _workload("ServiceSpec"),
    "ServiceSpec": {"ports": merged_by("port")},
    "Node": _workload("NodeSpec", "NodeStatus"),
    "NodeSpec": {"podCIDRs": MERGED_SET},
    "NodeStatus": {"conditions": CONDITIONS, "addresses": merged_by("type")},
    "Namespace": _workload(""),
    "ServiceAccount": {"metadata": Field("ObjectMeta"), "secrets": merged_by("name")},
    "Workload": _workload("TemplateSpec"),
    "Job": _workload("TemplateSpec"),
    "CronJob": _workload("CronJobSpec", ""),
    "CronJobSpec": {"jobTemplate": Field("JobTemplateSpec")},
    "JobTemplateSpec": {"metadata": Field("ObjectMeta"), "spec": Field("TemplateSpec")},
}

# (group, kind) -> the type of the whole object.
ROOTS: dict[tuple[str, str], str] = {
    ("", "Pod"): "Pod",
    ("", "PodTemplate"): "PodTemplate",
    ("", "ReplicationController"): "Workload",
    ("", "Service"): "Service",
    ("", "Node"): "Node",
    ("", "Namespace"): "Namespace",
    ("", "ServiceAccount"): "ServiceAccount",
    ("", "PersistentVolumeClaim"): "Workload",
    ("apps", "Deployment"): "Workload",
    ("apps", "ReplicaSet"): "Workload",
    ("apps", "StatefulSet"): "Workload",
    ("apps", "DaemonSet"): "Workload",
    ("batch", "Job"): "Job",
    ("batch", "CronJob"): "CronJob",
    ("autoscaling", "HorizontalPodAutoscaler"): "Workload",
    ("policy", "PodDisruptionBudget"): "Workload",
}


def root_type(group: str, kind: str) -> str:
    return ROOTS.get((group, kind), "Object")


def field_of(type_name: str, key: str) -> Field:
    return TYPES.get(type_name, {}).get(key, NO_FIELD)
