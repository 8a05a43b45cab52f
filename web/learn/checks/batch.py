"""Checks on Jobs, CronJobs and the HorizontalPodAutoscaler: work that finishes, runs on a
schedule, or follows load. Each of them waits on the sandbox clock, so when the step is only
a matter of time the explanation says so (and the page's clock buttons skip ahead)."""

from cluster.objects import Obj, condition, is_controlled_by
from web.learn.checks import reading
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, joined, passed, say
from web.learn.checks.workloads import _missing, _owned_pods, _status


@check("job", required=("name",), optional=("namespace",), one_of=("succeeded", "complete"))
def job(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "Job", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        return _missing(facts, "Job", spec)
    values = {"name": spec["name"], "succeeded": _status(found, "succeeded"), "want": spec.get("succeeded", 1),
              "failed": _status(found, "failed")}
    done = _true(found, "Complete")
    if (not spec.get("complete") or done) and values["succeeded"] >= int(values["want"] or 0):
        return passed("Job `{name}` has {succeeded} succeeded pods.", "잡 `{name}`의 파드 {succeeded}개가 성공했어요.",
                      **values)
    if _true(found, "Failed"):
        why = condition(found, "Failed") or {}
        return failed("Job `{name}` failed ({reason}): {message}",
                      "잡 `{name}`{name:~이/가} 실패했어요({reason}). {message}",
                      reason=why.get("reason", ""), message=why.get("message", ""), **values)
    base = say("Job `{name}` is still running: {succeeded} of {want} pods succeeded, {failed} failed.",
               "잡 `{name}`{name:~이/가} 아직 실행 중이에요. 파드 {want}개 중 {succeeded}개 성공, {failed}개 "
               "실패했어요.", **values)
    unfinished = [p for p in _owned_pods(facts, found) if (p.get("status") or {}).get("phase") != "Succeeded"]
    trouble = reading.trouble(unfinished)
    return Verdict(False, joined(base, trouble) if trouble else base)


def _true(obj: Obj, kind: str) -> bool:
    found = condition(obj, kind)
    return found is not None and found.get("status") == "True"


@check("cronjob", required=("name", "jobs_at_least"), optional=("namespace",))
def cronjob(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "CronJob", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        return _missing(facts, "CronJob", spec)
    jobs = [j for j in facts.state.of_kind("Job", "batch", reading.namespace_in(spec)) if is_controlled_by(j, found)]
    values = {"name": spec["name"], "n": len(jobs), "want": int(spec["jobs_at_least"]),
              "schedule": (found.get("spec") or {}).get("schedule", "")}
    if len(jobs) >= values["want"]:
        return passed("CronJob `{name}` has made "
                      "{n} Jobs.", "크론잡 `{name}`{name:~이/가} 잡을 {n}개 만들었어요.", **values)
    if (found.get("spec") or {}).get("suspend"):
        return failed("CronJob `{name}` is suspended (`spec.suspend: true`): it makes no Jobs until resumed.",
                      "크론잡 `{name}`{name:~이/가} 일시 중지(`spec.suspend: true`) 상태라 다시 켤 때까지 잡을 "
                      "만들지 않아요.", **values)
    return failed("CronJob `{name}` has made {n} Jobs so far; {want} needed. It runs on its schedule `{schedule}`, in "
                  "the sandbox's time: skip the clock ahead to the next run.",
                  "크론잡 `{name}`{name:~이/가} 지금까지 잡을 {n}개 만들었어요. {want}개가 필요해요. 크론잡은 샌드박스 "
                  "시간 기준으로 "
                  "스케줄 `{schedule}`에 맞춰 실행돼요. 시계를 다음 실행 시각까지 앞으로 돌려 보세요.", **values)


@check("hpa", required=("name",), optional=("namespace",), one_of=("desired_at_least", "current_replicas_at_most"))
def hpa(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "HorizontalPodAutoscaler", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        return _missing(facts, "HorizontalPodAutoscaler", spec)
    values = {"name": spec["name"], "desired": _status(found, "desiredReplicas"),
              "current": _status(found, "currentReplicas"),
              "want": spec.get("desired_at_least", spec.get("current_replicas_at_most"))}
    if "desired_at_least" in spec and values["desired"] < int(spec["desired_at_least"]):
        return Verdict(False, joined(say("HPA `{name}` wants {desired} replicas; this step needs at least {want}.",
                                         "HPA `{name}`{name:~이/가} 원하는 레플리카 수는 {desired}개예요. 이 "
                                         "단계에서는 {want}개 "
                                         "이상이어야 해요.", **values), _why_not_scaling(found)))
    if "current_replicas_at_most" in spec and values["current"] > int(spec["current_replicas_at_most"]):
        return failed("HPA `{name}` still runs {current} replicas; this step wants at most {want}. After load drops "
                      "it waits out its scale-down stabilization window (5 minutes by default) before scaling down: "
                      "skip the clock ahead.",
                      "HPA `{name}`{name:~이/가} 아직 레플리카 {current}개를 유지하고 있어요. {want}개 이하가 되어야 "
                      "해요. 부하가 "
                      "줄어도 스케일 다운 안정화 기간(기본 5분)이 지나야 줄어들어요. 시계를 앞으로 "
                      "돌려 보세요.", **values)
    return passed("HPA `{name}`: {current} replicas now, {desired} wanted.",
                  "HPA `{name}`: 현재 레플리카 {current}개, 원하는 수 {desired}개예요.", **values)


def _why_not_scaling(found: Obj) -> dict[str, str]:
    active, limited = condition(found, "ScalingActive"), condition(found, "ScalingLimited")
    if active is not None and active.get("status") == "False":
        return say("It cannot compute a replica count ({reason}): {message}. Do the pods request CPU?",
                   "레플리카 수를 계산하지 못하고 있어요({reason}): {message}. 파드에 CPU 요청(requests)이 있는지 "
                   "확인해 보세요.", reason=active.get("reason", ""), message=active.get("message", ""))
    if limited is not None and limited.get("status") == "True":
        return say("It is held at a limit: "
                   "{message}", "한계에 걸려 있어요: {message}", message=limited.get("message", ""))
    return say("The pods' CPU use is not above the target yet: send them load (and give the autoscaler time to "
               "look: it syncs every 15 seconds).",
               "파드의 CPU 사용량이 아직 목표치를 넘지 않았어요. 부하를 보내고, 오토스케일러가 확인할 시간(15초마다 "
               "동기화)을 주세요.")
