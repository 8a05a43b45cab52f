"""What the inspector shows of one object: its YAML, status, conditions, Events, and for a
pod the scheduler's verdict on each node."""

from typing import Any

from cluster import errors, kinds, scheduler, store
from cluster.models import Sandbox
from cluster.objects import Obj, condition
from cluster.snapshot import notice
from web.console.commandline import CommandLine
from web.console.context import Context, Output
from web.console.printing import yaml_text
from web.console.reading import events_about


def inspect(sandbox: Sandbox, api_version: str, kind_name: str, namespace: str, name: str) -> dict[str, Any]:
    kind = kinds.for_object({"apiVersion": api_version, "kind": kind_name})
    if kind is None:
        raise errors.bad_request(f"no kind {kind_name} in {api_version}")
    obj = store.get(sandbox, kind, namespace if kind.namespaced else "", name)
    ctx = Context(sandbox, CommandLine([]), output=Output())
    return {"yaml": yaml_text(editable(obj)), "status": obj.get("status") or {},
            "conditions": (obj.get("status") or {}).get("conditions") or [],
            "events": [notice(e) for e in events_about(ctx, obj)],
            "nodes": node_verdicts(sandbox, obj) if kind_name == "Pod" and kind.group == "" else []}


def editable(obj: Obj) -> Obj:
    """The object as a learner edits it: without managedFields, as `kubectl edit` shows it."""
    shown = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
    return shown


def node_verdicts(sandbox: Sandbox, pod: Obj) -> list[dict[str, Any]]:
    """Each node, and why it cannot take the pod (None when it can), for a pod still pending."""
    scheduled = condition(pod, "PodScheduled")
    if pod.get("spec", {}).get("nodeName") and (scheduled or {}).get("status") != "False":
        return []
    verdicts = scheduler.explain(pod, store.load_state(sandbox))
    return [{"node": node, "reason": reason} for node, reason in sorted(verdicts.items())]
