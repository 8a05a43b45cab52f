"""What the workload kinds share: a pod template, a label selector, and the columns that show them.

Deployments, StatefulSets, DaemonSets, ReplicationControllers, Jobs and CronJobs all carry a
pod template that the API server defaults exactly as it would a pod, and `kubectl get -o wide`
shows the template's containers and images and the selector in the same way for each of them.
Pods they run must restart forever (`Always`), except a Job's, which must not.
"""

from typing import Any

from cluster import selectors
from cluster.errors import Cause
from cluster.kinds.printing import Column
from cluster.kinds.replicaset import containers_and_images
from cluster.validation import unsupported_value

CONTAINERS = Column("Containers", priority=1, description="Names of each container in the template.")
IMAGES = Column("Images", priority=1, description="Images referenced by each container in the template.")


def selector_column(description: str) -> Column:
    return Column("Selector", priority=1, description=description)


def template_of(spec: dict[str, Any]) -> dict[str, Any]:
    template = spec.get("template")
    return template if isinstance(template, dict) else {}


def wide_cells(template: dict[str, Any], selector: Any = None, *, with_selector: bool = True) -> list[Any]:
    """The -o wide cells: container names, images and (for most kinds) the selector."""
    names, images = containers_and_images(template)
    return [names, images, selector_text(selector)] if with_selector else [names, images]


def selector_text(selector: Any) -> str:
    """`metav1.FormatLabelSelector`: `app=web`, or `<none>` for no selector at all."""
    if not isinstance(selector, dict):
        return "<none>"
    return selectors.to_string(selector) or "<none>"


def labels_text(labels: Any) -> str:
    """`labels.FormatLabels`: `app=web,tier=db` sorted by key, or `<none>`."""
    if not isinstance(labels, dict) or not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def restart_always(spec: dict[str, Any], path: str) -> list[Cause]:
    """Pods of long-running workloads must be restarted whatever happens to them."""
    pod_spec = template_of(spec).get("spec")
    policy = pod_spec.get("restartPolicy") if isinstance(pod_spec, dict) else None
    if pod_spec is None or policy == "Always":
        return []
    return [unsupported_value(f"{path}.template.spec.restartPolicy", policy, ["Always"])]


def set_missing(target: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Fill each absent key with its default: the shape of every `SetDefaults_*` function."""
    for key, value in defaults.items():
        target.setdefault(key, value)
