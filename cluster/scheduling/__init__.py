"""The parts of the simulated kube-scheduler; `cluster.scheduler` puts them together.

- `resources`: what a pod asks of a node (cpu, memory), summed as Kubernetes sums it;
- `taints`: taints on nodes and the tolerations on pods that let them in anyway;
- `affinity`: `nodeSelector` and required node affinity, matched against node labels;
- `nodes`: one node as the scheduler sees it: what it offers, what is already asked of it;
- `pods`: one pending pod's scheduling facts, read once;
- `filters`: the pipeline that says why a node cannot take a pod, in Kubernetes' words;
- `scoring`: among the nodes that can, which one is best (least allocated);
- `messages`: the "0/3 nodes are available: ..." sentence a learner reads in `kubectl describe`.

Nothing here imports Django, Celery or Channels.
"""
