"""Running one console command line: parse, dispatch on the verb, print like kubectl.

`run(sandbox, "get pods -o wide")` returns what kubectl would print: stdout, stderr and an
exit code. Errors from the server print as `Error from server (Reason): message`; errors
kubectl finds itself print as `error: ...`.
"""

from collections.abc import Callable

from cluster import errors
from cluster.models import Sandbox
from web.console import nodes, reading, rollout, writing
from web.console.commandline import UsageError, parse
from web.console.context import Context, Output

VERBS: dict[str, Callable[[Context], None]] = {
    "get": reading.get, "describe": reading.describe_command, "logs": reading.logs, "top": reading.top,
    "nslookup": reading.nslookup, "apply": writing.apply, "create": writing.create, "delete": writing.delete,
    "scale": writing.scale, "label": writing.label, "set": writing.set_image, "expose": writing.expose,
    "rollout": rollout.rollout, "cordon": nodes.cordon, "uncordon": nodes.uncordon, "drain": nodes.drain,
}


def run(sandbox: Sandbox, line: str, stdin: str = "") -> Output:
    output = Output()
    try:
        parsed = parse(line)
        if not parsed.words:
            return output
        verb = VERBS.get(parsed.words[0])
        if verb is None:
            raise UsageError(f'unknown command "{parsed.words[0]}" for "kubectl"\n'
                             f"The console knows: {', '.join(sorted(VERBS))}")
        verb(Context(sandbox, parsed, stdin, output))
    except errors.StatusError as error:
        output.err(f"Error from server ({error.reason}): {error.message}")
    except UsageError as error:
        output.err(f"error: {error}")
    return output
