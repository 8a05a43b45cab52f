"""What a step's check says: passed or not, and why, in every language the site speaks.

A check never answers a bare "not yet". When the sandbox is not where the step wants it,
the explanation names what the learner most likely misunderstood ("Service `web` selects
`app=frontend`, but your pods are labelled `app=web`"), in English and in Korean; the page
shows the learner's language. `Facts` is what a check may look at: the sandbox's objects
(a `ClusterState`), its containers' log lines and the console commands the learner ran.
"""

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cluster.objects import Obj
from cluster.state import ClusterState

# A text in every language: {"en": "...", "ko": "..."}.
Text = Mapping[str, str]
LANGUAGES = ("en", "ko")


# The Korean words for the kinds, as Korean Kubernetes documentation writes them.
KOREAN_KINDS = {
    "Pod": "파드", "Node": "노드", "Namespace": "네임스페이스", "Service": "서비스", "Deployment": "디플로이먼트",
    "ReplicaSet": "레플리카셋", "ReplicationController": "레플리케이션 컨트롤러", "StatefulSet": "스테이트풀셋",
    "DaemonSet": "데몬셋", "Job": "잡", "CronJob": "크론잡", "ConfigMap": "컨피그맵", "Secret": "시크릿",
    "PersistentVolume": "퍼시스턴트 볼륨", "PersistentVolumeClaim": "퍼시스턴트 볼륨 클레임",
    "HorizontalPodAutoscaler": "HPA", "EndpointSlice": "엔드포인트슬라이스", "Endpoints": "엔드포인트",
    "Event": "이벤트", "ServiceAccount": "서비스 어카운트", "StorageClass": "스토리지클래스",
}


def korean_kind(kind: str) -> str:
    return KOREAN_KINDS.get(kind, next((k for e, k in KOREAN_KINDS.items() if e.lower() == kind.lower()), kind))


class _Korean(string.Formatter):
    """`{kind:이/가}` appends the particle that fits the word's last syllable (받침 or not)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "/" not in format_spec:
            return super().format_field(value, format_spec)
        only = format_spec.startswith("~")  # `{name:~이/가}`: the particle alone, after a quoted `name`
        with_batchim, without = format_spec.lstrip("~").split("/", 1)
        word = str(value)
        return ("" if only else word) + (with_batchim if _has_batchim(word) else without)


def _has_batchim(word: str) -> bool:
    """Whether the word ends in a consonant sound; digits are read as Korean numbers, Latin letters as English."""
    last = word.rstrip("`'\")").strip()[-1:] or "a"
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    if last.isdigit():
        return last in "013678"  # 영, 일, 삼, 육, 칠, 팔
    runs = re.findall(r"[a-z]+|[^a-z]+", word.strip("`'\" ").lower())
    return _english_batchim(runs[-1] if runs else "")


def _english_batchim(word: str) -> bool:
    """As Korean writes English words: `web` is 웹 and `job` 잡 (batchim), `agent` 에이전트 and `pod` 파드 (none)."""
    if not word or not word[-1].isalpha():
        return False
    if word[-1] in "lmn" or word.endswith("ng"):
        return True
    syllables = len(re.findall(r"[aeiouy]+", word))
    return word[-1] in "kpbtg" and syllables == 1 and len(word) > 1 and word[-2] in "aeiou"


_KOREAN = _Korean()


def say(en: str, ko: str, **values: Any) -> dict[str, str]:
    """A text in both languages; `{name}` placeholders filled from `values` in each.

    The Korean text may write `{kind_ko}` for the kind in Korean, and `{word:이/가}`, `{word:을/를}`,
    `{word:은/는}`, `{word:으로/로}` for a particle that agrees with the word (`{word:~이/가}`: the particle
    alone, for "`{name}`{name:~이/가}").
    """
    korean = {**values, "kind_ko": korean_kind(str(values.get("kind", "")))}
    return {"en": en.format(**values), "ko": _KOREAN.format(ko, **korean)}


def joined(*texts: Text) -> dict[str, str]:
    """Several texts as one, sentence after sentence, in each language."""
    return {lang: " ".join(t[lang] for t in texts if t.get(lang)) for lang in LANGUAGES}


@dataclass(frozen=True)
class Verdict:
    passed: bool
    explanation: Text

    def __bool__(self) -> bool:
        return self.passed


def passed(en: str, ko: str, **values: Any) -> Verdict:
    return Verdict(True, say(en, ko, **values))


def failed(en: str, ko: str, **values: Any) -> Verdict:
    return Verdict(False, say(en, ko, **values))


def no_logs(pod: Obj) -> list[str]:
    return []


@dataclass(frozen=True)
class Facts:
    """Everything a check may read. Pure: loaded once per evaluation by `web.learn.steps`."""

    state: ClusterState
    # Every log line the pod's containers printed so far (current runs), oldest first.
    logs: Callable[[Obj], list[str]] = no_logs
    # The console command lines the learner ran in this sandbox, without a leading "kubectl".
    commands: tuple[str, ...] = field(default_factory=tuple)
