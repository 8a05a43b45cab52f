"""Simulated files in a pod: where a file written at a path is kept decides how long it lives.

KubeLab runs no containers, so there is no disk. Instead a file written through
`kubectl exec` (see `cluster.exec`) is a bit of text kept with the object whose life a real
file would share. The path is resolved against the container's `volumeMounts` (the longest
matching `mountPath` wins, `subPath` is honoured), and the volume behind the mount decides:

- `persistentVolumeClaim`: kept on the PersistentVolume the claim is bound to, so it survives
  the pod, and a new pod mounting the same claim (a StatefulSet's `web-0` re-created with
  `data-web-0`) reads it again; it goes when the volume is deleted (reclaim policy `Delete`);
- `hostPath`: kept on the Node, at the host path: another pod on the same node sees it;
- `configMap`, `secret` (and `projected`, `downwardAPI`): the object's keys, read-only;
- `emptyDir` and any other volume: kept on the pod, and gone with it;
- no mount at all: the container's own filesystem, gone when the container restarts.

Each place holds a small JSON map (path -> text) in the `kubelab.io/files` annotation, written
through the store like any change, and capped at `CAPACITY` bytes. Errors read as the shell
would print them: `FileError.reason` is the errno text ("Read-only file system").
"""

import base64
import binascii
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cluster import errors, kinds, store
from cluster.kinds.storage import FILES_ANNOTATION
from cluster.models import Sandbox
from cluster.objects import Obj, annotations_of, name_of

CAPACITY = 64 * 1024  # bytes of files per place: enough for lessons, small enough for an annotation
Files = dict[str, str]


class Errno(StrEnum):
    NOT_FOUND = "No such file or directory"
    READ_ONLY = "Read-only file system"
    IS_DIRECTORY = "Is a directory"
    NO_SPACE = "No space left on device"


class FileError(Exception):
    def __init__(self, path: str, reason: Errno) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class Where(StrEnum):
    PERSISTENT = "persistentVolumeClaim"
    HOST = "hostPath"
    READ_ONLY = "read-only"
    POD = "pod"
    CONTAINER = "container"


@dataclass(frozen=True)
class Place:
    """Where one path of one container lives: the kind of place, the volume, the path inside it."""

    where: Where
    volume: Obj  # the pod's volume entry ({} for the container's own filesystem)
    inside: str  # the path relative to the volume's root ("" for the root itself)
    mount_path: str
    read_only: bool


READ_ONLY_SOURCES = ("configMap", "secret", "projected", "downwardAPI")
STANDARD_DIRECTORIES = {"", "bin", "dev", "etc", "home", "lib", "mnt", "opt", "proc", "root", "run", "sbin", "srv",
                        "sys", "tmp", "usr", "var", "var/log", "var/tmp"}


def normalize(path: str) -> str:
    return posixpath.normpath(posixpath.join("/", path)).replace("//", "/")


def container_of(pod: Obj, container: str = "") -> Obj:
    containers = (pod.get("spec") or {}).get("containers") or []
    for candidate in containers:
        if not container or candidate.get("name") == container:
            return dict(candidate)
    raise errors.bad_request(f"container {container} is not valid for pod {name_of(pod)}")


def resolve(pod: Obj, container: str, path: str) -> Place:
    """The place behind `path` in `container`: the deepest mount containing it, or the container itself."""
    path = normalize(path)
    mount = deepest_mount(container_of(pod, container), path)
    if mount is None:
        return Place(Where.CONTAINER, {}, path.lstrip("/"), "/", False)
    root = normalize(mount.get("mountPath", "/"))
    volumes: list[Obj] = (pod.get("spec") or {}).get("volumes") or []
    volume: Obj = next((v for v in volumes if v.get("name") == mount.get("name")), {})
    inside = posixpath.join(mount.get("subPath") or "", path[len(root):].lstrip("/")).strip("/")
    where = _where(volume)
    return Place(where, volume, inside, root, bool(mount.get("readOnly")) or where == Where.READ_ONLY)


def deepest_mount(container: Obj, path: str) -> dict[str, str] | None:
    best: dict[str, str] | None = None
    for mount in container.get("volumeMounts") or []:
        root = normalize(mount.get("mountPath", "/"))
        inside = path == root or path.startswith(root.rstrip("/") + "/")
        if inside and (best is None or len(root) > len(normalize(best.get("mountPath", "/")))):
            best = mount
    return best


def _where(volume: Obj) -> Where:
    if "persistentVolumeClaim" in volume:
        return Where.PERSISTENT
    if "hostPath" in volume:
        return Where.HOST
    if any(source in volume for source in READ_ONLY_SOURCES):
        return Where.READ_ONLY
    return Where.POD


# --- the shelf behind each place: read its files, write them back --------------------------

