"""Builders for storage objects: claims, volumes, classes, and pods that mount them."""

from typing import Any

from cluster.controllers import provisioning
from cluster.objects import Obj
from tests.builders import new_pod, stamp


def new_claim(name: str = "data", *, namespace: str = "default", size: str = "1Gi", storage_class: str | None = None,
              modes: tuple[str, ...] = ("ReadWriteOnce",), volume: str = "", **spec: Any) -> Obj:
    claim_spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": size}},
                                  "volumeMode": "Filesystem", **spec}
    if storage_class is not None:
        claim_spec["storageClassName"] = storage_class
    if volume:
        claim_spec["volumeName"] = volume
    return stamp({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                  "metadata": {"name": name, "namespace": namespace}, "spec": claim_spec,
                  "status": {"phase": "Pending"}})


def new_volume(name: str = "pv-1", *, size: str = "1Gi", storage_class: str = "", phase: str = "Available",
               modes: tuple[str, ...] = ("ReadWriteOnce",), policy: str = "Retain", claim: Obj | None = None,
               labels: dict[str, str] | None = None) -> Obj:
    spec: dict[str, Any] = {"capacity": {"storage": size}, "accessModes": list(modes),
                            "persistentVolumeReclaimPolicy": policy, "volumeMode": "Filesystem",
                            "hostPath": {"path": f"/mnt/{name}"}}
    if storage_class:
        spec["storageClassName"] = storage_class
    if claim is not None:
        spec["claimRef"] = provisioning.claim_ref(claim)
    return stamp({"apiVersion": "v1", "kind": "PersistentVolume",
                  "metadata": {"name": name, "labels": dict(labels or {})}, "spec": spec,
                  "status": {"phase": phase}})


def new_class(name: str = "standard", *, mode: str = "Immediate", default: bool = True,
              provisioner: str = provisioning.PROVISIONER, policy: str = "Delete") -> Obj:
    sc = provisioning.default_storage_class()
    sc["metadata"] = {"name": name, "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}
                      if default else {}}
    sc.update(provisioner=provisioner, volumeBindingMode=mode, reclaimPolicy=policy)
    return stamp(sc)


def pod_with_claim(name: str = "web", claim: str = "data", *, node: str = "", mount: str = "/data") -> Obj:
    pod = new_pod(name, node=node, volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": claim}}])
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": mount}]
    return pod
