"""A very small shell: enough to tell what a container's command would do, without running it.

Learners' manifests run `sleep 3600`, `sh -c "echo hello; sleep 5; exit 3"`, or the logging
tutorial's `i=0; while true; echo "$i: $(date)"; i=$((i+1)); sleep 1; done`. This module
reads such scripts the way `sh` would, but on paper: each command advances a clock of
offsets (seconds after the container started) instead of waiting, and what it prints is
recorded with the offset it was printed at. Files created and removed (`touch`, `rm`) are
recorded too, because the liveness tutorial's exec probe `cat /tmp/healthy` depends on them.

Supported: `;`, `&&`, `||`, `&`, `|` (the left side's output is dropped), redirections to
files, `while`/`until`/`for`/`if`, variables, `$((arithmetic))`, `$(date)`, `$(hostname)`,
`$(seq ...)`, `[ ... ]` tests, and the commands of `cluster.stages.commands`. A `while` loop
still going after `LOOP_LIMIT` iterations is taken to run forever: it becomes a `Loop` whose
output is produced on demand, iteration by iteration.
"""

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOOP_LIMIT = 200
# A loop body that never sleeps is given this much time per iteration, so it cannot print
# infinitely fast.
MIN_PERIOD = 1.0
SEPARATORS = (";", "&&", "||", "&", "|", ";;")
REDIRECTS = (">", ">>", "<", ">&", "&>", "2>", "2>>")


@dataclass
class Step:
    joiner: str  # how it follows the previous step: ";", "&&", "||", "|"
    node: Any
    background: bool = False


@dataclass
class Simple:
    argv: list[str]
    redirect: str = ""  # the file the output goes to, if any


@dataclass
class Loop:
    until: bool
    cond: list[Step]
    body: list[Step]


@dataclass
class For:
    var: str
    words: list[str]
    body: list[Step]


@dataclass
class If:
    cond: list[Step]
    then: list[Step]
    otherwise: list[Step]


def tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script.replace("\n", ";"), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:  # an unbalanced quote: read it as plain words
        words = script.split()
    return rejoin(words)


def rejoin(words: list[str]) -> list[str]:
    """Put `$(seq 1 5)` back together: the lexer split it at its spaces."""
    out: list[str] = []
    for word in words:
        if out and out[-1].count("$(") > out[-1].count(")"):
            out[-1] += " " + word
        else:
            out.append(word)
    return out


