"""Pod: one or more containers scheduled together onto a node, the smallest thing Kubernetes runs.

The API server fills in what a manifest leaves out (restart policy, DNS policy, the default
service account, pull policies, the not-ready/unreachable tolerations), so that every pod
looks as it would on a real cluster; `display_status` is the STATUS column kubectl shows.
"""

from datetime import datetime
from typing import Any

from cluster import quantities
from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds.printing import AGE, NAME, Column, none_if_empty
from cluster.objects import Obj, name_of
from cluster.validation import dns1123_label, invalid_value, object_meta, required, unsupported_value

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]


def default(pod: Obj) -> None:
    """A pod gets its spec's defaults plus what admission adds to pods only: the service account,
    priority, service links, and the not-ready/unreachable tolerations of 300 s."""
    spec = pod.setdefault("spec", {})
    default_spec(spec)
    for key, value in (("serviceAccountName", "default"), ("enableServiceLinks", True),
                       ("preemptionPolicy", "PreemptLowerPriority"), ("priority", 0)):
        spec.setdefault(key, value)
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    default_tolerations(spec)
    pod.setdefault("status", {}).setdefault("phase", "Pending")
    pod["status"].setdefault("qosClass", qos_class(spec))


def default_spec(spec: dict[str, Any]) -> None:
    """The defaults every pod spec gets, pod templates included (what `get deploy -o yaml` shows)."""
    for key, value in (("restartPolicy", "Always"), ("dnsPolicy", "ClusterFirst"),
                       ("schedulerName", "default-scheduler"), ("terminationGracePeriodSeconds", 30),
                       ("securityContext", {})):
        spec.setdefault(key, value)
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        if isinstance(container, dict):
            default_container(container)


def default_tolerations(spec: dict[str, Any]) -> None:
    tolerations = spec.setdefault("tolerations", [])
    keys = {t.get("key") for t in tolerations if isinstance(t, dict)}
    for toleration in DEFAULT_TOLERATIONS:
        if toleration["key"] not in keys:
            tolerations.append(dict(toleration))


def default_container(container: dict[str, Any]) -> None:
    image = str(container.get("image", ""))
    tag = image.rsplit("/", 1)[-1].partition(":")[2] if "@" not in image else "digest"
    container.setdefault("imagePullPolicy", "Always" if tag in ("", "latest") else "IfNotPresent")
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault("resources", {})
    for port in container.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            default_probe(container[probe])
    normalize_resources(container["resources"])


def default_probe(probe: dict[str, Any]) -> None:
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                       ("failureThreshold", 3)):
        probe.setdefault(key, value)
    if isinstance(probe.get("httpGet"), dict):
        probe["httpGet"].setdefault("path", "/")
        probe["httpGet"].setdefault("scheme", "HTTP")


def normalize_resources(resources: Any) -> None:
    """YAML's `cpu: 1` arrives as a number; the API always returns quantities as strings."""
    if not isinstance(resources, dict):
        return
    for section in ("requests", "limits"):
        values = resources.get(section)
        if isinstance(values, dict):
            for key, value in values.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    values[key] = str(value)
    if isinstance(resources.get("limits"), dict) and "requests" not in resources:
        # A container with limits and no requests gets requests equal to its limits.
        resources["requests"] = dict(resources["limits"])


def qos_class(spec: dict[str, Any]) -> str:
    containers = [c for c in spec.get("containers") or [] if isinstance(c, dict)]
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    guaranteed = all(
        set((r.get("limits") or {}).keys()) >= {"cpu", "memory"}
        and all((r.get("requests") or {}).get(k, v) == v for k, v in (r.get("limits") or {}).items())
        for r in resources
    )
    return "Guaranteed" if guaranteed else "Burstable"


def validate(pod: Obj) -> list[Cause]:
    causes = object_meta(pod, namespaced=True)
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    return causes + validate_spec(spec, "spec")


