"""CronJob: create a Job on a schedule, like a crontab line (`*/5 * * * *`).

At each scheduled time the CronJob controller makes a Job from `jobTemplate`, unless the
CronJob is suspended or, under `concurrencyPolicy: Forbid`, the previous Job still runs
(`Replace` replaces it instead). It keeps the last 3 successful and the last failed Job.
The schedule is read in `timeZone` when one is given, otherwise in the cluster's time zone.
"""

import zoneinfo
from datetime import datetime
from typing import Any

from croniter import croniter  # type: ignore[import-untyped]

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.job import validate_job_template
from cluster.kinds.printing import AGE, NAME, Column, age, human_duration
from cluster.kinds.replicaset import default_template
from cluster.kinds.workload import CONTAINERS, IMAGES, selector_column, set_missing, template_of, wide_cells
from cluster.objects import Obj, name_of, parse_time
from cluster.validation import invalid_value, object_meta, required, unsupported_value

CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"]
# Job names get an 11-character suffix (`-28012345`), and a Job's name must stay within 63.
MAX_NAME = 52
DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


def default(cj: Obj) -> None:
    spec = cj.setdefault("spec", {})
    set_missing(spec, {"concurrencyPolicy": "Allow", "suspend": False, "successfulJobsHistoryLimit": 3,
                       "failedJobsHistoryLimit": 1})
    job_template = spec.get("jobTemplate")
    if isinstance(job_template, dict) and isinstance(job_template.get("spec"), dict):
        default_template(job_template["spec"])
        job_template.setdefault("metadata", {})
    cj.setdefault("status", {})


def validate(cj: Obj) -> list[Cause]:
    causes = object_meta(cj, namespaced=True)
    name = name_of(cj)
    if len(name) > MAX_NAME:
        causes.append(invalid_value("metadata.name", name, f"must be no more than {MAX_NAME} characters"))
    spec = cj.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += schedule_causes(spec) + time_zone_causes(spec.get("timeZone"))
    if spec.get("concurrencyPolicy") not in CONCURRENCY_POLICIES:
        causes.append(unsupported_value("spec.concurrencyPolicy", spec.get("concurrencyPolicy"), CONCURRENCY_POLICIES))
    job_spec = (spec.get("jobTemplate") or {}).get("spec")
    if not isinstance(job_spec, dict):
        return [*causes, required("spec.jobTemplate.spec")]
    return causes + validate_job_template(job_spec, "spec.jobTemplate.spec")


def schedule_causes(spec: dict[str, Any]) -> list[Cause]:
    schedule = spec.get("schedule")
    if not schedule or not isinstance(schedule, str):
        return [required("spec.schedule")]
    if "TZ" in schedule:
        return [invalid_value("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field "
                              "instead")]
    if schedule.startswith("@"):
        ok = schedule in DESCRIPTORS or schedule.startswith("@every ")
        return [] if ok else [invalid_value("spec.schedule", schedule, f"unrecognized descriptor: {schedule}")]
    fields = schedule.split()
    if len(fields) != 5:
        # robfig/cron's wording, which the API server passes through.
        return [invalid_value("spec.schedule", schedule, f"expected exactly 5 fields, found {len(fields)}: "
                              f"[{' '.join(fields)}]")]
    if not croniter.is_valid(schedule):
        return [invalid_value("spec.schedule", schedule, "unparseable schedule")]
    return []


def time_zone_causes(time_zone: Any) -> list[Cause]:
    if time_zone is None:
        return []
    if not isinstance(time_zone, str) or not time_zone:
        return [invalid_value("spec.timeZone", time_zone, "timeZone must be nil or non-empty string")]
    if time_zone.lower() == "local":
        return [invalid_value("spec.timeZone", time_zone, "timeZone must be an explicit time zone as defined in "
                              "https://www.iana.org/time-zones")]
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return [invalid_value("spec.timeZone", time_zone, f"unknown time zone {time_zone}")]
    return []


def last_schedule_text(cj: Obj, now: datetime) -> str:
    moment = parse_time((cj.get("status") or {}).get("lastScheduleTime"))
    return "<none>" if moment is None else human_duration((now - moment).total_seconds())


def cells(cj: Obj, now: datetime) -> list[Any]:
    spec, status = cj.get("spec") or {}, cj.get("status") or {}
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    suspend = "<unset>" if spec.get("suspend") is None else str(bool(spec["suspend"]))
    return [name_of(cj), spec.get("schedule", ""), spec.get("timeZone") or "<none>", suspend,
            len(status.get("active") or []), last_schedule_text(cj, now), age(cj, now),
            *wide_cells(template_of(job_spec), job_spec.get("selector"))]


CRON_JOB = register(Kind(
    group="batch", version="v1", kind="CronJob", plural="cronjobs", short_names=("cj",), categories=("all",),
    subresources=("status",), default=default, validate=validate,
    columns=(NAME, Column("Schedule", description="The schedule in Cron format, see "
                          "https://en.wikipedia.org/wiki/Cron."),
             Column("Timezone", description="The time zone name for the given schedule, see "
                    "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
             Column("Suspend", type="boolean", description="This flag tells the controller to suspend subsequent "
                    "executions, it does not apply to already started executions."),
             Column("Active", type="integer", description="A list of pointers to currently running jobs."),
             Column("Last Schedule", description="Information when was the last time the job was successfully "
                    "scheduled."), AGE, CONTAINERS, IMAGES,
             selector_column("A label query over pods that should match the pod count.")),
    cells=cells,
))
