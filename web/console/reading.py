"""The console's reading commands: get, describe, logs, top, nslookup."""

from cluster import dns, errors, kinds, metrics, selectors, store
from cluster import logs as logs_domain
from cluster.kinds import Kind
from cluster.objects import Obj
from cluster.scheduling import resources
from web.console import printing
from web.console.commandline import UsageError
from web.console.context import Context
from web.console.describe import describe
from web.console.resources import qualified, resolve, resolve_many, split_target
from web.kubeapi import tables

MI = 2 ** 20


def get(ctx: Context) -> None:
    if not ctx.line.words[1:]:
        raise UsageError("Required resource not specified.")
    if "/" in ctx.line.words[1]:
        found = [(kind, [ctx.get(kind, name)]) for kind, name in split_target(ctx.line.words[1:])]
        return show(ctx, found, several=len(found) > 1)
    kinds_asked = resolve_many(ctx.line.words[1])
    names = ctx.line.words[2:]
    found = [(kind, named(ctx, kind, names) if names else listed(ctx, kind)) for kind in kinds_asked]
    several = len(kinds_asked) > 1 or ctx.line.words[1] == "all"
    show(ctx, [(kind, items) for kind, items in found if items or not several], several=several)
    if not names and not any(items for _, items in found):
        ctx.output.stdout.clear()
        where = "" if ctx.all_namespaces or not any(k.namespaced for k in kinds_asked) else \
            f" in {ctx.namespace} namespace"
        ctx.output.err(f"No resources found{where}.", code=0)


def listed(ctx: Context, kind: Kind) -> list[Obj]:
    namespace = None if ctx.all_namespaces or not kind.namespaced else ctx.namespace
    selector = selectors.parse_label_selector(ctx.line.flag("selector") or None)
    items, _ = store.list_objects(ctx.sandbox, kind, namespace, selector)
    return items


def named(ctx: Context, kind: Kind, names: list[str]) -> list[Obj]:
    found = []
    for name in names:
        try:
            found.append(ctx.get(kind, name))
        except errors.StatusError as error:
            ctx.output.err(f"Error from server ({error.reason}): {error.message}")
    return found


def show(ctx: Context, found: list[tuple[Kind, list[Obj]]], *, several: bool) -> None:
    output = ctx.line.flag("output")
    if output in ("yaml", "json"):
        items = [obj for _, objs in found for obj in objs]
        single = len(items) == 1 and len(ctx.line.words) > 2
        body = items[0] if single else printing.as_list(items)
        ctx.output.out(printing.yaml_text(body) if output == "yaml" else printing.json_text(body))
        return
    if output == "name":
        names = (f"{qualified(kind)}/{obj['metadata']['name']}" for kind, objs in found for obj in objs)
        ctx.output.out("\n".join(names))
        return
    if output not in ("", "wide"):
        raise UsageError(f'unable to match a printer suitable for the output format "{output}", allowed formats '
                         "are: json,name,wide,yaml")
    texts = [table_of(ctx, kind, objs, qualified(kind) if several else "") for kind, objs in found if objs]
    if texts:
        ctx.output.out("\n\n".join(texts))


def table_of(ctx: Context, kind: Kind, objs: list[Obj], prefix: str) -> str:
    table = tables.table(kind, objs, ctx.now())
    return printing.table_text(table, wide=ctx.line.flag("output") == "wide",
                               namespace_column=ctx.all_namespaces and kind.namespaced,
                               show_labels=ctx.line.has("show-labels"), prefix=prefix,
                               headers=not ctx.line.has("no-headers"))


def describe_command(ctx: Context) -> None:
    if not ctx.line.words[1:]:
        raise UsageError("Required resource not specified.")
    if "/" in ctx.line.words[1] or ctx.line.words[2:]:
        targets = [(kind, ctx.get(kind, name)) for kind, name in split_target(ctx.line.words[1:])]
    else:
        kind = resolve(ctx.line.words[1])
        targets = [(kind, obj) for obj in listed(ctx, kind)]
    related = {name: listed(ctx, k) for name, k in _related_kinds()}
    texts = [describe(obj, events_about(ctx, obj), ctx.now(), related) for _, obj in targets]
    ctx.output.out("\n\n".join(text.rstrip("\n") for text in texts))


def _related_kinds() -> list[tuple[str, Kind]]:
    wanted = (("", "Pod"), ("apps", "ReplicaSet"), ("", "Endpoints"))
    return [(kind, found) for group, kind in wanted if (found := kinds.by_kind(group, kind)) is not None]


def events_about(ctx: Context, obj: Obj) -> list[Obj]:
    kind = kinds.by_kind("", "Event")
    if kind is None:
        return []
    items, _ = store.list_objects(ctx.sandbox, kind, None)
    uid = obj["metadata"]["uid"]
    return [e for e in items if (e.get("involvedObject") or {}).get("uid") == uid]