@dataclass(frozen=True)
class Shelf:
    """An object that keeps files (a PV, a Node, the pod) and the key its map lives under."""

    kind: kinds.Kind
    namespace: str
    name: str
    scope: str  # "" when the annotation holds the files directly (a PV's)


def shelf_of(sandbox: Sandbox, pod: Obj, container: str, place: Place) -> Shelf | None:
    meta = pod["metadata"]
    if place.where == Where.PERSISTENT:
        return _volume_shelf(sandbox, meta["namespace"], place.volume["persistentVolumeClaim"].get("claimName", ""))
    if place.where == Where.HOST:
        node = (pod.get("spec") or {}).get("nodeName") or ""
        return Shelf(_kind("", "Node"), "", node, "") if node else None
    if place.where == Where.POD:
        return Shelf(_kind("", "Pod"), meta["namespace"], meta["name"], f"emptyDir/{place.volume.get('name', '')}")
    if place.where == Where.CONTAINER:
        name = container_of(pod, container)["name"]
        return Shelf(_kind("", "Pod"), meta["namespace"], meta["name"], f"container/{name}/{restarts(pod, name)}")
    return None


def _kind(group: str, kind: str) -> kinds.Kind:
    found = kinds.by_kind(group, kind)
    assert found is not None, kind
    return found


def _volume_shelf(sandbox: Sandbox, namespace: str, claim_name: str) -> Shelf | None:
    try:
        claim = store.get(sandbox, _kind("", "PersistentVolumeClaim"), namespace, claim_name)
    except errors.StatusError:
        return None
    volume = (claim.get("spec") or {}).get("volumeName")
    return Shelf(_kind("", "PersistentVolume"), "", volume, "") if volume else None


def restarts(pod: Obj, container: str) -> int:
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        if status.get("name") == container:
            return int(status.get("restartCount", 0))
    return 0


