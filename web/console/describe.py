"""`kubectl describe`: one object in prose, in kubectl's layout, with its recent Events.

kubectl's describers write `Label:\tvalue` lines (nested ones indented two spaces a level)
through a tabwriter with padding 2, so each run of consecutive tabbed lines lines up. The
functions here write the same lines for pods, deployments, nodes and services; any other
kind gets the common header (name, namespace, labels, annotations) and its Events.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from cluster.kinds import pod as pod_kind
from cluster.kinds.printing import human_duration
from cluster.objects import Obj, parse_time
from cluster.selectors import to_string
from web.console.printing import DESCRIBE_MIN_WIDTH, DESCRIBE_PADDING, tabwrite

NONE = "<none>"


class Writer:
    """kubectl's PrefixWriter: lines at an indent level, cells separated by tabs."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, level: int, *cells: Any) -> None:
        self.lines.append("  " * level + "\t".join(str(cell) for cell in cells))

    def text(self) -> str:
        return tabwrite("\n".join(self.lines), minwidth=DESCRIBE_MIN_WIDTH, padding=DESCRIBE_PADDING) + "\n"


def describe(obj: Obj, events: list[Obj], now: datetime, related: dict[str, list[Obj]]) -> str:
    w = Writer()
    describer = DESCRIBERS.get(obj["kind"], header)
    describer(w, obj, related)
    write_events(w, events, now)
    return w.text()


def header(w: Writer, obj: Obj, related: dict[str, list[Obj]] | None = None) -> None:
    meta = obj["metadata"]
    w.line(0, "Name:", meta["name"])
    if meta.get("namespace"):
        w.line(0, "Namespace:", meta["namespace"])
    map_lines(w, "Labels:", meta.get("labels"))
    map_lines(w, "Annotations:", meta.get("annotations"))


def map_lines(w: Writer, title: str, values: dict[str, str] | None, sep: str = "=") -> None:
    """`Labels:  app=web` and further pairs on their own lines, aligned under the first."""
    pairs = [f"{key}{sep}{value}" for key, value in sorted((values or {}).items())] or [NONE]
    w.line(0, title, pairs[0])
    for pair in pairs[1:]:
        w.line(0, "", pair)


def stamp(text: str | None) -> str:
    """kubectl's time format in describe: `Mon, 02 Jan 2006 15:04:05 +0000`."""
    moment = parse_time(text)
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z") if moment else NONE


def controlled_by(obj: Obj) -> str:
    owners = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("controller")]
    return f"{owners[0]['kind']}/{owners[0]['name']}" if owners else ""


# --- pods ------------------------------------------------------------------------------------

def describe_pod(w: Writer, pod: Obj, related: dict[str, list[Obj]] | None = None) -> None:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    w.line(0, "Name:", meta["name"])
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.line(0, "Priority:", spec.get("priority", 0))
    w.line(0, "Service Account:", spec.get("serviceAccountName", "default"))
    node = spec.get("nodeName")
    w.line(0, "Node:", f"{node}/{status.get('hostIP', '')}" if node else NONE)
    if status.get("startTime"):
        w.line(0, "Start Time:", stamp(status["startTime"]))
    map_lines(w, "Labels:", meta.get("labels"))
    map_lines(w, "Annotations:", meta.get("annotations"))
    w.line(0, "Status:", pod_kind.display_status(pod) if meta.get("deletionTimestamp") else status.get("phase", ""))
    w.line(0, "IP:", status.get("podIP", ""))
    w.line(0, "IPs:", "" if status.get("podIPs") else NONE)
    for ip in status.get("podIPs") or []:
        w.line(1, "IP:", ip.get("ip", ""))
    if controlled_by(pod):
        w.line(0, "Controlled By:", controlled_by(pod))
    w.line(0, "Containers:")
    statuses = {cs.get("name"): cs for cs in status.get("containerStatuses") or []}
    for container in spec.get("containers") or []:
        container_lines(w, container, statuses.get(container["name"], {}))
    pod_conditions(w, status)
    w.line(0, "Volumes:", "" if spec.get("volumes") else NONE)
    for volume in spec.get("volumes") or []:
        w.line(1, f"{volume.get('name')}:")
    w.line(0, "QoS Class:", status.get("qosClass", pod_kind.qos_class(spec)))
    map_lines(w, "Node-Selectors:", spec.get("nodeSelector"))
    tolerations = [toleration_text(t) for t in spec.get("tolerations") or []] or [NONE]
    w.line(0, "Tolerations:", tolerations[0])
    for text in tolerations[1:]:
        w.line(0, "", text)


