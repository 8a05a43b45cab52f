"""The console commands a learner ran in a sandbox: what the `console_ran` check reads.

The lesson page reports each command the learner runs in the workspace console over its
socket; the engine's own `kubectl` actions (solutions, setups) are noted here too.
"""

from cluster.models import Sandbox
from web.learn.models import ConsoleRun

MAX_LENGTH = 500
KEEP = 200  # the newest commands are enough for any step


def note(sandbox: Sandbox, command: str) -> None:
    line = " ".join(command.split())[:MAX_LENGTH]
    if line:
        ConsoleRun.objects.create(sandbox=sandbox, command=line)


def lines(sandbox: Sandbox) -> tuple[str, ...]:
    newest = ConsoleRun.objects.filter(sandbox=sandbox).order_by("-ran_at", "-id").values_list("command", flat=True)
    return tuple(reversed(list(newest[:KEEP])))
