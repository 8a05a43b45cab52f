"""Reading a kubectl command line: words (with shell quoting) into a verb, arguments and flags.

kubectl's flags come from cobra: `--name=value`, `--name value`, `-n value`, `-nvalue`, and
boolean flags that take no value. Only the flags the console's commands understand are
known; anything else is an error worded as kubectl words it.
"""

import shlex
from dataclasses import dataclass, field

# Long and short spellings of the flags that take a value, by their canonical name.
VALUED = {
    "namespace": ("-n", "--namespace"), "selector": ("-l", "--selector"), "output": ("-o", "--output"),
    "filename": ("-f", "--filename"), "container": ("-c", "--container"), "replicas": ("--replicas",),
    "image": ("--image",), "port": ("--port",), "target-port": ("--target-port",), "type": ("--type",),
    "name": ("--name",), "to-revision": ("--to-revision",), "tail": ("--tail",), "grace-period": ("--grace-period",),
    "from-literal": ("--from-literal",), "revision": ("--revision",), "protocol": ("--protocol",),
    "timeout": ("--timeout",), "cascade": ("--cascade",),
}
BOOLEAN = {
    "all-namespaces": ("-A", "--all-namespaces"), "show-labels": ("--show-labels",), "overwrite": ("--overwrite",),
    "all": ("--all",), "ignore-daemonsets": ("--ignore-daemonsets",), "force": ("--force",),
    "delete-emptydir-data": ("--delete-emptydir-data",), "previous": ("-p", "--previous"),
    "follow": ("--follow",), "watch": ("-w", "--watch"), "now": ("--now",),
    "no-headers": ("--no-headers",),
}
SPELLINGS = {spelling: name for name, spellings in {**VALUED, **BOOLEAN}.items() for spelling in spellings}


class UsageError(Exception):
    """A command line kubectl would refuse before talking to the server (printed as `error: ...`)."""


@dataclass
class CommandLine:
    words: list[str]
    flags: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, name: str, default: str = "") -> str:
        values = self.flags.get(name)
        return values[-1] if values else default

    def has(self, name: str) -> bool:
        return name in self.flags


def parse(line: str) -> CommandLine:
    """`kubectl get pods -n dev -o wide` -> words ["get", "pods"], flags {namespace: [dev], output: [wide]}."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if words and words[0] == "kubectl":
        words = words[1:]
    parsed = CommandLine([])
    while words:
        word = words.pop(0)
        if word.startswith("-") and word != "-":
            _take_flag(parsed, word, words)
        else:
            parsed.words.append(word)
    return parsed


def _take_flag(parsed: CommandLine, word: str, rest: list[str]) -> None:
    spelling, _, value = word.partition("=")
    if spelling not in SPELLINGS and not spelling.startswith("--") and len(spelling) > 2:
        spelling, value = spelling[:2], spelling[2:]  # -ndev, -owide
    name = SPELLINGS.get(spelling)
    if spelling == "-f" and parsed.words[:1] == ["logs"]:
        name = "follow"  # `kubectl logs -f` follows; everywhere else -f is a file
    if name is None:
        raise UsageError(f"unknown flag: {spelling}" if spelling.startswith("--")
                         else f"unknown shorthand flag: '{spelling[1:2]}' in {word}")
    if name in BOOLEAN:
        parsed.flags.setdefault(name, []).append(value or "true")
        return
    if not value and "=" not in word:
        if not rest:
            raise UsageError(f"flag needs an argument: {spelling}")
        value = rest.pop(0)
    parsed.flags.setdefault(name, []).append(value)
