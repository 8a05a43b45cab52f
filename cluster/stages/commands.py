"""The commands the paper shell (`cluster.stages.shell`) knows, and what each one does.

Each takes the run and its arguments, and prints, waits (moves the run's clock), sets an
exit status, or never returns. A server (`nginx`, `redis-server`, `python -m http.server`)
never returns and prints its start-up lines. A command nobody listed is assumed to be the
application the image was built for: it runs until stopped, silently.
"""

from collections.abc import Callable
from functools import cache

from cluster.stages import programs
from cluster.stages.shell import Run, parse

MiB = 2**20
PI_SECONDS = 4.0  # how long `perl -Mbignum=bpi -wle 'print bpi(2000)'` takes
MISSING_UNDER = ("/tmp/", "/var/run/", "/run/", "/app/", "/data/", "/healthy", "/ready")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def run(r: Run, argv: list[str]) -> None:
    name = argv[0].rsplit("/", 1)[-1]
    handler = COMMANDS.get(name)
    if handler is not None:
        handler(r, argv[1:])
        return
    program = programs.server(name, r.env, r.env.get("#tag", ""))
    if program is not None:
        start(r, program)
        return
    r.blocked, r.program = True, r.program or name  # the image's own application


def start(r: Run, program: programs.Program) -> None:
    r.print("\n".join(program.startup)) if program.startup else None
    r.program = program.name
    if program.exit_code is None:
        r.blocked = True
    else:
        r.status, r.ended = program.exit_code, True


def echo(r: Run, args: list[str]) -> None:
    escapes = False
    while args and args[0] in ("-n", "-e", "-ne", "-en", "-E"):
        escapes = escapes or "e" in args[0]
        args = args[1:]
    text = " ".join(args)
    r.print(text.replace("\\n", "\n").replace("\\t", "\t") if escapes else text)
    r.status = 0


def printf(r: Run, args: list[str]) -> None:
    if not args:
        return
    text = args[0].replace("\\n", "\n").replace("\\t", "\t")
    for value in args[1:]:
        for spec in ("%s", "%d", "%i"):
            if spec in text:
                text = text.replace(spec, value, 1)
                break
    r.print(text.removesuffix("\n"))
    r.status = 0


def seconds(text: str) -> float | None:
    """`5`, `1.5`, `2m`, `1h`; None for `infinity` or nonsense."""
    unit = DURATION_UNITS.get(text[-1:], 0) if text else 0
    number = text[:-1] if unit else text
    try:
        value = float(number) * (unit or 1)
    except ValueError:
        return None
    return value if value != float("inf") else None


def sleep(r: Run, args: list[str]) -> None:
    total = 0.0
    for arg in args:
        value = seconds(arg)
        if value is None:
            r.blocked = True
            return
        total += value
    r.t += total
    r.status = 0


def leave(r: Run, args: list[str]) -> None:
    if args and args[0].lstrip("-").isdigit():
        r.status = int(args[0]) % 256
    r.ended = True


def succeed(r: Run, args: list[str]) -> None:
    r.status = 0


def fail(r: Run, args: list[str]) -> None:
    r.status = 1


def date(r: Run, args: list[str]) -> None:
    r.print(programs.clock("date"))
    r.status = 0


def hostname(r: Run, args: list[str]) -> None:
    r.print(r.env.get("HOSTNAME", "localhost"))
    r.status = 0


def env(r: Run, args: list[str]) -> None:
    names = args or [name for name in r.env if not name.startswith("#")]
    lines = [f"{name}={r.env[name]}" if not args else r.env[name] for name in names if name in r.env]
    if lines:
        r.print("\n".join(lines))
    r.status = 0 if lines or not args else 1


def touch(r: Run, args: list[str]) -> None:
    for path in args:
        if not path.startswith("-"):
            r.file(path, True)
    r.status = 0


def remove(r: Run, args: list[str]) -> None:
    for path in args:
        if not path.startswith("-"):
            r.file(path, False)
    r.status = 0


def exists(r: Run, path: str) -> bool:
    """Files the script made or removed are as it left them; of the rest, only scratch places are empty."""
    if path in r.files:
        return r.has_file(path)
    return not any(part in path for part in MISSING_UNDER)


def cat(r: Run, args: list[str]) -> None:
    r.status = 0
    for path in args:
        if not path.startswith("-") and not exists(r, path):
            r.print(f"cat: can't open '{path}': No such file or directory")
            r.status = 1


def test(r: Run, args: list[str]) -> None:
    if args and args[-1] == "]":
        args = args[:-1]
    negate = bool(args) and args[0] == "!"
    r.status = 0 if truth(r, args[1:] if negate else args) != negate else 1


COMPARE = {"-eq": lambda a, b: a == b, "-ne": lambda a, b: a != b, "-lt": lambda a, b: a < b,
           "-le": lambda a, b: a <= b, "-gt": lambda a, b: a > b, "-ge": lambda a, b: a >= b}


def truth(r: Run, args: list[str]) -> bool:
    if len(args) == 2 and args[0] in ("-f", "-e", "-d", "-s", "-r"):
        return exists(r, args[1])
    if len(args) == 2 and args[0] in ("-z", "-n"):
        return (args[1] == "") == (args[0] == "-z")
    if len(args) == 3 and args[1] in COMPARE:
        try:
            return bool(COMPARE[args[1]](int(args[0]), int(args[2])))
        except ValueError:
            return False
    if len(args) == 3 and args[1] in ("=", "==", "!="):
        return (args[0] == args[2]) == (args[1] != "!=")
    return bool(args) and args[0] != ""


