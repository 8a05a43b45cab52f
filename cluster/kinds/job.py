"""Job: run pods until a number of them complete successfully.

A Job runs `parallelism` pods at a time until `completions` have succeeded, retrying failed
pods up to `backoffLimit` times. Its pods must not restart forever, so their restart policy
is `OnFailure` or `Never`. Unless the manifest asks for a manual selector, the API server
labels the pod template with the job's name and uid and selects on the uid, so that a Job
only ever counts its own pods.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster import selectors
from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds import pod as pod_kind
from cluster.kinds.printing import AGE, NAME, Column, age, human_duration
from cluster.kinds.replicaset import default_template, labels_text
from cluster.kinds.workload import CONTAINERS, IMAGES, selector_column, set_missing, template_of, wide_cells
from cluster.objects import Obj, condition, is_terminating, meta, name_of, parse_time, uid_of
from cluster.validation import invalid_value, object_meta, required, unsupported_value

CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
LEGACY_CONTROLLER_UID = "controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME = "job-name"
JOB_RESTART_POLICIES = ["OnFailure", "Never"]
COMPLETION_MODES = ["Indexed", "NonIndexed"]
# With a per-index backoff limit the job-wide one is effectively unlimited (MaxInt32).
UNLIMITED = 2147483647


class JobCondition(StrEnum):
    COMPLETE = "Complete"
    FAILED = "Failed"
    SUSPENDED = "Suspended"
    FAILURE_TARGET = "FailureTarget"


def default(job: Obj) -> None:
    spec = job.setdefault("spec", {})
    if "completions" not in spec and "parallelism" not in spec:
        spec["completions"] = 1
    set_missing(spec, {"parallelism": 1, "completionMode": "NonIndexed", "suspend": False, "manualSelector": False,
                       "backoffLimit": UNLIMITED if spec.get("backoffLimitPerIndex") is not None else 6,
                       "podReplacementPolicy": "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"})
    default_template(spec)
    if not spec.get("manualSelector"):
        generate_selector(job)
    template_labels = (template_of(spec).get("metadata") or {}).get("labels")
    if template_labels and not meta(job).get("labels"):
        # Kubernetes gives a Job without labels its template's (generated ones included).
        meta(job)["labels"] = dict(template_labels)
    job.setdefault("status", {})


def generate_selector(job: Obj) -> None:
    """Label the template with the job's name and uid and select on the uid. Needs the uid, which
    the store assigns; without it (a dry default) nothing is generated."""
    uid, spec = uid_of(job), job["spec"]
    template = spec.get("template")
    if not uid or not isinstance(template, dict):
        return
    labels = template.setdefault("metadata", {}).setdefault("labels", {})
    set_missing(labels, {LEGACY_JOB_NAME: name_of(job), JOB_NAME: name_of(job),
                         LEGACY_CONTROLLER_UID: uid, CONTROLLER_UID: uid})
    selector = spec.get("selector") if isinstance(spec.get("selector"), dict) else {}
    selector.setdefault("matchLabels", {}).setdefault(CONTROLLER_UID, uid)
    spec["selector"] = selector


def validate(job: Obj) -> list[Cause]:
    causes = object_meta(job, namespaced=True)
    spec = job.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += counts_causes(spec)
    if spec.get("completionMode") not in COMPLETION_MODES:
        causes.append(unsupported_value("spec.completionMode", spec.get("completionMode"), COMPLETION_MODES))
    elif spec["completionMode"] == "Indexed" and spec.get("completions") is None:
        causes.append(required("spec.completions", "when completion mode is Indexed"))
    return causes + selector_causes(spec, job) + validate_job_template(spec, "spec")


def counts_causes(spec: dict[str, Any]) -> list[Cause]:
    causes = []
    for key in ("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"):
        value = spec.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            causes.append(invalid_value(f"spec.{key}", value, "must be greater than or equal to 0"))
    return causes


def selector_causes(spec: dict[str, Any], job: Obj) -> list[Cause]:
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        # Generated from the uid when the store provides it before validation.
        return [required("spec.selector")] if spec.get("manualSelector") or uid_of(job) else []
    labels = (template_of(spec).get("metadata") or {}).get("labels") or {}
    if not selectors.from_label_selector(selector).matches(labels):
        return [invalid_value("spec.template.metadata.labels", labels_text(labels),
                              "`selector` does not match template `labels`")]
    return []


def validate_job_template(spec: dict[str, Any], path: str) -> list[Cause]:
    """A Job's (or a CronJob's job template's) pod template: a valid pod that does not restart forever."""
    pod_spec = template_of(spec).get("spec")
    if not isinstance(pod_spec, dict):
        return [required(f"{path}.template.spec")]
    causes = pod_kind.validate_spec(pod_spec, f"{path}.template.spec")
    policy, field = pod_spec.get("restartPolicy"), f"{path}.template.spec.restartPolicy"
    if policy in ("Always", "", None):
        # "Always" is what pod defaulting put there when the manifest said nothing.
        causes.append(required(field, 'valid values: "OnFailure", "Never"'))
    elif policy not in JOB_RESTART_POLICIES:
        causes = [c for c in causes if c.field != field]
        causes.append(unsupported_value(field, policy, JOB_RESTART_POLICIES))
    return causes


def is_true(job: Obj, kind: JobCondition) -> bool:
    found = condition(job, kind.value)
    return found is not None and found.get("status") == "True"


def status_text(job: Obj) -> str:
    """The STATUS column, in Kubernetes' order of precedence."""
    for kind in (JobCondition.COMPLETE, JobCondition.FAILED):
        if is_true(job, kind):
            return kind.value
    if is_terminating(job):
        return "Terminating"
    for kind in (JobCondition.SUSPENDED, JobCondition.FAILURE_TARGET):
        if is_true(job, kind):
            return kind.value
    return "Running"


def completions_text(job: Obj) -> str:
    """`1/3`; with no fixed completion count, `0/1` or `0/1 of 4` (parallel work queue)."""
    spec, succeeded = job.get("spec") or {}, (job.get("status") or {}).get("succeeded", 0)
    if spec.get("completions") is not None:
        return f"{succeeded}/{spec['completions']}"
    parallelism = spec.get("parallelism") or 0
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def duration_text(job: Obj, now: datetime) -> str:
    status = job.get("status") or {}
    start = parse_time(status.get("startTime"))
    if start is None:
        return ""
    end = parse_time(status.get("completionTime")) or now
    return human_duration((end - start).total_seconds())


def cells(job: Obj, now: datetime) -> list[Any]:
    spec = job.get("spec") or {}
    return [name_of(job), status_text(job), completions_text(job), duration_text(job, now), age(job, now),
            *wide_cells(template_of(spec), spec.get("selector"))]


JOB = register(Kind(
    group="batch", version="v1", kind="Job", plural="jobs", categories=("all",), subresources=("status",),
    default=default, validate=validate,
    fields={**base_fields(), "status.successful": lambda job: str((job.get("status") or {}).get("succeeded", 0))},
    columns=(NAME, Column("Status", description="Status of the job."),
             Column("Completions", description="The number of pods which reached phase Succeeded."),
             Column("Duration", description="Time required to complete the job."), AGE, CONTAINERS, IMAGES,
             selector_column("A label query over pods that should match the pod count.")),
    cells=cells,
))
