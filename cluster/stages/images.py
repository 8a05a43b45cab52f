"""Container images as a node sees them: full references, digests, sizes and pull times.

`nginx:1.25` in a manifest is short for `docker.io/library/nginx:1.25`; containerd reports
the long form once the container exists, with the digest it pulled
(`docker.io/library/nginx@sha256:...`). No registry is contacted: digests are hashes of
the reference and sizes come from a small table of well-known images (others get a size
fixed by their name), so the same image always looks the same.
"""

import hashlib
from typing import Any

from cluster.objects import Obj
from cluster.stages.profiles import fraction

DEFAULT_REGISTRY = "docker.io"
# Compressed sizes of images learners use most, in bytes (close to Docker Hub's figures).
SIZES = {
    "nginx": 72_080_558, "busybox": 2_155_370, "alpine": 3_645_600, "redis": 45_120_200,
    "postgres": 158_400_000, "mysql": 170_200_000, "httpd": 58_300_000, "python": 385_600_000,
    "node": 402_100_000, "ubuntu": 29_700_000, "debian": 48_900_000, "memcached": 32_400_000,
}
PULL_SETUP_SECONDS = 1.0
PULL_BYTES_PER_SECOND = 60_000_000
PULL_JITTER_SECONDS = 0.6


def reference(image: str) -> str:
    """`nginx:1.25` -> `docker.io/library/nginx:1.25`; `nginx` -> `docker.io/library/nginx:latest`."""
    name, at, digest = image.partition("@")
    first, slash, rest = name.partition("/")
    if not slash:
        name = f"{DEFAULT_REGISTRY}/library/{name}"
    elif "." not in first and ":" not in first and first != "localhost":
        name = f"{DEFAULT_REGISTRY}/{name}"
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return f"{name}{at}{digest}"


def repository(image: str) -> str:
    """`nginx:1.25` -> `docker.io/library/nginx`."""
    ref = reference(image).partition("@")[0]
    last = ref.rsplit("/", 1)[-1]
    return ref[: len(ref) - len(last)] + last.partition(":")[0]


def digest(image: str) -> str:
    """The digest the manifest pinned, or a stand-in fixed by the reference."""
    pinned = image.partition("@")[2]
    return pinned or "sha256:" + hashlib.sha256(reference(image).encode()).hexdigest()


def image_id(image: str) -> str:
    """What `containerStatuses[].imageID` says: the repository at the pulled digest."""
    return f"{repository(image)}@{digest(image)}"


def size(image: str) -> int:
    base = repository(image).rsplit("/", 1)[-1]
    if base in SIZES:
        return SIZES[base]
    return 10_000_000 + int(fraction(repository(image), "size") * 190_000_000)


def pull_seconds(image: str, uid: str) -> float:
    """How long pulling takes on a classroom network: a second, plus the size, plus jitter."""
    seconds = PULL_SETUP_SECONDS + size(image) / PULL_BYTES_PER_SECOND
    return round(seconds + PULL_JITTER_SECONDS * fraction(uid, image), 3)


def go_duration(seconds: float) -> str:
    """Seconds as Go prints a time.Duration truncated to milliseconds: `797ms`, `1.256s`, `1m2.5s`."""
    millis = int(round(seconds * 1000))
    if millis < 1000:
        return f"{millis}ms" if millis else "0s"
    minutes, millis = divmod(millis, 60_000)
    text = f"{millis / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{minutes}m{text}" if minutes else text


def container_id(pod_uid: str, container: str, restart_count: int = 0) -> str:
    seed = f"{pod_uid}/{container}/{restart_count}"
    return "containerd://" + hashlib.sha256(seed.encode()).hexdigest()


def node_entry(image: str) -> dict[str, Any]:
    """How `node.status.images` lists a pulled image."""
    return {"names": [image_id(image), reference(image)], "sizeBytes": size(image)}


def on_node(node: Obj, image: str) -> bool:
    """Whether the node already holds `image` (its kubelet lists it in `status.images`)."""
    wanted = reference(image)
    return any(wanted in (entry.get("names") or []) for entry in (node.get("status") or {}).get("images") or [])
