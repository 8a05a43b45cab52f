"""The resources of `metrics.k8s.io/v1beta1`, for discovery: NodeMetrics and PodMetrics.

On a real cluster metrics-server serves this group through API aggregation, and `kubectl
top` refuses to run unless `/apis` lists it. They are not stored objects, so they are not in
the `cluster.kinds` registry (nothing may create them); discovery adds them to what it lists.
"""

from cluster.kinds import Kind

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
READ_ONLY = ("get", "list")

NODE_METRICS = Kind(group=GROUP, version=VERSION, kind="NodeMetrics", plural="nodes", namespaced=False,
                    verbs=READ_ONLY)
POD_METRICS = Kind(group=GROUP, version=VERSION, kind="PodMetrics", plural="pods", verbs=READ_ONLY)
KINDS = (NODE_METRICS, POD_METRICS)
