"""`manage.py sandbox create|list|delete`: sandboxes from the command line.

    python manage.py sandbox create workshop-1 --nodes 5 --profile realistic --json
    python manage.py sandbox list
    python manage.py sandbox delete workshop-1
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cluster import errors, sandboxes
from cluster.kinds.printing import human_duration
from cluster.models import Profile, Sandbox
from web.management import links

MAX_NODES = 100
COLUMNS = ("NAME", "NODES", "OBJECTS", "AGE", "URL")


class Command(BaseCommand):
    help = "Create, list and delete sandboxes (simulated clusters)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,delete}")
        create = actions.add_parser("create", help="create a sandbox with its nodes")
        create.add_argument("name", help="a DNS-1123 label, e.g. demo")
        create.add_argument("--nodes", type=int, default=3, help="how many nodes (default 3)")
        create.add_argument("--profile", choices=Profile.values, default=Profile.REALISTIC,
                            help="fast: no delays; realistic: delays as on a real cluster (default)")
        create.add_argument("--speed", type=float, default=1.0, help="clock speed: 0 paused, 1 real time (default)")
        create.add_argument("--exist-ok", action="store_true", help="succeed if the sandbox already exists")
        create.add_argument("--json", dest="as_json", action="store_true",
                            help="print name, api_url and diagram_url as JSON")
        actions.add_parser("list", help="list sandboxes")
        delete = actions.add_parser("delete", help="delete a sandbox and every object in it")
        delete.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[..., None]] = {"create": self.create, "list": self.list, "delete": self.delete}
        handler = handlers[options["action"]]
        try:
            handler(**options)
        except errors.StatusError as error:
            raise CommandError(str(error)) from None

    def create(self, name: str, nodes: int, profile: str, speed: float, exist_ok: bool,
               as_json: bool, **_: Any) -> None:
        if not 0 <= nodes <= MAX_NODES:
            raise CommandError(f"--nodes must be between 0 and {MAX_NODES}, not {nodes}")
        existing = Sandbox.objects.filter(name=name).first() if exist_ok else None
        sandbox = existing or sandboxes.create(name, nodes=nodes, profile=profile, speed=speed)
        self.stdout.write(describe(sandbox, "unchanged" if existing else "created", as_json=as_json))

    def list(self, **_: Any) -> None:
        rows = [row(sandbox) for sandbox in counted(Sandbox.objects.order_by("name"))]
        if not rows:
            self.stdout.write("No sandboxes found.")
            return
        self.stdout.write(table([COLUMNS, *rows]))

    def delete(self, name: str, **_: Any) -> None:
        sandboxes.delete(name)
        self.stdout.write(f'sandbox "{name}" deleted')


def describe(sandbox: Sandbox, verb: str, *, as_json: bool) -> str:
    """What `create` prints: JSON for scripts, or kubectl's `kind/name created` and the two addresses."""
    if as_json:
        return json.dumps({"name": sandbox.name, "api_url": links.api_url(sandbox),
                           "diagram_url": links.diagram_url(sandbox), "profile": sandbox.profile})
    return (f"sandbox/{sandbox.name} {verb}\n"
            f"  API:      {links.api_url(sandbox)}\n"
            f"  Diagram:  {links.diagram_url(sandbox)}")


def counted(sandboxes: QuerySet[Sandbox]) -> QuerySet[Sandbox]:
    nodes = Q(kube_objects__kind="Node", kube_objects__group="")
    return sandboxes.annotate(object_count=Count("kube_objects"), node_count=Count("kube_objects", filter=nodes))


def row(sandbox: Any) -> tuple[str, ...]:
    age = human_duration((timezone.now() - sandbox.created_at).total_seconds())
    return (sandbox.name, str(sandbox.node_count), str(sandbox.object_count), age, links.diagram_url(sandbox))


def table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded as kubectl pads them: the widest cell plus three spaces."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("   ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows)

