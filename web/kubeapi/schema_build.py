"""Regenerate `schema.json`, the field names the API knows per kind, from the official Python client.

A development tool, not used at run time: it needs the `kubernetes` package (a dev
dependency), whose generated models mirror the OpenAPI of the Kubernetes release they were
built from. Run `python -m web.kubeapi.schema_build > web/kubeapi/schema.json` after
upgrading that package or adding a kind to `KINDS`; a test checks the file is current.
"""

import importlib
import json
import sys
import typing
from typing import Any

# (apiVersion, kind) -> the client's model class: every kind KubeLab serves or may soon serve.
KINDS = {
    ("v1", "Pod"): "V1Pod", ("v1", "Namespace"): "V1Namespace", ("v1", "Node"): "V1Node",
    ("v1", "Service"): "V1Service", ("v1", "Endpoints"): "V1Endpoints", ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Secret"): "V1Secret", ("v1", "ServiceAccount"): "V1ServiceAccount", ("v1", "Event"): "CoreV1Event",
    ("v1", "PersistentVolume"): "V1PersistentVolume", ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("v1", "ReplicationController"): "V1ReplicationController", ("v1", "LimitRange"): "V1LimitRange",
    ("v1", "ResourceQuota"): "V1ResourceQuota", ("v1", "PodTemplate"): "V1PodTemplate", ("v1", "Binding"): "V1Binding",
    ("apps/v1", "Deployment"): "V1Deployment", ("apps/v1", "ReplicaSet"): "V1ReplicaSet",
    ("apps/v1", "StatefulSet"): "V1StatefulSet", ("apps/v1", "DaemonSet"): "V1DaemonSet",
    ("apps/v1", "ControllerRevision"): "V1ControllerRevision",
    ("batch/v1", "Job"): "V1Job", ("batch/v1", "CronJob"): "V1CronJob",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "V1HorizontalPodAutoscaler",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2HorizontalPodAutoscaler", ("autoscaling/v1", "Scale"): "V1Scale",
    ("networking.k8s.io/v1", "Ingress"): "V1Ingress", ("networking.k8s.io/v1", "IngressClass"): "V1IngressClass",
    ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy",
    ("rbac.authorization.k8s.io/v1", "Role"): "V1Role",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "V1RoleBinding",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "V1ClusterRole",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "V1ClusterRoleBinding",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget", ("policy/v1", "Eviction"): "V1Eviction",
    ("coordination.k8s.io/v1", "Lease"): "V1Lease", ("discovery.k8s.io/v1", "EndpointSlice"): "V1EndpointSlice",
    ("storage.k8s.io/v1", "StorageClass"): "V1StorageClass", ("events.k8s.io/v1", "Event"): "EventsV1Event",
    ("scheduling.k8s.io/v1", "PriorityClass"): "V1PriorityClass",
    ("authentication.k8s.io/v1", "TokenRequest"): "AuthenticationV1TokenRequest",
}


def model_class(name: str) -> Any:
    return getattr(importlib.import_module("kubernetes.client.models"), name)


def nested_model(annotation: Any) -> tuple[Any, bool]:
    """The model class inside Optional[...] / List[...], and whether it is a list; None for scalars and maps."""
    origin = typing.get_origin(annotation)
    if origin is dict:
        return None, False
    if origin in (typing.Union, list):
        for arg in typing.get_args(annotation):
            found, is_list = nested_model(arg)
            if found is not None:
                return found, is_list or origin is list
        return None, False
    is_model = isinstance(annotation, type) and hasattr(annotation, "attribute_map")
    return (annotation if is_model else None), False


def collect(cls: Any, types: dict[str, dict[str, str]]) -> None:
    if cls.__name__ in types:
        return
    fields: dict[str, str] = {}
    types[cls.__name__] = fields
    for attribute, json_name in cls.attribute_map.items():
        # Python keywords get a prefix in the model (`_exec` in attribute_map, `var_exec` as the field).
        model_field = cls.model_fields.get(attribute) or cls.model_fields[f"var{attribute}"]
        child, is_list = nested_model(model_field.annotation)
        fields[json_name] = f"{'[]' if is_list else ''}{child.__name__}" if child is not None else ""
        if child is not None:
            collect(child, types)


def build() -> dict[str, Any]:
    types: dict[str, dict[str, str]] = {}
    kinds: dict[str, str] = {}
    for (api_version, kind), name in sorted(KINDS.items()):
        cls = model_class(name)
        collect(cls, types)
        kinds[f"{api_version}/{kind}"] = name
    return {"kinds": kinds, "types": dict(sorted(types.items()))}


if __name__ == "__main__":
    json.dump(build(), sys.stdout, indent=0, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")
