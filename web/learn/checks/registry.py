"""The catalogue of check types: each one's name, its parameters and the function that runs it.

A lesson's `check:` entry is `{<type>: {<parameters>}}`. The loader (`web.learn.lessons`) asks
this catalogue whether the type exists and its parameters are the ones it takes, so a typo in
a lesson is a load error naming the file and the field, not a step that can never pass.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from web.learn.checks.verdict import Facts, Verdict

Spec = Mapping[str, Any]
Run = Callable[[Facts, Spec], Verdict]


@dataclass(frozen=True)
class CheckType:
    name: str
    run: Run
    required: frozenset[str]
    optional: frozenset[str]
    # At least one of these must be given (e.g. a `field` check's equals / at_least / exists).
    one_of: frozenset[str] = frozenset()

    def problems(self, spec: Any) -> list[tuple[str, str]]:
        """(parameter, what is wrong) for each problem with `spec`; empty when it is fine."""
        if not isinstance(spec, Mapping):
            return [("", "must be a mapping of parameters")]
        found = [(key, "is required") for key in sorted(self.required - spec.keys())]
        allowed = self.required | self.optional | self.one_of
        found += [(str(key), f"is not a parameter of {self.name} (known: {', '.join(sorted(allowed))})")
                  for key in spec if key not in allowed]
        if self.one_of and not self.one_of & spec.keys():
            found.append(("", f"needs one of: {', '.join(sorted(self.one_of))}"))
        return found


CHECKS: dict[str, CheckType] = {}


def check(name: str, *, required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
          one_of: tuple[str, ...] = ()) -> Callable[[Run], Run]:
    """Register a check type: `@check("deployment", required=("name",), optional=("available", ...))`."""
    def register(run: Run) -> Run:
        CHECKS[name] = CheckType(name, run, frozenset(required), frozenset(optional), frozenset(one_of))
        return run
    return register
