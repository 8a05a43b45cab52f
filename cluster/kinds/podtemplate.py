"""PodTemplate: a stored pod template that nothing runs by itself.

It holds the same `template` (metadata and pod spec) that workloads embed, defaulted the same
way; tools keep reusable pod shapes in it.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds import pod as pod_kind
from cluster.kinds.printing import NAME, Column
from cluster.kinds.replicaset import containers_and_images, default_template
from cluster.kinds.workload import labels_text
from cluster.objects import Obj, name_of
from cluster.validation import object_meta, required


def default(template: Obj) -> None:
    default_template(template)


def validate(template: Obj) -> list[Cause]:
    causes = object_meta(template, namespaced=True)
    spec = (template.get("template") or {}).get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("template.spec")]
    return causes + pod_kind.validate_spec(spec, "template.spec")


def cells(template: Obj, now: datetime) -> list[Any]:
    inner = template.get("template") or {}
    names, images = containers_and_images(inner)
    return [name_of(template), names, images, labels_text((inner.get("metadata") or {}).get("labels"))]


POD_TEMPLATE = register(Kind(
    group="", version="v1", kind="PodTemplate", plural="podtemplates", has_spec=False, default=default,
    validate=validate,
    columns=(NAME, Column("Containers", description="Names of each container in the template."),
             Column("Images", description="Images referenced by each container in the template."),
             Column("Pod Labels", description="The labels for the pod template.")),
    cells=cells,
))
