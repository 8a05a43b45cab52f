"""The Job controller (`controller.py`) and the TTL-after-finished controller (`ttl.py`).

A Job runs pods to completion: `completions` successful pods, at most `parallelism` at a
time, retried with back-off (`backoff.py`) up to `backoffLimit` failures, within
`activeDeadlineSeconds`; Indexed Jobs give each pod an index (`indexed.py`). How a Job
reports that it finished is in `conditions.py`.
"""

from cluster.controllers.job import ttl
from cluster.controllers.job.controller import COMPONENT, TRACKING_FINALIZER, reconcile

__all__ = ["COMPONENT", "TRACKING_FINALIZER", "reconcile", "ttl"]