# --- logs, top, nslookup ------------------------------------------------------------------------

def logs(ctx: Context) -> None:
    if not ctx.line.words[1:]:
        raise UsageError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.")
    target = ctx.line.words[1]
    kind_name, _, name = target.rpartition("/")
    pod_kind = kinds.by_kind("", "Pod")
    assert pod_kind is not None
    owner_kind = resolve(kind_name) if kind_name else pod_kind
    pod = ctx.get(pod_kind, name) if owner_kind is pod_kind else pod_of(ctx, owner_kind, name)
    lines = logs_domain.read(ctx.sandbox, pod, ctx.line.flag("container"), previous=ctx.line.has("previous"),
                             tail=int(ctx.line.flag("tail", "-1")))
    if lines:
        ctx.output.stdout.append("".join(lines))


def pod_of(ctx: Context, kind: Kind | None, name: str) -> Obj:
    """`logs deploy/web`: kubectl picks one of the workload's pods (running and ready ones first) and
    says so when there are several."""
    if kind is None or not isinstance((ctx.get(kind, name).get("spec") or {}).get("selector"), dict):
        raise UsageError("cannot get the logs from this kind of object: use `logs POD` or `logs TYPE/NAME` of a "
                         "workload")
    spec_selector = ctx.get(kind, name)["spec"]["selector"]
    selector = (selectors.from_label_selector(spec_selector) if "matchLabels" in spec_selector
                or "matchExpressions" in spec_selector else selectors.from_equality_map(spec_selector))
    pod_kind = kinds.by_kind("", "Pod")
    assert pod_kind is not None
    pods = store.list_objects(ctx.sandbox, pod_kind, ctx.namespace, selector)[0]
    if not pods:
        raise UsageError(f"no pods found for {kind.singular}/{name}")
    pods.sort(key=_logging_rank)
    if len(pods) > 1:
        ctx.output.stderr.append(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[0]


def _logging_rank(pod: Obj) -> tuple[bool, bool, str]:
    status = pod.get("status") or {}
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
    return (status.get("phase") != "Running", not ready, pod["metadata"].get("creationTimestamp", ""))


def top(ctx: Context) -> None:
    """`kubectl top nodes|pods`: usage from the metrics simulation, laid out as kubectl does
    (every cell ends in a tab, so even the last column is padded)."""
    what = resolve(ctx.line.words[1]) if ctx.line.words[1:] else None
    if what is None or what.kind not in ("Node", "Pod"):
        raise UsageError("the console knows `top nodes` and `top pods`")
    lines = top_nodes(ctx) if what.kind == "Node" else top_pods(ctx)
    if len(lines) == 1:
        raise UsageError("Metrics not available yet")
    ctx.output.out(printing.tabwrite("\n".join("".join(f"{cell}\t" for cell in line) for line in lines)))


def top_nodes(ctx: Context) -> list[list[str]]:
    node_kind = kinds.by_kind("", "Node")
    assert node_kind is not None
    pods = listed_all(ctx, "Pod")
    lines = [["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]]
    for node in store.list_objects(ctx.sandbox, node_kind)[0]:
        allocatable = resources.of_list((node.get("status") or {}).get("allocatable") or {})
        here = [p for p in pods if (p.get("spec") or {}).get("nodeName") == node["metadata"]["name"]]
        used = metrics.node_usage(here)
        lines.append([node["metadata"]["name"], f"{used.cpu}m", _percent(used.cpu, allocatable.cpu),
                      f"{used.memory // MI}Mi", _percent(used.memory, allocatable.memory)])
    return lines


def top_pods(ctx: Context) -> list[list[str]]:
    lines = [(["NAMESPACE"] if ctx.all_namespaces else []) + ["NAME", "CPU(cores)", "MEMORY(bytes)"]]
    pod_kind = kinds.by_kind("", "Pod")
    assert pod_kind is not None
    for pod in listed(ctx, pod_kind):
        used = metrics.pod_usage(pod)
        if used is not None:
            lines.append(([pod["metadata"]["namespace"]] if ctx.all_namespaces else [])
                         + [pod["metadata"]["name"], f"{used.cpu}m", f"{used.memory // MI}Mi"])
    return lines


def listed_all(ctx: Context, kind_name: str) -> list[Obj]:
    kind = kinds.by_kind("", kind_name)
    assert kind is not None
    return store.list_objects(ctx.sandbox, kind, None)[0]


def _percent(used: int, allocatable: int) -> str:
    return f"{used * 100 // allocatable}%" if allocatable else "<unknown>"


def nslookup(ctx: Context) -> None:
    """`nslookup NAME` as run from a pod in the namespace: the cluster DNS's answer."""
    if not ctx.line.words[1:]:
        raise UsageError("usage: nslookup NAME")
    answer = dns.nslookup(store.load_state(ctx.sandbox), ctx.line.words[1], ctx.namespace)
    ctx.output.out(answer.rstrip("\n"))
