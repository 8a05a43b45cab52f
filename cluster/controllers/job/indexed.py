"""Indexed Jobs: each pod works on one completion index, 0 to `completions - 1`.

With `completionMode: Indexed` a Job is done when every index has a pod that succeeded.
Each pod carries its index in the `batch.kubernetes.io/job-completion-index` annotation and
label, is named `<job>-<index>-<5 chars>`, gets the hostname `<job>-<index>`, and sees the
index in the `JOB_COMPLETION_INDEX` environment variable. The Job lists the indexes done
so far in `status.completedIndexes`, as compact intervals ("0-2,4").
"""

from typing import Any

from cluster.objects import Obj, annotations_of, name_of

COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
INDEX_ENV = "JOB_COMPLETION_INDEX"


def is_indexed(job: Obj) -> bool:
    return (job.get("spec") or {}).get("completionMode") == "Indexed"


def index_of(pod: Obj) -> int | None:
    text = annotations_of(pod).get(COMPLETION_INDEX, "")
    return int(text) if text.isdigit() else None


def parse(intervals: str) -> set[int]:
    """`"0-2,4"` -> {0, 1, 2, 4}."""
    indexes: set[int] = set()
    for part in filter(None, intervals.split(",")):
        first, _, last = part.partition("-")
        indexes.update(range(int(first), int(last or first) + 1))
    return indexes


def format_intervals(indexes: set[int]) -> str:
    """{0, 1, 2, 4} -> `"0-2,4"`, as Kubernetes writes completedIndexes."""
    parts: list[str] = []
    for index in sorted(indexes):
        if parts and _extends(parts[-1], index):
            parts[-1] = f"{parts[-1].split('-')[0]}-{index}"
        else:
            parts.append(str(index))
    return ",".join(parts)


def _extends(part: str, index: int) -> bool:
    return int(part.split("-")[-1]) == index - 1


def succeeded_indexes(job: Obj, pods: list[Obj]) -> set[int]:
    """The indexes done: those already recorded plus those of pods that succeeded since."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    done = parse((job.get("status") or {}).get("completedIndexes") or "")
    for pod in pods:
        index = index_of(pod)
        if (pod.get("status") or {}).get("phase") == "Succeeded" and index is not None:
            done.add(index)
    return {i for i in done if i < completions}


def pending(job: Obj, done: set[int], active: list[Obj], count: int) -> list[int]:
    """The lowest `count` indexes neither done nor being worked on by an active pod."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    busy = done | {i for i in (index_of(p) for p in active) if i is not None}
    return [i for i in range(completions) if i not in busy][:count]


def decorate(pod: Obj, job: Obj, index: int) -> None:
    """Give a new pod its index: annotation, label, hostname and environment variable."""
    meta = pod["metadata"]
    meta.setdefault("annotations", {})[COMPLETION_INDEX] = str(index)
    meta.setdefault("labels", {})[COMPLETION_INDEX] = str(index)
    meta["generateName"] = f"{name_of(job)}-{index}-"
    pod["spec"]["hostname"] = f"{name_of(job)}-{index}"
    for container in [*(pod["spec"].get("initContainers") or []), *(pod["spec"].get("containers") or [])]:
        _add_index_env(container)


def _add_index_env(container: dict[str, Any]) -> None:
    env = container.setdefault("env", [])
    if any(e.get("name") == INDEX_ENV for e in env):
        return
    env.append({"name": INDEX_ENV, "valueFrom": {"fieldRef": {
        "apiVersion": "v1", "fieldPath": f"metadata.annotations['{COMPLETION_INDEX}']"}}})
