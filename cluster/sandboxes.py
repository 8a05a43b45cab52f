"""Creating, resetting and deleting sandboxes: one simulated cluster each.

A new sandbox starts as a fresh cluster would: the four system namespaces, a `default`
ServiceAccount in each, the `kubernetes` Service once Services exist, and its nodes. A
node is created bare, with its machine size in annotations; its simulated kubelet then
registers it (capacity, nodeInfo, addresses, the Ready condition), as a real one does.
"""

from django.db import transaction
from django.utils import timezone

from cluster import dns, errors, kinds, store
from cluster.controllers import provisioning
from cluster.kinds.namespace import SYSTEM
from cluster.models import Profile, Sandbox
from cluster.objects import Obj
from cluster.validation import dns1123_label

CPU = "kubelab.io/cpu"
MEMORY = "kubelab.io/memory"
PODS = "kubelab.io/pods"


def create(name: str, *, nodes: int = 3, profile: str = Profile.REALISTIC, speed: float = 1.0,
           node_cpu: str = "4", node_memory: str = "8Gi") -> Sandbox:
    causes = dns1123_label("name", name)
    if causes:
        raise errors.invalid("Sandbox", "", name, causes)
    if Sandbox.objects.filter(name=name).exists():
        raise errors.already_exists("sandboxes", "", name)
    wall = timezone.now()
    with transaction.atomic():
        sandbox = Sandbox.objects.create(name=name, profile=profile, speed=speed, clock=wall, ticked_at=wall)
        seed(sandbox)
        for index in range(1, nodes + 1):
            add_node(sandbox, f"node-{index}", cpu=node_cpu, memory=node_memory)
    return sandbox


def seed(sandbox: Sandbox) -> None:
    for namespace in SYSTEM:
        store.create(sandbox, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        store.create(sandbox, {"apiVersion": "v1", "kind": "ServiceAccount",
                               "metadata": {"name": "default", "namespace": namespace}}, namespace=namespace)
    if kinds.by_kind("", "Service") is not None:
        store.create(sandbox, kubernetes_service(), namespace="default")
        store.create(sandbox, dns.kube_dns_service(), namespace="kube-system")
    store.create(sandbox, provisioning.default_storage_class())


def kubernetes_service() -> Obj:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                                                     "targetPort": 6443}]}}


def new_node(name: str, *, cpu: str = "4", memory: str = "8Gi", pods: int = 110,
             labels: dict[str, str] | None = None) -> Obj:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name,
                         "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                    "kubernetes.io/arch": "amd64", **(labels or {})},
                         "annotations": {CPU: cpu, MEMORY: memory, PODS: str(pods)}},
            "spec": {}}


def add_node(sandbox: Sandbox, name: str, *, cpu: str = "4", memory: str = "8Gi",
             labels: dict[str, str] | None = None) -> Obj:
    return store.create(sandbox, new_node(name, cpu=cpu, memory=memory, labels=labels))


def delete(name: str) -> None:
    deleted, _ = Sandbox.objects.filter(name=name).delete()
    if not deleted:
        raise errors.not_found("sandboxes", "", name)