def container_lines(w: Writer, container: Obj, cs: Obj) -> None:
    w.line(1, f"{container['name']}:")
    if cs.get("containerID"):
        w.line(2, "Container ID:", cs["containerID"])
    w.line(2, "Image:", container.get("image", ""))
    w.line(2, "Image ID:", cs.get("imageID", ""))
    ports = container.get("ports") or []
    w.line(2, "Port:", ", ".join(f"{p['containerPort']}/{p.get('protocol', 'TCP')}" for p in ports) or NONE)
    w.line(2, "Host Port:", ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports) or NONE)
    state_lines(w, "State:", cs.get("state") or {"waiting": {}})
    if cs.get("lastState"):
        state_lines(w, "Last State:", cs["lastState"])
    w.line(2, "Ready:", "True" if cs.get("ready") else "False")
    w.line(2, "Restart Count:", cs.get("restartCount", 0))
    for section in ("limits", "requests"):
        amounts = (container.get("resources") or {}).get(section)
        if amounts:
            w.line(2, f"{section.capitalize()}:")
            for key, value in sorted(amounts.items()):
                w.line(3, f"{key}:", value)
    w.line(2, "Environment:", "" if container.get("env") else NONE)
    for env in container.get("env") or []:
        w.line(3, f"{env.get('name')}:", env.get("value", ""))
    w.line(2, "Mounts:", "" if container.get("volumeMounts") else NONE)
    for mount in container.get("volumeMounts") or []:
        w.line(3, f"{mount.get('mountPath')} from {mount.get('name')} ({'ro' if mount.get('readOnly') else 'rw'})")


def state_lines(w: Writer, title: str, state: Obj) -> None:
    if "running" in state:
        w.line(2, title, "Running")
        w.line(3, "Started:", stamp(state["running"].get("startedAt")))
    elif "terminated" in state:
        done = state["terminated"]
        w.line(2, title, "Terminated")
        w.line(3, "Reason:", done.get("reason", ""))
        w.line(3, "Exit Code:", done.get("exitCode", 0))
        w.line(3, "Started:", stamp(done.get("startedAt")))
        w.line(3, "Finished:", stamp(done.get("finishedAt")))
    else:
        w.line(2, title, "Waiting")
        if state.get("waiting", {}).get("reason"):
            w.line(3, "Reason:", state["waiting"]["reason"])


def pod_conditions(w: Writer, status: Obj) -> None:
    conditions = status.get("conditions") or []
    if not conditions:
        return
    w.line(0, "Conditions:")
    w.line(1, "Type", "Status")
    for condition in conditions:
        w.line(1, condition.get("type", ""), f"{condition.get('status', '')} ")


def toleration_text(t: Obj) -> str:
    text = t.get("key", "")
    if t.get("value"):
        text += f"={t['value']}"
    if t.get("effect"):
        text += f":{t['effect']}"
    if t.get("operator") == "Exists" and not t.get("value"):
        text += " op=Exists"
    if t.get("tolerationSeconds") is not None:
        text += f" for {t['tolerationSeconds']}s"
    return text


# --- deployments -----------------------------------------------------------------------------

def describe_deployment(w: Writer, deploy: Obj, related: dict[str, list[Obj]] | None = None) -> None:
    meta, spec, status = deploy["metadata"], deploy.get("spec") or {}, deploy.get("status") or {}
    w.line(0, "Name:", meta["name"])
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.line(0, "CreationTimestamp:", stamp(meta.get("creationTimestamp")))
    map_lines(w, "Labels:", meta.get("labels"))
    map_lines(w, "Annotations:", meta.get("annotations"))
    w.line(0, "Selector:", to_string(spec.get("selector")))
    w.line(0, "Replicas:", f"{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
           f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
           f"{status.get('unavailableReplicas', 0)} unavailable")
    strategy = spec.get("strategy") or {}
    w.line(0, "StrategyType:", strategy.get("type", "RollingUpdate"))
    w.line(0, "MinReadySeconds:", spec.get("minReadySeconds", 0))
    rolling = strategy.get("rollingUpdate")
    if rolling:
        w.line(0, "RollingUpdateStrategy:",
               f"{rolling.get('maxUnavailable', '25%')} max unavailable, {rolling.get('maxSurge', '25%')} max surge")
    template_lines(w, spec.get("template") or {})
    conditions = status.get("conditions") or []
    if conditions:
        w.line(0, "Conditions:")
        w.line(1, "Type", "Status", "Reason")
        w.line(1, "----", "------", "------")
        for condition in conditions:
            w.line(1, condition.get("type", ""), condition.get("status", ""), condition.get("reason", ""))
    replica_sets(w, deploy, (related or {}).get("ReplicaSet", []))


