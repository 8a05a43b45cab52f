"""Minimal manifests, one per kind, as a learner would write them, and a helper that runs them
through the API server's create path (strip, default, validate) without a database."""

from typing import Any

from cluster import admission, kinds
from cluster.objects import Obj


def admit(obj: Obj, namespace: str = "default") -> Obj:
    kind = kinds.for_object(obj)
    assert kind is not None, obj.get("kind")
    return admission.prepare_create(kind, obj, namespace=namespace, name_seed="1")


def template(labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"labels": labels or {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}], **spec}}


def workload(kind: str, api_version: str = "apps/v1", **spec: Any) -> Obj:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template(), **spec}}


def service(name: str = "web", **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec}}


def job(**spec: Any) -> Obj:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
            "spec": {"template": template({"app": "pi"}, restartPolicy="Never"), **spec}}


def cronjob(**spec: Any) -> Obj:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
            "spec": {"schedule": "*/5 * * * *",
                     "jobTemplate": {"spec": {"template": template({"app": "hello"}, restartPolicy="OnFailure")}},
                     **spec}}


def hpa(**spec: Any) -> Obj:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "maxReplicas": 5, **spec}}


def every_kind() -> dict[str, Obj]:
    """One minimal, valid manifest of each kind this catalogue adds, keyed by the Python client model."""
    return {
        "V1Service": service(),
        "V1Endpoints": {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web"},
                        "subsets": [{"addresses": [{"ip": "10.244.1.5"}], "ports": [{"port": 80}]}]},
        "V1ReplicationController": {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "web"},
                                    "spec": {"template": template()}},
        "V1PersistentVolume": {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
                               "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                        "hostPath": {"path": "/data"}}},
        "V1PersistentVolumeClaim": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                                    "spec": {"accessModes": ["ReadWriteOnce"],
                                             "resources": {"requests": {"storage": "1Gi"}}}},
        "V1LimitRange": {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "limits"},
                         "spec": {"limits": [{"type": "Container", "max": {"cpu": 1}}]}},
        "V1ResourceQuota": {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "quota"},
                            "spec": {"hard": {"pods": 10}}},
        "V1PodTemplate": {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "tpl"},
                          "template": template()},
        "V1Deployment": workload("Deployment"),
        "V1StatefulSet": workload("StatefulSet", serviceName="web", volumeClaimTemplates=[
            {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                    "resources": {"requests": {"storage": "1Gi"}}}}]),
        "V1DaemonSet": workload("DaemonSet"),
        "V1ControllerRevision": {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "web-1"},
                                 "revision": 1, "data": {"spec": {}}},
        "V1Job": job(),
        "V1CronJob": cronjob(),
        "V2HorizontalPodAutoscaler": hpa(),
        "V1EndpointSlice": {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                            "metadata": {"name": "web-abcde"}, "addressType": "IPv4",
                            "endpoints": [{"addresses": ["10.244.1.5"]}], "ports": [{"port": 80}]},
        "V1Ingress": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
                      "spec": {"rules": [{"host": "web.example.com", "http": {"paths": [
                          {"path": "/", "pathType": "Prefix",
                           "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}},
        "V1NetworkPolicy": {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                            "metadata": {"name": "deny"}, "spec": {"podSelector": {}}},
        "V1IngressClass": {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
                           "spec": {"controller": "k8s.io/ingress-nginx"}},
        "V1StorageClass": {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "standard"},
                           "provisioner": "rancher.io/local-path"},
        "V1PodDisruptionBudget": {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
                                  "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}},
        "V1Role": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader"},
                   "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]},
        "V1RoleBinding": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                          "metadata": {"name": "read"}, "roleRef": {"kind": "Role", "name": "reader"},
                          "subjects": [{"kind": "User", "name": "jane"}]},
        "V1ClusterRole": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                          "metadata": {"name": "viewer"}, "rules": [{"nonResourceURLs": ["/healthz"],
                                                                     "verbs": ["get"]}]},
        "V1ClusterRoleBinding": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                                 "metadata": {"name": "view"}, "roleRef": {"kind": "ClusterRole", "name": "viewer"},
                                 "subjects": [{"kind": "ServiceAccount", "name": "default",
                                               "namespace": "default"}]},
        "V1PriorityClass": {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                            "value": 1000},
    }
