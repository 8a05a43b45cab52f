"""Golden tests for the kubelet's stage table, in the style of kwok's testdata.

Each case is a pair under `tests/cluster/stages/`: `<case>.input.json` holds the sandbox
clock, the profile and the objects; `<case>.output.json` the actions the kubelet returns
for them. After an intended change of behaviour, regenerate the outputs with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/cluster/test_kubelet_golden.py

and review the diff like any other change.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cluster import kubelet
from cluster.actions import Action, AppendLog, Create, Delete, Emit, Remove, Update, WakeAt
from cluster.objects import name_of, namespace_of, parse_time
from cluster.state import ClusterState

CASES = Path(__file__).parent / "stages"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def load(case: str) -> ClusterState:
    data = json.loads((CASES / f"{case}.input.json").read_text())
    now = parse_time(data["now"])
    assert now is not None
    return ClusterState(data["objects"], now=now, profile=data["profile"])


def encode(action: Action) -> dict[str, Any]:
    if isinstance(action, Update | Create):
        return {"action": type(action).__name__, "object": action.obj, "narration": action.narration}
    if isinstance(action, Emit):
        involved = f"{action.involved['kind']} {namespace_of(action.involved)}/{name_of(action.involved)}"
        return {"action": "Emit", "involved": involved.replace(" /", " "), "reason": action.reason,
                "message": action.message, "component": action.component, "type": action.type, "host": action.host}
    if isinstance(action, Remove | Delete):
        return {"action": type(action).__name__, "ref": vars(action.ref), "narration": action.narration}
    if isinstance(action, AppendLog):
        return {"action": "AppendLog", "pod": name_of(action.pod), "container": action.container,
                "attempt": action.attempt, "lines": [[at.isoformat(), text] for at, text in action.lines]}
    assert isinstance(action, WakeAt)
    return {"action": "WakeAt", "at": action.at.isoformat()}


def cases() -> list[str]:
    return sorted(path.name.removesuffix(".input.json") for path in CASES.glob("*.input.json"))


@pytest.mark.parametrize("case", cases())
def test_it_matches_the_golden_output(case: str) -> None:
    got = [encode(action) for action in kubelet.reconcile(load(case))]
    expected_file = CASES / f"{case}.output.json"
    if UPDATE:
        expected_file.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")

    assert got == json.loads(expected_file.read_text())


def test_it_has_the_cases_the_stage_table_promises() -> None:
    assert {"bound-pending-pod", "creating-pod-due", "creating-pod-not-due", "running-pod", "terminating-pod",
            "node-registration", "lease-renewal-due", "lease-renewal-not-due", "stopped-node", "container-exit-due",
            "image-pull-retry-due"} <= set(cases())
