"""What a lesson does to a sandbox: its solutions, typical wrong answers and step setups.

Each action goes through the module that owns the behaviour, the same path a learner's own
action takes: manifests and command lines through the web console (`web.console`, which
writes through `cluster.store` as `kubectl apply` would), time through `cluster.clock`,
machines through `cluster.nodes`, traffic through `cluster.load`.
"""

from collections.abc import Callable, Mapping
from typing import Any

from cluster import announce, clock, errors, load, nodes
from cluster.models import Sandbox
from web.console import commands
from web.learn import console_history
from web.learn.lessons import Action, Lesson

Params = Mapping[str, Any]


class ActionFailed(Exception):
    """An action the lesson relies on did not work (a bad manifest, a refused command)."""


def run(sandbox: Sandbox, lesson: Lesson, action: Action) -> str:
    """Carry out one action; what it printed, as the console would show it."""
    try:
        return HANDLERS[action.verb](sandbox, lesson, action.params)
    except errors.StatusError as error:
        raise ActionFailed(f"{action.describe()}: {error.reason}: {error.message}") from error


def run_all(sandbox: Sandbox, lesson: Lesson, actions: tuple[Action, ...]) -> list[str]:
    return [run(sandbox, lesson, action) for action in actions]


def apply_file(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    return console(sandbox, "apply -f -", lesson.file(str(params["file"])))


def kubectl(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    line = str(params["command"]).strip().removeprefix("kubectl ").strip()
    console_history.note(sandbox, line)
    return console(sandbox, line)


def console(sandbox: Sandbox, line: str, stdin: str = "") -> str:
    output = commands.run(sandbox, line, stdin)
    if output.code:
        raise ActionFailed(f"kubectl {line}: {output.text.strip()}")
    return output.text


def advance(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    """Skip ahead: move the sandbox clock, and let what was waiting for that moment happen now."""
    clock.advance(sandbox, float(params["seconds"]))
    announce.enqueue_reconcile(sandbox.pk)
    return f"clock advanced {float(params['seconds']):g}s"


def _machine(operation: Callable[[Sandbox, str], Any], done: str) -> Callable[[Sandbox, Lesson, Params], str]:
    def act(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
        operation(sandbox, str(params["node"]))
        return f"node/{params['node']} {done}"
    return act


def add_node(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    added = nodes.add(sandbox, params.get("node"), cpu=str(params.get("cpu", lesson.scene.node_cpu)),
                      memory=str(params.get("memory", lesson.scene.node_memory)))
    return f"node/{added['metadata']['name']} created"


def drain(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    return console(sandbox, f"drain {params['node']} --ignore-daemonsets")


def start_load(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    load.start_load(sandbox, str(params.get("namespace") or "default"), str(params["service"]), float(params["rps"]))
    return f"service/{params['service']}: {float(params['rps']):g} req/s"


def stop_load(sandbox: Sandbox, lesson: Lesson, params: Params) -> str:
    load.stop_load(sandbox, str(params.get("namespace") or "default"), str(params["service"]))
    return f"service/{params['service']}: load stopped"


HANDLERS: dict[str, Callable[[Sandbox, Lesson, Params], str]] = {
    "apply": apply_file, "kubectl": kubectl, "advance": advance,
    "crash-node": _machine(nodes.crash, "crashed"), "stop-node": _machine(nodes.stop, "stopped"),
    "restart-node": _machine(nodes.restart, "restarted"),
    "cordon": _machine(nodes.cordon, "cordoned"), "uncordon": _machine(nodes.uncordon, "uncordoned"),
    "add-node": add_node, "drain": drain, "start-load": start_load, "stop-load": stop_load,
}
