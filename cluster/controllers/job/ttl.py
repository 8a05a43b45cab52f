"""TTL-after-finished controller: delete a finished Job `ttlSecondsAfterFinished` after it ended.

A Job that sets `spec.ttlSecondsAfterFinished` is cleaned up automatically: that many seconds
after it got its Complete or Failed condition, the Job is deleted, with its pods (foreground
propagation, as Kubernetes' ttl-after-finished controller does: the Job stays, marked for
deletion, until its pods are gone). Until then the controller asks to wake up at that moment.
"""

from datetime import timedelta

from cluster.actions import Action, Delete, WakeAt
from cluster.controllers.job.conditions import finished_at
from cluster.objects import Obj, Ref, is_terminating, name_of
from cluster.state import ClusterState


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for job in state.of_kind("Job", "batch"):
        actions += sync(job, state)
    return actions


def sync(job: Obj, state: ClusterState) -> list[Action]:
    ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
    finished = finished_at(job)
    if ttl is None or finished is None or is_terminating(job):
        return []
    expires = finished + timedelta(seconds=int(ttl))
    if state.now < expires:
        return [WakeAt(expires)]
    story = f"Job {name_of(job)} finished {int(ttl)}s ago (ttlSecondsAfterFinished): deleting it and its pods"
    return [Delete(Ref.to(job), propagation="Foreground", narration=story)]
