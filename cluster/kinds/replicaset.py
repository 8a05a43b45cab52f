"""ReplicaSet: keeps a given number of identical pods running, made from its pod template.

Its selector says which pods it counts; its template says how to make more. The API server
defaults `replicas` to 1 and the template's pod spec as it would a pod's.
"""

from datetime import datetime
from typing import Any

from cluster import selectors
from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds import pod as pod_kind
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta, required


def default(rs: Obj) -> None:
    spec = rs.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    default_template(spec)
    rs.setdefault("status", {}).setdefault("replicas", 0)


def default_template(spec: dict[str, Any]) -> None:
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        pod_kind.default_spec(template["spec"])
        template.setdefault("metadata", {})


def validate(rs: Obj) -> list[Cause]:
    causes = object_meta(rs, namespaced=True)
    spec = rs.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    return causes + validate_workload_spec(spec)


def validate_workload_spec(spec: dict[str, Any]) -> list[Cause]:
    """What ReplicaSets, Deployments, DaemonSets and StatefulSets share: replicas, selector, template."""
    causes: list[Cause] = []
    replicas = spec.get("replicas", 0)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        causes.append(invalid_value("spec.replicas", replicas, "must be greater than or equal to 0"))
    selector = spec.get("selector")
    template = spec.get("template")
    if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        causes.append(required("spec.selector"))
    if not isinstance(template, dict):
        return [*causes, required("spec.template")]
    labels = (template.get("metadata") or {}).get("labels") or {}
    if isinstance(selector, dict) and not selectors.from_label_selector(selector).matches(labels):
        causes.append(invalid_value("spec.template.metadata.labels", labels_text(labels),
                                    "`selector` does not match template `labels`"))
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        return [*causes, required("spec.template.spec")]
    return causes + pod_kind.validate_spec(pod_spec, "spec.template.spec")


def labels_text(labels: dict[str, str]) -> str:
    return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(labels.items())) + "]"


def containers_and_images(template: dict[str, Any]) -> tuple[str, str]:
    containers = (template.get("spec") or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers))


def cells(rs: Obj, now: datetime) -> list[Any]:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    names, images = containers_and_images(spec.get("template") or {})
    return [name_of(rs), spec.get("replicas", 0), status.get("replicas", 0), status.get("readyReplicas", 0),
            age(rs, now), names, images, selectors.to_string(spec.get("selector"))]


REPLICA_SET = register(Kind(
    group="apps", version="v1", kind="ReplicaSet", plural="replicasets", short_names=("rs",), categories=("all",),
    subresources=("status", "scale"), default=default, validate=validate,
    fields={**base_fields(), "status.replicas": lambda rs: str((rs.get("status") or {}).get("replicas", 0))},
    columns=(NAME, Column("Desired", type="integer", description="Number of desired pods."),
             Column("Current", type="integer", description="Number of created pods."),
             Column("Ready", type="integer", description="Number of ready pods."), AGE,
             Column("Containers", priority=1, description="Names of each container in the template."),
             Column("Images", priority=1, description="Images referenced by each container in the template."),
             Column("Selector", priority=1, description="Label selector for pods.")),
    cells=cells,
))