def template_lines(w: Writer, template: Obj) -> None:
    w.line(0, "Pod Template:")
    labels = [f"{k}={v}" for k, v in sorted(((template.get("metadata") or {}).get("labels") or {}).items())]
    w.line(1, "Labels:", labels[0] if labels else NONE)
    for label in labels[1:]:
        w.line(1, "", label)
    w.line(1, "Containers:")
    for container in (template.get("spec") or {}).get("containers") or []:
        w.line(2, f"{container['name']}:")
        w.line(3, "Image:", container.get("image", ""))
        ports = container.get("ports") or []
        w.line(3, "Port:", ", ".join(f"{p['containerPort']}/{p.get('protocol', 'TCP')}" for p in ports) or NONE)
        w.line(3, "Environment:", NONE)
        w.line(3, "Mounts:", NONE)
    w.line(1, "Volumes:", NONE)


def replica_sets(w: Writer, deploy: Obj, owned: list[Obj]) -> None:
    mine = [rs for rs in owned if any(r.get("uid") == deploy["metadata"]["uid"]
                                      for r in rs["metadata"].get("ownerReferences") or [])]
    template = (deploy.get("spec") or {}).get("template") or {}
    new = [rs for rs in mine if _same_template(rs, template)]
    old = [rs for rs in mine if rs not in new and (rs.get("spec") or {}).get("replicas", 0)]
    w.line(0, "OldReplicaSets:", ", ".join(_rs_text(rs) for rs in old) or NONE)
    w.line(0, "NewReplicaSet:", ", ".join(_rs_text(rs) for rs in new) or NONE)


def _same_template(rs: Obj, template: Obj) -> bool:
    theirs = ((rs.get("spec") or {}).get("template") or {}).get("spec")
    return theirs == template.get("spec")


def _rs_text(rs: Obj) -> str:
    return f"{rs['metadata']['name']} ({(rs.get('status') or {}).get('replicas', 0)}/" \
           f"{(rs.get('spec') or {}).get('replicas', 0)} replicas created)"


# --- nodes and services ----------------------------------------------------------------------

def describe_node(w: Writer, node: Obj, related: dict[str, list[Obj]] | None = None) -> None:
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w.line(0, "Name:", meta["name"])
    map_lines(w, "Labels:", meta.get("labels"))
    map_lines(w, "Annotations:", meta.get("annotations"))
    w.line(0, "CreationTimestamp:", stamp(meta.get("creationTimestamp")))
    taints = [toleration_text(t) for t in spec.get("taints") or []] or [NONE]
    w.line(0, "Taints:", taints[0])
    for taint in taints[1:]:
        w.line(0, "", taint)
    w.line(0, "Unschedulable:", "true" if spec.get("unschedulable") else "false")
    w.line(0, "Conditions:")
    w.line(1, "Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message")
    w.line(1, "----", "------", "-----------------", "------------------", "------", "-------")
    for c in status.get("conditions") or []:
        w.line(1, c.get("type", ""), c.get("status", ""), stamp(c.get("lastHeartbeatTime")),
               stamp(c.get("lastTransitionTime")), c.get("reason", ""), c.get("message", ""))
    w.line(0, "Addresses:")
    for address in status.get("addresses") or []:
        w.line(1, f"{address.get('type')}:", address.get("address", ""))
    for title in ("Capacity", "Allocatable"):
        w.line(0, f"{title}:")
        for key, value in sorted((status.get(title.lower()) or {}).items()):
            w.line(1, f"{key}:", value)
    node_pods(w, node, (related or {}).get("Pod", []))


