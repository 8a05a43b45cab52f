"""Which kind a word names, as kubectl resolves it through discovery.

kubectl accepts a kind by its plural (`pods`), singular (`pod`), short name (`po`), its kind
(`Pod`), and any of these with the group (`deployments.apps`). `all` is kubectl's category of
the common workload kinds. An unknown word gets kubectl's own error.
"""

from cluster import kinds
from cluster.kinds import Kind
from web.console.commandline import UsageError

# kubectl's `all` category, in the order `kubectl get all` prints it.
ALL = (("", "Pod"), ("", "Service"), ("apps", "DaemonSet"), ("apps", "Deployment"), ("apps", "ReplicaSet"),
       ("apps", "StatefulSet"), ("autoscaling", "HorizontalPodAutoscaler"), ("batch", "CronJob"), ("batch", "Job"))


def resolve(word: str) -> Kind:
    name, _, group = word.lower().partition(".")
    for kind in kinds.all_kinds():
        spellings = {kind.plural, kind.singular, kind.kind.lower(), *kind.short_names}
        if name in spellings and (not group or kind.group == group):
            return kind
    raise UsageError(f'the server doesn\'t have a resource type "{word}"')


def resolve_many(word: str) -> list[Kind]:
    """`pods,svc` or `all` to kinds, in order."""
    found: list[Kind] = []
    for part in word.split(","):
        if part == "all":
            found += [k for k in (kinds.by_kind(group, kind) for group, kind in ALL) if k is not None]
        else:
            found.append(resolve(part))
    return found


def qualified(kind: Kind) -> str:
    """`deployment.apps`, `pod`: how kubectl names a kind in `kind/name` output."""
    return f"{kind.singular}.{kind.group}" if kind.group else kind.singular


def split_target(words: list[str]) -> list[tuple[Kind, str]]:
    """`deploy/web svc/web` or `deploy web api` to (kind, name) pairs."""
    if words and "/" in words[0]:
        pairs = [word.split("/", 1) for word in words]
        return [(resolve(kind), name) for kind, name in pairs]
    if not words:
        raise UsageError("You must provide one or more resources by argument or filename.")
    kind = resolve(words[0])
    return [(kind, name) for name in words[1:]]
