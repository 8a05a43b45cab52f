"""What a console command runs with, and what it prints."""

from dataclasses import dataclass, field
from datetime import datetime

from cluster import clock, store
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj
from web.console.commandline import CommandLine

DEFAULT_NAMESPACE = "default"


@dataclass
class Output:
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    code: int = 0

    def out(self, text: str) -> None:
        self.stdout.append(text if text.endswith("\n") else text + "\n")

    def err(self, text: str, code: int = 1) -> None:
        self.stderr.append(text if text.endswith("\n") else text + "\n")
        self.code = code or self.code

    @property
    def text(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)


@dataclass
class Context:
    sandbox: Sandbox
    line: CommandLine
    stdin: str = ""
    output: Output = field(default_factory=Output)

    @property
    def namespace(self) -> str:
        return self.line.flag("namespace", DEFAULT_NAMESPACE)

    @property
    def all_namespaces(self) -> bool:
        return self.line.has("all-namespaces")

    def now(self) -> datetime:
        return clock.now(self.sandbox)

    def namespace_for(self, kind: Kind) -> str:
        return self.namespace if kind.namespaced else ""

    def get(self, kind: Kind, name: str) -> Obj:
        return store.get(self.sandbox, kind, self.namespace_for(kind), name)
