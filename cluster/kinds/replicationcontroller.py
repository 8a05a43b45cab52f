"""ReplicationController: the original way to keep N copies of a pod running, before ReplicaSets.

It works like a ReplicaSet, but its selector is a plain equality map (`app: web`) rather than a
label selector. When the selector or the controller's own labels are left out, the API server
copies them from the pod template's labels.
"""

from datetime import datetime
from typing import Any

from cluster import selectors
from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds import pod as pod_kind
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.replicaset import default_template, labels_text
from cluster.kinds.workload import CONTAINERS, IMAGES, restart_always, selector_column, template_of, wide_cells
from cluster.kinds.workload import labels_text as selector_map_text
from cluster.objects import Obj, meta, name_of
from cluster.validation import invalid_value, object_meta, required


def default(rc: Obj) -> None:
    spec = rc.setdefault("spec", {})
    template_labels = (template_of(spec).get("metadata") or {}).get("labels") or {}
    if template_labels and not spec.get("selector"):
        spec["selector"] = dict(template_labels)
    if template_labels and not meta(rc).get("labels"):
        meta(rc)["labels"] = dict(template_labels)
    spec.setdefault("replicas", 1)
    default_template(spec)
    rc.setdefault("status", {}).setdefault("replicas", 0)


def validate(rc: Obj) -> list[Cause]:
    causes = object_meta(rc, namespaced=True)
    spec = rc.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    replicas = spec.get("replicas", 0)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        causes.append(invalid_value("spec.replicas", replicas, "must be greater than or equal to 0"))
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not selector:
        causes.append(required("spec.selector"))
    template = spec.get("template")
    if not isinstance(template, dict):
        return [*causes, required("spec.template")]
    return causes + validate_template(template, selector if isinstance(selector, dict) else {}) + \
        restart_always(spec, "spec")


def validate_template(template: dict[str, Any], selector: dict[str, Any]) -> list[Cause]:
    labels = (template.get("metadata") or {}).get("labels") or {}
    causes: list[Cause] = []
    if selector and not selectors.from_equality_map(selector).matches(labels):
        causes.append(invalid_value("spec.template.metadata.labels", labels_text(labels),
                                    "`selector` does not match template `labels`"))
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        return [*causes, required("spec.template.spec")]
    return causes + pod_kind.validate_spec(pod_spec, "spec.template.spec")


def cells(rc: Obj, now: datetime) -> list[Any]:
    spec, status = rc.get("spec") or {}, rc.get("status") or {}
    names, images, _ = wide_cells(template_of(spec))
    return [name_of(rc), spec.get("replicas", 0), status.get("replicas", 0), status.get("readyReplicas", 0),
            age(rc, now), names, images, selector_map_text(spec.get("selector"))]


REPLICATION_CONTROLLER = register(Kind(
    group="", version="v1", kind="ReplicationController", plural="replicationcontrollers", short_names=("rc",),
    categories=("all",), subresources=("status", "scale"), default=default, validate=validate,
    fields={**base_fields(), "status.replicas": lambda rc: str((rc.get("status") or {}).get("replicas", 0))},
    columns=(NAME, Column("Desired", type="integer", description="Replicas is the number of desired replicas."),
             Column("Current", type="integer", description="Replicas is the most recently observed number of "
                    "replicas."),
             Column("Ready", type="integer", description="The number of ready replicas for this replication "
                    "controller."), AGE, CONTAINERS, IMAGES,
             selector_column("Selector is a label query over pods that should match the Replicas count.")),
    cells=cells,
))