def _map_of(obj: Obj) -> dict[str, Any]:
    """The annotation's JSON: path -> text on a PV or Node; scope -> (path -> text) on a pod."""
    try:
        loaded = json.loads(annotations_of(obj).get(FILES_ANNOTATION) or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _texts(value: Any) -> Files:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def shelf_files(sandbox: Sandbox, shelf: Shelf) -> Files:
    try:
        obj = store.get(sandbox, shelf.kind, shelf.namespace, shelf.name)
    except errors.StatusError:
        return {}
    everything = _map_of(obj)
    return _texts(everything.get(shelf.scope) if shelf.scope else everything)


def change_shelf(sandbox: Sandbox, shelf: Shelf, path: str, change: Callable[[Files], Files]) -> None:
    """Rewrite the shelf's map through the store (retried on Conflict), refusing to outgrow CAPACITY."""
    def mutate(obj: Obj) -> Obj:
        everything: dict[str, Any] = _map_of(obj)
        if shelf.scope:
            everything[shelf.scope] = change(_texts(everything.get(shelf.scope)))
        else:
            everything = dict(change(_texts(everything)))
        text = json.dumps(everything, separators=(",", ":"), sort_keys=True)
        if len(text.encode()) > CAPACITY:
            raise FileError(path, Errno.NO_SPACE)
        obj["metadata"].setdefault("annotations", {})[FILES_ANNOTATION] = text
        return obj
    store.patch(sandbox, shelf.kind, shelf.namespace, shelf.name, mutate)


def read_only_files(sandbox: Sandbox, namespace: str, volume: Obj) -> Files:
    """A configMap or secret volume's files: its keys (or the `items` chosen), values decoded."""
    for source, kind, key in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
        spec = volume.get(source)
        if isinstance(spec, dict):
            try:
                obj = store.get(sandbox, _kind("", kind), namespace, str(spec.get(key, "")))
            except errors.StatusError:
                return {}
            return _selected(_decoded(obj), spec.get("items"))
    return {}


def _decoded(obj: Obj) -> Files:
    if obj.get("kind") == "ConfigMap":
        return {k: str(v) for k, v in (obj.get("data") or {}).items()}
    files = {k: str(v) for k, v in (obj.get("stringData") or {}).items()}
    for key, value in (obj.get("data") or {}).items():
        try:
            files[key] = base64.b64decode(str(value)).decode(errors="replace")
        except (binascii.Error, ValueError):
            files[key] = str(value)
    return files


def _selected(files: Files, items: list[dict[str, str]] | None) -> Files:
    if not items:
        return files
    return {item.get("path", item.get("key", "")): files[item.get("key", "")] for item in items
            if item.get("key") in files}


# --- what a shell does with them ------------------------------------------------------------

def _open(sandbox: Sandbox, namespace: str, pod_name: str, container: str, path: str
          ) -> tuple[Obj, Place, Shelf | None]:
    pod = store.get(sandbox, _kind("", "Pod"), namespace, pod_name)
    place = resolve(pod, container, path)
    return pod, place, shelf_of(sandbox, pod, container, place)


def files_at(sandbox: Sandbox, pod: Obj, place: Place, shelf: Shelf | None) -> Files:
    """Every file of the place, by its path inside the place."""
    if place.where == Where.READ_ONLY:
        return read_only_files(sandbox, pod["metadata"]["namespace"], place.volume)
    if shelf is None:
        return {}
    files = shelf_files(sandbox, shelf)
    if place.where == Where.HOST:
        root = str(place.volume["hostPath"].get("path", "/")).strip("/")
        return {k[len(root):].strip("/"): v for k, v in files.items() if k.startswith(root)}
    return files


def _stored_key(place: Place, inside: str) -> str:
    if place.where == Where.HOST:
        return posixpath.join(str(place.volume["hostPath"].get("path", "/")).strip("/"), inside)
    return inside


def write_file(sandbox: Sandbox, namespace: str, pod: str, path: str, text: str, *, container: str = "",
               append: bool = False) -> None:
    """`echo text > path` (or `>>` with `append`). Raises FileError."""
    obj, place, shelf = _open(sandbox, namespace, pod, container, path)
    if place.read_only:
        raise FileError(normalize(path), Errno.READ_ONLY)
    if not place.inside or place.inside in _directories(files_at(sandbox, obj, place, shelf)):
        raise FileError(normalize(path), Errno.IS_DIRECTORY)
    if shelf is None:
        raise FileError(normalize(path), Errno.NOT_FOUND)  # a claim not bound: nothing is mounted
    key = _stored_key(place, place.inside)
    change_shelf(sandbox, shelf, normalize(path),
                 lambda files: {**files, key: (files.get(key, "") if append else "") + text})


def read_file(sandbox: Sandbox, namespace: str, pod: str, path: str, *, container: str = "") -> str:
    """`cat path`. Raises FileError."""
    obj, place, shelf = _open(sandbox, namespace, pod, container, path)
    files = files_at(sandbox, obj, place, shelf)
    if place.inside in files:
        return files[place.inside]
    if not place.inside or place.inside in _directories(files):
        raise FileError(normalize(path), Errno.IS_DIRECTORY)
    raise FileError(normalize(path), Errno.NOT_FOUND)


def remove_file(sandbox: Sandbox, namespace: str, pod: str, path: str, *, container: str = "") -> None:
    """`rm path`. Raises FileError."""
    obj, place, shelf = _open(sandbox, namespace, pod, container, path)
    if place.inside not in files_at(sandbox, obj, place, shelf):
        raise FileError(normalize(path), Errno.NOT_FOUND)
    if place.read_only or shelf is None:
        raise FileError(normalize(path), Errno.READ_ONLY)
    key = _stored_key(place, place.inside)
    change_shelf(sandbox, shelf, normalize(path), lambda files: {k: v for k, v in files.items() if k != key})


def list_files(sandbox: Sandbox, namespace: str, pod: str, path: str = "/", *, container: str = "") -> list[str]:
    """`ls path`: the names in a directory (files, subdirectories, mount points), sorted. Raises FileError."""
    obj, place, shelf = _open(sandbox, namespace, pod, container, path)
    files = files_at(sandbox, obj, place, shelf)
    if place.inside in files:
        return [posixpath.basename(normalize(path))]
    prefix = place.inside + "/" if place.inside else ""
    names = {k[len(prefix):].split("/", 1)[0] for k in files if k.startswith(prefix)}
    names |= _mounts_below(obj, container, normalize(path))
    if not names and place.inside not in _directories(files) | _standard(place) and not _is_mount(place, path):
        raise FileError(normalize(path), Errno.NOT_FOUND)
    return sorted(names)


def _directories(files: Files) -> set[str]:
    """Directories exist implicitly: every parent of a file."""
    found: set[str] = set()
    for key in files:
        parts = key.split("/")[:-1]
        found |= {"/".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return found


def _mounts_below(pod: Obj, container: str, path: str) -> set[str]:
    """Mount points directly under `path` show in `ls` as directories."""
    base = path.rstrip("/") + "/"
    roots = (normalize(m.get("mountPath", "/")) for m in container_of(pod, container).get("volumeMounts") or [])
    return {root[len(base):].split("/", 1)[0] for root in roots if root.startswith(base) and root != path}


def _standard(place: Place) -> set[str]:
    """The directories every container image has, so `ls /tmp` is not an error."""
    return STANDARD_DIRECTORIES if place.where == Where.CONTAINER else {""}


def _is_mount(place: Place, path: str) -> bool:
    return normalize(path) == place.mount_path
