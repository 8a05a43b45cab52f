"""Which image pulls fail, and the error containerd would give, by a fixed and documented rule.

No registry is contacted. A pull fails when:
- the registry host is not one we know (`docker.io`, `registry.k8s.io`, `ghcr.io`, `quay.io`,
  `gcr.io` and its regional mirrors, `mcr.microsoft.com`, `public.ecr.aws`, `localhost`, ...):
  the name does not resolve, as a typo'd registry would not;
- the image is one of the well-known official images and its tag is not one it publishes
  (`nginx:1.999`, `redis:99`): the tag is not found.
Every other image pulls. The rule is in docs/containers.md; the messages are containerd's.
"""

import re

from cluster.stages import images

KNOWN_REGISTRIES = {
    "docker.io", "registry-1.docker.io", "index.docker.io", "registry.k8s.io", "k8s.gcr.io", "gcr.io", "ghcr.io",
    "quay.io", "mcr.microsoft.com", "public.ecr.aws", "registry.gitlab.com", "docker.elastic.co", "nvcr.io",
    "localhost", "127.0.0.1", "us.gcr.io", "eu.gcr.io", "asia.gcr.io", "us-docker.pkg.dev", "europe-docker.pkg.dev",
}
# Official images and the versions they publish: `major.minor` ranges (a patch and a
# variant suffix such as `-alpine` may follow). Named tags are listed with the variants.
VERSIONS: dict[str, tuple[tuple[int, int, int], ...]] = {
    # image: ((major, lowest minor, highest minor), ...)
    "nginx": ((1, 0, 29),), "httpd": ((2, 2, 4),), "redis": ((2, 0, 8), (3, 0, 2), (4, 0, 0), (5, 0, 0), (6, 0, 2),
                                                           (7, 0, 4), (8, 0, 2)),
    "busybox": ((1, 20, 37),), "alpine": ((3, 0, 22),), "postgres": ((9, 0, 6), *((m, 0, 9) for m in range(10, 19))),
    "mysql": ((5, 5, 7), (8, 0, 4), (9, 0, 5)), "python": ((2, 7, 7), (3, 0, 14)), "node": tuple(
        (m, 0, 99) for m in range(0, 25)), "ubuntu": tuple((y, 4, 10) for y in range(12, 26)),
    "memcached": ((1, 4, 6),), "debian": tuple((m, 0, 11) for m in range(7, 14)),
}
NAMED_TAGS = {"latest", "alpine", "stable", "mainline", "slim", "bookworm", "bullseye", "buster", "trixie",
              "jammy", "noble", "focal", "bionic", "musl", "glibc", "uclibc", "perl", "otel", "lts", "current",
              "alpine-slim", "stable-alpine", "mainline-alpine", "stable-perl", "mainline-perl", "unstable",
              "slim-bookworm", "slim-bullseye", "lts-alpine", "lts-slim", "current-alpine", "oracle", "debian"}
VERSION_TAG = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-[a-z0-9.-]+)?$")


def registry(image: str) -> str:
    return images.reference(image).split("/", 1)[0]


def tag_of(image: str) -> str:
    name = images.reference(image).partition("@")[0]
    return name.rsplit("/", 1)[-1].partition(":")[2]


def official(image: str) -> str | None:
    """`nginx:1.25` -> `nginx`: the official image it is, if it is one we know the tags of."""
    repository = images.repository(image)
    prefix = f"{images.DEFAULT_REGISTRY}/library/"
    base = repository.removeprefix(prefix)
    return base if repository.startswith(prefix) and base in VERSIONS else None


def published(name: str, tag: str) -> bool:
    word = re.sub(r"[\d.]+$", "", tag.split("-")[0])  # `alpine3.19` is an alpine variant
    if tag in NAMED_TAGS or word in NAMED_TAGS:
        return True
    match = VERSION_TAG.match(tag)
    if match is None:
        return False
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return any(major == m and (match.group(2) is None or low <= minor <= high) for m, low, high in VERSIONS[name])


def failure(image: str) -> str | None:
    """Why pulling `image` fails (containerd's error, as the kubelet reports it), or None when it pulls."""
    if "@" in image:
        return None  # a digest names content that exists
    reference = images.reference(image)
    host = registry(image)
    if host.split(":")[0] not in KNOWN_REGISTRIES and not host.endswith((".gcr.io", ".pkg.dev", ".amazonaws.com")):
        return unknown_host(image, reference, host)
    name = official(image)
    if name is not None and not published(name, tag_of(image)):
        return (f'rpc error: code = NotFound desc = failed to pull and unpack image "{reference}": '
                f'failed to resolve reference "{reference}": {reference}: not found')
    return None


def unknown_host(image: str, reference: str, host: str) -> str:
    path, _, tag = reference.removeprefix(host + "/").rpartition(":")
    return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{reference}": failed to resolve '
            f'reference "{reference}": failed to do request: Head "https://{host}/v2/{path}/manifests/{tag}": '
            f"dial tcp: lookup {host.split(':')[0]}: no such host")