def seq(r: Run, args: list[str]) -> None:
    numbers = [int(a) for a in args if a.lstrip("-").isdigit()]
    first, last = (1, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[-1]) if numbers else (1, 0)
    r.print("\n".join(str(n) for n in range(first, min(last, first + 10_000) + 1)))
    r.status = 0


def shell(r: Run, args: list[str]) -> None:
    """`sh -c "script"` runs the script; a bare `sh` with no terminal has nothing to read and exits."""
    flags = [a for a in args if a.startswith("-")]
    if any("c" in flag for flag in flags):
        script = next((a for a in args if not a.startswith("-")), "")
        r.block(parse(script))
        return
    rest = [a for a in args if not a.startswith("-")]
    if rest:  # a script file from the image: its application
        r.blocked, r.program = True, rest[0]


def python(r: Run, args: list[str]) -> None:
    if args[:2] == ["-m", "http.server"]:
        port = args[2] if len(args) > 2 and args[2].isdigit() else "8000"
        r.print(f"Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...")
        r.blocked, r.program = True, f"http.server:{port}"
    elif args[:1] == ["-c"]:
        r.status = 0
    elif args:
        r.blocked, r.program = True, args[-1]


def node(r: Run, args: list[str]) -> None:
    """`node` with no script and no terminal exits; `node server.js` is the application."""
    if args and not args[0].startswith("-"):
        r.blocked, r.program = True, args[0]
    r.status = 0


def perl(r: Run, args: list[str]) -> None:
    script = " ".join(args)
    if "bpi(" in script:
        digits = int("".join(c for c in script.split("bpi(", 1)[1].split(")")[0] if c.isdigit()) or "0")
        r.t += PI_SECONDS
        r.print(pi(max(min(digits, 10_000), 1)))
    r.status = 0


@cache
def pi(digits: int) -> str:
    """π to `digits` significant digits, as Perl's bignum prints it (Machin's formula, integers only)."""
    scale = 10 ** (digits + 10)

    def arctan_inverse(x: int) -> int:
        total, term, n, sign = 0, scale // x, 1, 1
        while term:
            total += sign * (term // n)
            term //= x * x
            n, sign = n + 2, -sign
        return total

    value = 4 * (4 * arctan_inverse(5) - arctan_inverse(239))
    text = str((int(str(value)[:digits + 1]) + 5) // 10)  # rounded to `digits`, as Math::BigFloat does
    return text[0] + "." + text[1:]


def stress(r: Run, args: list[str]) -> None:
    """polinux/stress, from the memory-limits tutorial: `--vm-bytes` is what it holds."""
    if "--vm-bytes" in args and args.index("--vm-bytes") + 1 < len(args):
        amount = args[args.index("--vm-bytes") + 1]
        r.env["#memory"] = str(size(amount))
    r.print("stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd")
    r.blocked, r.program = True, "stress"


def size(amount: str) -> int:
    """stress's `150M`, `1G`: bytes."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "k": 2**10, "m": 2**20, "g": 2**30}
    factor = units.get(amount[-1:], 1)
    number = amount[:-1] if factor != 1 else amount
    return int(float(number) * factor) if number.replace(".", "").isdigit() else 0


def export(r: Run, args: list[str]) -> None:
    for arg in args:
        name, equals, value = arg.partition("=")
        if equals:
            r.env[name] = value
    r.status = 0


def hello(r: Run, args: list[str]) -> None:
    """Docker's hello-world image: a greeting, then exit 0."""
    r.print("\n".join(HELLO))
    r.status, r.ended = 0, True


HELLO = ("", "Hello from Docker!", "This message shows that your installation appears to be working correctly.", "",
         "To generate this message, Docker took the following steps:",
         " 1. The Docker client contacted the Docker daemon.",
         ' 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.',
         "    (amd64)",
         " 3. The Docker daemon created a new container from that image which runs the",
         "    executable that produces the output you are currently reading.",
         " 4. The Docker daemon streamed that output to the Docker client, which sent it",
         "    to your terminal.")


def tail(r: Run, args: list[str]) -> None:
    if "-f" in args or "-F" in args:
        r.blocked = True
    r.status = 0


def forever(r: Run, args: list[str]) -> None:
    r.blocked = True


def agnhost(r: Run, args: list[str]) -> None:
    """registry.k8s.io/e2e-test-images/agnhost: `liveness` answers /healthz for 10 s, then 500."""
    r.blocked, r.program = True, f"agnhost-{args[0]}" if args else "agnhost"


COMMANDS: dict[str, Callable[[Run, list[str]], None]] = {
    "echo": echo, "printf": printf, "sleep": sleep, "exit": leave, "true": succeed, ":": succeed,
    "false": fail, "date": date, "hostname": hostname, "env": env, "printenv": env, "touch": touch,
    "mkdir": touch, "rm": remove, "cat": cat, "test": test, "[": test, "seq": seq, "sh": shell, "bash": shell,
    "ash": shell, "dash": shell, "zsh": shell, "python": python, "python3": python, "perl": perl,
    "stress": stress, "tail": tail, "yes": forever, "wget": succeed, "curl": succeed, "nc": succeed,
    "nslookup": succeed, "ping": forever, "kill": succeed, "trap": succeed, "set": succeed, "export": export,
    "cd": succeed, "agnhost": agnhost, "wait": forever, "read": forever, "hello": hello, "pause": forever,
    "irb": succeed, "node": node, "sh-idle": forever,
}
