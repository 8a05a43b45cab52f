"""The workspace's actions on a sandbox: nodes, traffic, the clock.

Each is a thin call into the domain module that owns the behaviour: `cluster.nodes` for a
node's life (add, stop, crash, restart, cordon, drain), `cluster.load` for traffic,
`cluster.clock` for time. What comes back is what to tell the learner, in kubectl's words
where kubectl has words for it.
"""

from collections.abc import Callable
from typing import Any

from cluster import announce, clock, errors, load, nodes
from cluster.models import Sandbox
from web.console import commands

# The speeds the page offers: paused, real time, ten times faster.
SPEEDS = {"pause": 0.0, "play": 1.0, "fast": 10.0}
STEP_SECONDS = 10
MAX_STEP_SECONDS = 86400


def _machine(action: Callable[[Sandbox, str], Any], done: str) -> Callable[[Sandbox, str], str]:
    def run(sandbox: Sandbox, node: str) -> str:
        action(sandbox, node)
        return f"node/{node} {done}"
    return run


NODE_ACTIONS: dict[str, Callable[[Sandbox, str], str]] = {
    "add": lambda sandbox, node: f"node/{nodes.add(sandbox)['metadata']['name']} created",
    "stop": _machine(nodes.stop, "stopped"),
    "crash": _machine(nodes.crash, "crashed"),
    "restart": _machine(nodes.restart, "restarted"),
    # Cordon and drain print exactly what kubectl prints: the console runs them.
    "cordon": lambda sandbox, node: commands.run(sandbox, f"cordon {node}").text,
    "uncordon": lambda sandbox, node: commands.run(sandbox, f"uncordon {node}").text,
    "drain": lambda sandbox, node: commands.run(sandbox, f"drain {node} --ignore-daemonsets").text,
}


def node_action(sandbox: Sandbox, action: str, node: str = "") -> str:
    if action not in NODE_ACTIONS:
        raise errors.bad_request(f"unknown node action {action!r}; known: {', '.join(NODE_ACTIONS)}")
    return NODE_ACTIONS[action](sandbox, node)


def traffic(sandbox: Sandbox, namespace: str, service: str, rps: float) -> str:
    """Start (rps > 0) or stop (0) the load generator on a Service."""
    if rps > 0:
        load.start_load(sandbox, namespace, service, rps)
        return f"service/{service}: {rps:g} req/s"
    load.stop_load(sandbox, namespace, service)
    return f"service/{service}: load stopped"


def clock_action(sandbox: Sandbox, action: str, seconds: float = STEP_SECONDS) -> dict[str, Any]:
    """pause / play (1x) / fast (10x), or step forward by `seconds`; returns the clock as the page shows it."""
    if action in SPEEDS:
        clock.set_speed(sandbox, SPEEDS[action])
    elif action == "step":
        if not 0 < seconds <= MAX_STEP_SECONDS:
            raise errors.bad_request("a step is between 1 second and a day")
        clock.advance(sandbox, seconds)
        announce.enqueue_reconcile(sandbox.pk)  # what was waiting for that time happens now
    else:
        raise errors.bad_request(f"unknown clock action {action!r}")
    sandbox.refresh_from_db()
    return {"time": clock.now(sandbox).isoformat(), "speed": sandbox.speed}