def validate_spec(spec: dict[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        causes.append(required(f"{path}.containers"))
        containers = []
    seen: set[str] = set()
    for i, container in enumerate(containers):
        causes += validate_container(container, f"{path}.containers[{i}]", seen)
    policy = spec.get("restartPolicy")
    if policy not in RESTART_POLICIES:
        causes.append(unsupported_value(f"{path}.restartPolicy", policy, RESTART_POLICIES))
    return causes


def validate_container(container: Any, path: str, seen: set[str]) -> list[Cause]:
    if not isinstance(container, dict):
        return [invalid_value(path, str(container), "must be an object")]
    causes: list[Cause] = []
    name = container.get("name")
    if not name:
        causes.append(required(f"{path}.name"))
    elif not isinstance(name, str):
        causes.append(invalid_value(f"{path}.name", name, "must be a string"))
    else:
        causes += dns1123_label(f"{path}.name", name)
        if name in seen:
            causes.append(Cause(f"{path}.name", f'Duplicate value: "{name}"', "FieldValueDuplicate"))
        seen.add(name)
    if not container.get("image"):
        causes.append(required(f"{path}.image"))
    return causes + validate_resources(container.get("resources"), f"{path}.resources")


def validate_resources(resources: Any, path: str) -> list[Cause]:
    if not isinstance(resources, dict):
        return []
    causes: list[Cause] = []
    for section in ("requests", "limits"):
        for key, value in (resources.get(section) or {}).items():
            try:
                quantities.parse(value)
            except quantities.QuantityError as error:
                causes.append(invalid_value(f"{path}.{section}[{key}]", str(value), str(error)))
    return causes


UPDATABLE = ("`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
             "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
             "(allow it to be set to 1 if it was previously negative)")


def validate_update(old: Obj, new: Obj) -> list[Cause]:
    """A running pod's spec is fixed, but for a few fields: to change the rest, delete and re-create it."""
    if _mutable_parts_removed(old.get("spec") or {}) == _mutable_parts_removed(new.get("spec") or {}):
        return []
    why = f"Forbidden: pod updates may not change fields other than {UPDATABLE}"
    return [Cause("spec", why, "FieldValueForbidden")]


def _mutable_parts_removed(spec: dict[str, Any]) -> dict[str, Any]:
    fixed = {k: v for k, v in spec.items() if k not in ("activeDeadlineSeconds", "tolerations", "nodeName")}
    for key in ("containers", "initContainers"):
        if isinstance(fixed.get(key), list):
            fixed[key] = [{k: v for k, v in c.items() if k != "image"} if isinstance(c, dict) else c
                          for c in fixed[key]]
    return fixed


def display_status(pod: Obj) -> str:
    """The STATUS column: the phase, or the reason a container is stuck (CrashLoopBackOff, ...)."""
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Pending"
    init = _init_reason(pod)
    if init:
        reason = init
    else:
        for cs in reversed(status.get("containerStatuses") or []):
            state = cs.get("state") or {}
            if state.get("waiting", {}).get("reason"):
                reason = state["waiting"]["reason"]
            elif "terminated" in state:
                term = state["terminated"]
                reason = term.get("reason") or (f"Signal:{term['signal']}" if term.get("signal")
                                                 else f"ExitCode:{term.get('exitCode', 0)}")
    if pod.get("metadata", {}).get("deletionTimestamp") and reason != "NodeLost":
        return "Terminating"
    return str(reason)


def _init_reason(pod: Obj) -> str:
    statuses = (pod.get("status") or {}).get("initContainerStatuses") or []
    total = len(pod.get("spec", {}).get("initContainers") or [])
    for i, cs in enumerate(statuses):
        state = cs.get("state") or {}
        if state.get("terminated", {}).get("exitCode") == 0:
            continue
        waiting = state.get("waiting", {}).get("reason")
        if waiting and waiting != "PodInitializing":
            return f"Init:{waiting}"
        return f"Init:{i}/{total}"
    return ""


def ready_count(pod: Obj) -> str:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    total = len(pod.get("spec", {}).get("containers") or [])
    return f"{sum(1 for cs in statuses if cs.get('ready'))}/{total}"


def restarts(pod: Obj) -> int:
    return sum(int(cs.get("restartCount", 0)) for cs in (pod.get("status") or {}).get("containerStatuses") or [])


def cells(pod: Obj, now: datetime) -> list[Any]:
    from cluster.kinds.printing import age

    status, spec = pod.get("status") or {}, pod.get("spec") or {}
    gates = ",".join(g.get("conditionType", "") for g in spec.get("readinessGates") or [])
    return [name_of(pod), ready_count(pod), display_status(pod), str(restarts(pod)), age(pod, now),
            none_if_empty(status.get("podIP", "")), none_if_empty(spec.get("nodeName", "")),
            none_if_empty(status.get("nominatedNodeName", "")), none_if_empty(gates)]


def _fields() -> dict[str, Any]:
    def spec(key: str) -> Any:
        return lambda pod: str((pod.get("spec") or {}).get(key, ""))

    def status(key: str) -> Any:
        return lambda pod: str((pod.get("status") or {}).get(key, ""))

    return {**base_fields(), "spec.nodeName": spec("nodeName"), "spec.restartPolicy": spec("restartPolicy"),
            "spec.schedulerName": spec("schedulerName"), "spec.serviceAccountName": spec("serviceAccountName"),
            "spec.hostNetwork": lambda pod: str((pod.get("spec") or {}).get("hostNetwork", False)).lower(),
            "status.phase": status("phase"), "status.podIP": status("podIP"),
            "status.nominatedNodeName": status("nominatedNodeName")}


POD = register(Kind(
    group="", version="v1", kind="Pod", plural="pods", short_names=("po",), categories=("all",),
    subresources=("status", "log", "eviction", "binding"), default=default, validate=validate, fields=_fields(),
    validate_update=validate_update,
    columns=(NAME, Column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
             Column("Status", description="The aggregate status of the containers in this pod."),
             Column("Restarts", description="The number of times the containers in this pod have been restarted "
                    "and when the last container in this pod has restarted."),
             AGE,
             Column("IP", priority=1, description="The IP address assigned to the pod"),
             Column("Node", priority=1, description="The name of the node to which the pod is assigned"),
             Column("Nominated Node", priority=1, description="The name of the node where the pod is nominated to "
                    "be scheduled on"),
             Column("Readiness Gates", priority=1, description="The readiness gates of the pod")),
    cells=cells,
))