def node_pods(w: Writer, node: Obj, pods: list[Obj]) -> None:
    mine = [p for p in pods if (p.get("spec") or {}).get("nodeName") == node["metadata"]["name"]
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    w.line(0, "Non-terminated Pods:", f"({len(mine)} in total)")
    w.line(1, "Namespace", "Name", "CPU Requests", "Memory Requests", "Age")
    w.line(1, "---------", "----", "------------", "---------------", "---")
    for pod in mine:
        requests = _requests(pod)
        w.line(1, pod["metadata"].get("namespace", ""), pod["metadata"]["name"], requests.get("cpu", "0 (0%)"),
               requests.get("memory", "0 (0%)"), "")


def _requests(pod: Obj) -> dict[str, str]:
    found: dict[str, str] = {}
    for container in (pod.get("spec") or {}).get("containers") or []:
        for key, value in ((container.get("resources") or {}).get("requests") or {}).items():
            found.setdefault(key, str(value))
    return found


def describe_service(w: Writer, svc: Obj, related: dict[str, list[Obj]] | None = None) -> None:
    meta, spec = svc["metadata"], svc.get("spec") or {}
    w.line(0, "Name:", meta["name"])
    w.line(0, "Namespace:", meta.get("namespace", ""))
    map_lines(w, "Labels:", meta.get("labels"))
    map_lines(w, "Annotations:", meta.get("annotations"))
    w.line(0, "Selector:", ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items())) or NONE)
    w.line(0, "Type:", spec.get("type", "ClusterIP"))
    w.line(0, "IP Family Policy:", spec.get("ipFamilyPolicy", "SingleStack"))
    w.line(0, "IP Families:", ",".join(spec.get("ipFamilies") or ["IPv4"]))
    w.line(0, "IP:", spec.get("clusterIP", ""))
    w.line(0, "IPs:", ",".join(spec.get("clusterIPs") or [spec.get("clusterIP", "")]))
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        w.line(0, "Port:", f"{name}  {port.get('port')}/{port.get('protocol', 'TCP')}")
        w.line(0, "TargetPort:", f"{port.get('targetPort', port.get('port'))}/{port.get('protocol', 'TCP')}")
        if port.get("nodePort"):
            w.line(0, "NodePort:", f"{name}  {port['nodePort']}/{port.get('protocol', 'TCP')}")
        w.line(0, "Endpoints:", endpoints_text(svc, (related or {}).get("Endpoints", [])))
    w.line(0, "Session Affinity:", spec.get("sessionAffinity", "None"))
    w.line(0, "Internal Traffic Policy:", spec.get("internalTrafficPolicy", "Cluster"))


def endpoints_text(svc: Obj, endpoints: list[Obj]) -> str:
    found = [e for e in endpoints if e["metadata"]["name"] == svc["metadata"]["name"]
             and e["metadata"].get("namespace") == svc["metadata"].get("namespace")]
    addresses = [f"{a.get('ip')}:{p.get('port')}" for e in found for s in e.get("subsets") or []
                 for a in s.get("addresses") or [] for p in s.get("ports") or [{}]]
    return ",".join(addresses)


# --- events ----------------------------------------------------------------------------------

def write_events(w: Writer, events: list[Obj], now: datetime) -> None:
    if not events:
        w.line(0, "Events:", NONE)
        return
    w.line(0, "Events:")
    w.line(1, "Type", "Reason", "Age", "From", "Message")
    w.line(1, "----", "------", "----", "----", "-------")
    for event in sorted(events, key=lambda e: e.get("firstTimestamp") or e.get("lastTimestamp") or ""):
        w.line(1, event.get("type", ""), event.get("reason", ""), event_age(event, now),
               (event.get("source") or {}).get("component", ""), event.get("message", ""))


def event_age(event: Obj, now: datetime) -> str:
    """`10s`, or `2m (x3 over 5m)` for a repeated event, as kubectl describe prints it."""
    last = parse_time(event.get("lastTimestamp")) or now
    first = parse_time(event.get("firstTimestamp")) or last
    age = human_duration((now - last).total_seconds())
    count = int(event.get("count") or 1)
    return f"{age} (x{count} over {human_duration((now - first).total_seconds())})" if count > 1 else age


DESCRIBERS: dict[str, Callable[[Writer, Obj, dict[str, list[Obj]]], None]] = {
    "Pod": describe_pod, "Deployment": describe_deployment, "Node": describe_node, "Service": describe_service,
}