class Parser:
    def __init__(self, words: list[str]) -> None:
        self.words, self.i = words, 0

    def peek(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def take(self) -> str:
        word = self.peek() or ""
        self.i += 1
        return word

    def skip(self, word: str) -> None:
        if self.peek() == word:
            self.i += 1

    def block(self, stop: tuple[str, ...] = ()) -> list[Step]:
        steps: list[Step] = []
        joiner = ";"
        while (word := self.peek()) is not None and word not in stop:
            if word in SEPARATORS:
                self.take()
                if word == "&" and steps:
                    steps[-1].background = True
                joiner = word if word in ("&&", "||", "|") else ";"
                continue
            steps.append(Step(joiner, self.command()))
            joiner = ";"
        return steps

    def command(self) -> Any:
        word = self.peek()
        if word in ("while", "until"):
            self.take()
            cond = self.block(("do",))
            self.skip("do")
            body = self.block(("done",))
            self.skip("done")
            return Loop(word == "until", cond, body)
        if word == "for":
            return self.for_loop()
        if word == "if":
            return self.conditional()
        return self.simple()

    def for_loop(self) -> For:
        self.take()
        var, words = self.take(), []
        if self.peek() == "in":
            self.take()
            while self.peek() not in (None, ";", "do"):
                words.append(self.take())
        self.skip(";")
        self.skip("do")
        body = self.block(("done",))
        self.skip("done")
        return For(var, words, body)

    def conditional(self) -> If:
        self.take()
        cond = self.block(("then",))
        self.skip("then")
        then = self.block(("else", "elif", "fi"))
        otherwise: list[Step] = []
        if self.peek() == "elif":
            otherwise = [Step(";", self.conditional())]
            return If(cond, then, otherwise)
        if self.peek() == "else":
            self.take()
            otherwise = self.block(("fi",))
        self.skip("fi")
        return If(cond, then, otherwise)

    def simple(self) -> Simple:
        argv: list[str] = []
        redirect = ""
        while (word := self.peek()) is not None and word not in SEPARATORS:
            self.take()
            if word in REDIRECTS:
                redirect = self.take() if word != ">&" else redirect
                continue
            argv.append(word)
        if argv and argv[-1] in ("1", "2") and redirect:  # the `2` of `2>/dev/null`
            argv.pop()
        return Simple(argv, "" if redirect in ("/dev/null", "1", "2", "/dev/stdout") else redirect)


def parse(script: str) -> list[Step]:
    return Parser(tokens(script)).block()


# --- running on paper -----------------------------------------------------------------------

@dataclass
class Forever:
    """Output that repeats for as long as the container runs: a `while true` loop."""

    starts: float
    period: float
    body: list[Step] = field(repr=False)
    env: dict[str, str] = field(repr=False)
    steps: dict[str, int] = field(repr=False)  # counters and what one iteration adds to them
    commands: Any = field(repr=False)

    def iteration(self, k: int) -> list[tuple[float, str]]:
        env = {**self.env, **{name: str(int(self.env.get(name, "0") or 0) + k * step)
                              for name, step in self.steps.items()}}
        run = Run(env, self.commands, t=self.starts + k * self.period, within_loop=True)
        run.block(self.body)
        return run.out


@dataclass
class Run:
    """One script's life on paper: the clock, what it printed, files, and how it ended."""

    env: dict[str, str]
    commands: Any  # the command table (cluster.stages.commands); passed in to keep this module small
    t: float = 0.0
    status: int = 0
    out: list[tuple[float, str]] = field(default_factory=list)
    files: dict[str, list[tuple[float, bool]]] = field(default_factory=dict)
    ended: bool = False  # `exit` was called
    blocked: bool = False  # a command that never returns (a server, `sleep infinity`)
    program: str = ""  # the long-running program it turned into, if any
    loop: Forever | None = None
    within_loop: bool = False

    @property
    def stopped(self) -> bool:
        return self.ended or self.blocked

    def print(self, text: str) -> None:
        for line in text.split("\n"):
            self.out.append((self.t, line))

    def file(self, path: str, exists: bool) -> None:
        self.files.setdefault(path, []).append((self.t, exists))

    def has_file(self, path: str) -> bool:
        history = self.files.get(path)
        return bool(history and history[-1][1])

    def block(self, steps: list[Step]) -> None:
        for step in steps:
            if self.stopped:
                return
            if (step.joiner == "&&" and self.status != 0) or (step.joiner == "||" and self.status == 0):
                continue
            self.step(step)

    def step(self, step: Step) -> None:
        if step.background:
            self.background(step.node)
            return
        node = step.node
        if isinstance(node, Simple):
            self.simple(node)
        elif isinstance(node, Loop):
            self.while_loop(node)
        elif isinstance(node, For):
            self.for_loop(node)
        elif isinstance(node, If):
            self.block(node.cond)
            self.block(node.then if self.status == 0 else node.otherwise)

    def background(self, node: Any) -> None:
        """`cmd &`: it runs alongside; the script goes on at once."""
        side = Run(dict(self.env), self.commands, t=self.t)
        side.step(Step(";", node))
        self.out += side.out
        self.program = self.program or side.program

    def simple(self, node: Simple) -> None:
        argv = [self.expand(word) for word in node.argv]
        if not argv:
            return
        if len(argv) == 1 and "=" in argv[0] and not argv[0].startswith("="):
            name, _, value = argv[0].partition("=")
            self.env[name] = value
            self.status = 0
            return
        printed = len(self.out)
        self.commands.run(self, argv)
        if node.redirect:
            del self.out[printed:]
            self.file(node.redirect, True)

    def while_loop(self, node: Loop) -> None:
        for k in range(LOOP_LIMIT):
            if not self.holds(node):
                return
            if k == 0 and endless(node):
                self.forever(node)
                return
            started = self.t
            self.block(node.body)
            if self.stopped:
                return
            if self.t == started:
                self.t += MIN_PERIOD
        self.forever(node)

    def holds(self, node: Loop) -> bool:
        self.block(node.cond)
        return (self.status == 0) != node.until

    def forever(self, node: Loop) -> None:
        """From here the loop repeats until the container stops: one trial iteration tells its period."""
        if self.within_loop:
            self.blocked = True
            return
        trial = Run(dict(self.env), self.commands, t=self.t, files=dict(self.files), within_loop=True)
        trial.block(node.body)
        if trial.stopped:  # `while true; do exit 1; done`, or a server started inside
            self.out, self.t, self.status = self.out + trial.out, trial.t, trial.status
            self.ended, self.blocked, self.program = trial.ended, trial.blocked, trial.program
            return
        period = max(trial.t - self.t, MIN_PERIOD)
        self.loop = Forever(self.t, period, node.body, dict(self.env), counters(self.env, trial.env), self.commands)
        self.blocked = True

    def for_loop(self, node: For) -> None:
        words: list[str] = []
        for word in node.words:
            words += self.expand(word).split()
        for value in words[:LOOP_LIMIT]:
            self.env[node.var] = value
            self.block(node.body)
            if self.stopped:
                return

    # --- expansion --------------------------------------------------------------------------

    def expand(self, word: str) -> str:
        out, i = [], 0
        while i < len(word):
            if word.startswith("$((", i):
                end = word.find("))", i)
                end = len(word) if end < 0 else end
                out.append(str(arithmetic(word[i + 3:end], self.env)))
                i = end + 2
            elif word.startswith("$(", i):
                end = word.find(")", i)
                end = len(word) if end < 0 else end
                out.append(self.substitute(word[i + 2:end]))
                i = end + 1
            elif word.startswith("${", i):
                end = word.find("}", i)
                end = len(word) if end < 0 else end
                out.append(self.env.get(word[i + 2:end].split(":")[0], ""))
                i = end + 1
            elif word[i] == "$" and i + 1 < len(word) and (word[i + 1].isalnum() or word[i + 1] == "_"):
                j = i + 1
                while j < len(word) and (word[j].isalnum() or word[j] == "_"):
                    j += 1
                out.append(self.env.get(word[i + 1:j], ""))
                i = j
            else:
                out.append(word[i])
                i += 1
        return "".join(out)

    def substitute(self, command: str) -> str:
        """`$(date)`: what the command prints, taking no time."""
        inner = Run(self.env, self.commands, t=self.t, files=self.files)
        inner.block(parse(command))
        return " ".join(text for _, text in inner.out).strip()


def endless(node: Loop) -> bool:
    """`while true`, `while :`, `until false`: a condition that can never change."""
    if not node.cond or not all(isinstance(s.node, Simple) for s in node.cond):
        return not node.cond
    words = [s.node.argv for s in node.cond]
    return words in ([["false"]],) if node.until else words in ([["true"]], [[":"]])


def counters(before: dict[str, str], after: dict[str, str]) -> dict[str, int]:
    """Variables one loop iteration moves by a constant step (`i=$((i+1))`)."""
    steps = {}
    for name, value in after.items():
        old = before.get(name, "")
        if value.lstrip("-").isdigit() and old.lstrip("-").isdigit() and int(value) != int(old):
            steps[name] = int(value) - int(old)
    return steps


ARITHMETIC = set("0123456789+-*/%() <>=!&|")


def arithmetic(expression: str, env: dict[str, str]) -> int:
    """`$((i + 1))` with integers only; anything else is 0, as a failed expansion would leave nothing."""
    text, name = [], ""
    for char in expression + " ":
        if char.isalpha() or char == "_" or (name and char.isdigit()):
            name += char
            continue
        if name:
            text.append(env.get(name, "0") or "0")
            name = ""
        text.append(char)
    source = "".join(text).replace("$", "").replace("/", "//")
    if not set(source) <= ARITHMETIC:
        return 0
    try:
        return int(eval(source, {"__builtins__": {}}, {}))  # noqa: S307 - digits and operators only
    except Exception:
        return 0


Command = Callable[[Run, list[str]], None]
