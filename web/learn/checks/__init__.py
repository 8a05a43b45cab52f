"""The check types a lesson's steps use, and a step's verdict from all of its checks.

Each check type is a small function over `Facts` (the sandbox's objects, its log lines and
the learner's console commands), registered in `registry.CHECKS` by the module that defines
it. A step passes when all its checks pass; otherwise its explanation is the author's
`explain:` entry whose situation holds, or else the first failing check's own explanation.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from web.learn.checks import batch, history, network, nodes, objects, storage, workloads  # noqa: F401 (they register)
from web.learn.checks.registry import CHECKS, CheckType
from web.learn.checks.situations import holds
from web.learn.checks.verdict import Facts, Text, Verdict, joined

__all__ = ["CHECKS", "CheckType", "Facts", "Text", "Verdict", "run", "step_verdict"]


def run(facts: Facts, check: Mapping[str, Any]) -> Verdict:
    """One `{type: {parameters}}` check."""
    ((name, spec),) = check.items()
    return CHECKS[name].run(facts, spec)


def step_verdict(facts: Facts, checks: Sequence[Mapping[str, Any]],
                 explain: Sequence[tuple[Mapping[str, Any], Text]] = ()) -> Verdict:
    """All checks must hold; a failure is explained by the first `(when, say)` that holds, else by the check."""
    verdicts = [run(facts, check) for check in checks]
    failing = next((v for v in verdicts if not v.passed), None)
    if failing is None:
        return Verdict(True, joined(*(v.explanation for v in verdicts)))
    for when, text in explain:
        if holds(facts, when):
            return Verdict(False, dict(text))
    return failing
