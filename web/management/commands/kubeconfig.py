"""`manage.py kubeconfig NAME`: a kubeconfig that points kubectl at one sandbox.

    python manage.py kubeconfig demo > demo.kubeconfig
    export KUBECONFIG=$PWD/demo.kubeconfig
    kubectl get nodes

Over plain http kubectl sends no credentials, so the server URL carries the sandbox's token
in its path (`/k8s/<token>`). The user entry carries the same token for clients that do send
it (the official Python client adds `Authorization: Bearer` even over http).
"""

from typing import Any
from urllib.parse import urlparse

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster.models import Sandbox
from web.management import links


class Command(BaseCommand):
    help = "Print a kubeconfig for a sandbox (context kubelab-NAME, namespace default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the sandbox's name")
        parser.add_argument("--server", help="the KubeLab address kubectl should use (default KUBELAB_PUBLIC_URL)")

    def handle(self, *args: Any, name: str, server: str | None, **options: Any) -> None:
        if server and urlparse(server).scheme not in ("http", "https"):
            raise CommandError(f"--server must be an http:// or https:// URL, not {server!r}")
        sandbox = Sandbox.objects.filter(name=name).first()
        if sandbox is None:
            raise CommandError(f'sandboxes "{name}" not found')
        self.stdout.write(yaml.safe_dump(links.kubeconfig(sandbox, server), sort_keys=False), ending="")
