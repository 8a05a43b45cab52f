"""Volume mounts: before a pod's sandbox starts, its kubelet sets up the pod's volumes.

A non-optional ConfigMap or Secret volume whose object is missing, or a claim that is not
yet Bound, holds the pod in ContainerCreating with a `FailedMount` warning worded as the
kubelet words it. The pod starts by itself once the object appears or the claim binds:
the next round finds nothing wrong and the sandbox stage runs.
"""

from typing import Any

from cluster.actions import Action
from cluster.objects import Obj, namespace_of
from cluster.stages import Round
from cluster.stages.pod_facts import event, recorded

FAILED_MOUNT = "FailedMount"


def problem(pod: Obj, rnd: Round) -> str | None:
    """What stops this pod's volumes from mounting, as the kubelet's event says it; None when they mount."""
    unbound: list[str] = []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        found = _source_problem(volume, namespace_of(pod), rnd)
        if found == "unbound":
            unbound.append(str(volume.get("name", "")))
        elif found:
            return found
    if unbound:
        return (f"Unable to attach or mount volumes: unmounted volumes=[{' '.join(unbound)}], unattached volumes=[], "
                "failed to process volumes=[]: timed out waiting for the condition")
    return None


def _source_problem(volume: dict[str, Any], namespace: str, rnd: Round) -> str | None:
    name = str(volume.get("name", ""))
    if isinstance(volume.get("configMap"), dict):
        return _object_problem(volume["configMap"], "ConfigMap", "configmap", str(volume["configMap"].get("name", "")),
                               name, namespace, rnd)
    if isinstance(volume.get("secret"), dict):
        return _object_problem(volume["secret"], "Secret", "secret", str(volume["secret"].get("secretName", "")),
                               name, namespace, rnd)
    if isinstance(volume.get("persistentVolumeClaim"), dict):
        claim = rnd.state.get("PersistentVolumeClaim", namespace, str(volume["persistentVolumeClaim"].get("claimName")))
        return None if claim and (claim.get("status") or {}).get("phase") == "Bound" else "unbound"
    return None


def _object_problem(source: dict[str, Any], kind: str, word: str, object_name: str, volume: str, namespace: str,
                    rnd: Round) -> str | None:
    obj = rnd.state.get(kind, namespace, object_name)
    if obj is None and source.get("optional"):
        return None
    if obj is None:
        return f'MountVolume.SetUp failed for volume "{volume}" : {word} "{object_name}" not found'
    keys = {*(obj.get("data") or {}), *(obj.get("binaryData") or {})}
    for item in source.get("items") or []:
        if item.get("key") not in keys and not source.get("optional"):
            return f"{word} references non-existent config key: {item.get('key')}"
    return None


def blocked(pod: Obj, rnd: Round) -> bool:
    return problem(pod, rnd) is not None


def warn(pod: Obj, rnd: Round) -> list[Action]:
    """Say it once; the kubelet repeats itself every couple of minutes, which would only add noise here."""
    message = problem(pod, rnd) or ""
    return [] if recorded(pod, rnd, FAILED_MOUNT, message) else [event(pod, FAILED_MOUNT, message, warning=True)]
