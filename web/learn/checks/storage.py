"""Checks on storage and namespaces: a claim bound to a volume, a namespace there or gone."""

from web.learn.checks import reading
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, passed
from web.learn.checks.workloads import _missing


@check("pvc", required=("name",), optional=("namespace",), one_of=("bound", "exists"))
def pvc(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "PersistentVolumeClaim", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        if spec.get("exists") is False:
            return passed("PersistentVolumeClaim `{name}` "
                          "is gone.", "퍼시스턴트 볼륨 클레임 `{name}`{name:~이/가} 없어요.",
                          name=spec["name"])
        return _missing(facts, "PersistentVolumeClaim", spec)
    phase = (found.get("status") or {}).get("phase", "Pending")
    values = {"name": spec["name"], "phase": phase, "volume": (found.get("spec") or {}).get("volumeName", "")}
    if spec.get("exists") is False:
        return failed("PersistentVolumeClaim `{name}` still exists: deleting its pod (or its StatefulSet) keeps the "
                      "claim, on purpose; delete the claim itself.",
                      "퍼시스턴트 볼륨 클레임 `{name}`{name:~이/가} 아직 있어요. 파드나 스테이트풀셋을 지워도 데이터를 "
                      "지키려고 클레임은 "
                      "남아요. 클레임을 직접 지워야 해요.", **values)
    if spec.get("bound") and phase != "Bound":
        return failed("PersistentVolumeClaim `{name}` is {phase}: no PersistentVolume matches its size, access modes "
                      "and storage class yet.",
                      "퍼시스턴트 볼륨 클레임 `{name}`{name:~이/가} {phase} 상태예요. 크기, 접근 모드, "
                      "스토리지클래스가 맞는 퍼시스턴트 "
                      "볼륨이 아직 없어요.", **values)
    return passed("PersistentVolumeClaim `{name}` is "
                  "{phase}.", "퍼시스턴트 볼륨 클레임 `{name}`{name:~은/는} {phase} 상태예요.",
                  **values)


@check("namespace", required=("name",), one_of=("active", "gone"))
def namespace(facts: Facts, spec: Spec) -> Verdict:
    found = facts.state.get("Namespace", "", str(spec["name"]))
    values = {"name": spec["name"]}
    if spec.get("gone"):
        if found is None:
            return passed("Namespace `{name}` is gone.", "네임스페이스 `{name}`{name:~이/가} 삭제됐어요.", **values)
        if found["metadata"].get("deletionTimestamp"):
            return failed("Namespace `{name}` is Terminating: Kubernetes deletes everything inside it first.",
                          "네임스페이스 `{name}`{name:~이/가} Terminating 상태예요. 쿠버네티스는 안에 있는 것을 먼저 "
                          "모두 지워요.",
                          **values)
        return failed("Namespace `{name}` still exists: `delete namespace {name}` removes it with everything in it.",
                      "네임스페이스 `{name}`{name:~이/가} 아직 있어요. `delete namespace {name}`{name:~으로/로} 안의 "
                      "모든 것과 함께 지울 수 있어요.",
                      **values)
    if found is None:
        return failed("There is no namespace `{name}` yet: `create namespace {name}` makes one.",
                      "네임스페이스 `{name}`{name:~이/가} 아직 없어요. `create namespace {name}`으로 만들 "
                      "수 있어요.", **values)
    active = (found.get("status") or {}).get("phase") == "Active" and not found["metadata"].get("deletionTimestamp")
    if active == bool(spec.get("active", True)):
        return passed("Namespace `{name}` is Active.", "네임스페이스 `{name}`{name:~은/는} Active 상태예요.", **values)
    return failed("Namespace `{name}` is not Active (it is being deleted).",
                  "네임스페이스 `{name}`{name:~이/가} Active가 아니에요(삭제되는 중이에요).", **values)
