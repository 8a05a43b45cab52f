"""`kubectl cordon | uncordon | drain` on the console, through the node lifecycle module (`cluster.nodes`)."""

from cluster import kinds, nodes
from cluster.objects import controller_ref
from web.console.commandline import UsageError
from web.console.context import Context


def _node(ctx: Context) -> str:
    if not ctx.line.words[1:]:
        raise UsageError(f"USAGE: {ctx.line.words[0]} NODE [flags]")
    kind = kinds.by_kind("", "Node")
    assert kind is not None
    return str(ctx.get(kind, ctx.line.words[1])["metadata"]["name"])


def cordon(ctx: Context) -> None:
    name = _node(ctx)
    ctx.output.out(f"node/{name} {'cordoned' if nodes.cordon(ctx.sandbox, name) else 'already cordoned'}")


def uncordon(ctx: Context) -> None:
    name = _node(ctx)
    ctx.output.out(f"node/{name} {'uncordoned' if nodes.uncordon(ctx.sandbox, name) else 'already uncordoned'}")


def drain(ctx: Context) -> None:
    """Cordon, then evict every pod but DaemonSet and mirror pods; kubectl refuses without
    --ignore-daemonsets when the node runs DaemonSet pods, and so does the console."""
    name = _node(ctx)
    daemons = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in nodes.pods_on(ctx.sandbox, name)
               if (controller_ref(p) or {}).get("kind") == "DaemonSet"]
    if daemons and not ctx.line.has("ignore-daemonsets"):
        cordoned = nodes.cordon(ctx.sandbox, name)
        ctx.output.out(f"node/{name} {'cordoned' if cordoned else 'already cordoned'}")
        ctx.output.err(f'error: unable to drain node "{name}" due to error: cannot delete DaemonSet-managed Pods '
                       f"(use --ignore-daemonsets to ignore): {', '.join(daemons)}, continuing command...\n"
                       f"There are pending nodes to be drained:\n {name}")
        return
    result = nodes.drain(ctx.sandbox, name)
    lines = result.lines()
    failed = 0 if result.drained else 3  # kubectl's closing error and pending-nodes lines go to stderr
    ctx.output.out("\n".join(lines[:len(lines) - failed]))
    if failed:
        ctx.output.err("\n".join(lines[-failed:]))
