"""The activity feed's sentences, in the learner's language.

Controllers narrate their decisions in plain English (`Create(pod, narration="ReplicaSet
web-7d9c: 2 of 3 pods exist, creating web-7d9c-x2k")`): they are pure code and know no
languages. Here each known sentence shape is recognised once (a pattern with named
parameters), which gives a message id plus its parameters; the id is a gettext message, so
the sentence is rendered in whatever language a page asks for. A sentence no pattern knows
is shown as it was written, in English, rather than dropped.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Shape:
    pattern: re.Pattern[str]
    message: str  # a gettext message id with %(name)s placeholders

    def parse(self, text: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(text)
        return found.groupdict() if found else None


def shape(pattern: str, message: str) -> Shape:
    return Shape(re.compile(pattern), message)


N = r"(?P<%s>[^\s:]+)"  # one Kubernetes name (no spaces, no colon)
SHAPES = (
    shape(rf"{N % 'kind'} {N % 'name'}: (?P<have>\d+) of (?P<want>\d+) pods exist, creating {N % 'pod'}",
          gettext_noop("%(kind)s %(name)s: %(have)s of %(want)s pods exist, creating %(pod)s")),
    shape(rf"{N % 'kind'} {N % 'name'}: (?P<have>\d+) pods exist, (?P<want>\d+) wanted, deleting {N % 'pod'}",
          gettext_noop("%(kind)s %(name)s: %(have)s pods exist, %(want)s wanted, deleting %(pod)s")),
    shape(rf"{N % 'kind'} {N % 'name'}: adopting pod {N % 'pod'}",
          gettext_noop("%(kind)s %(name)s: adopting pod %(pod)s")),
    shape(rf"Scheduler: {N % 'pod'} goes to {N % 'node'}, the least allocated of the (?P<fit>\d+) of "
          r"(?P<total>\d+) nodes that fit it",
          gettext_noop("scheduler: %(pod)s goes to %(node)s, the least allocated of the %(fit)s of %(total)s "
                       "nodes that fit it")),
    shape(rf"Scheduler: {N % 'pod'} fits on no node: (?P<message>.+)",
          gettext_noop("scheduler: %(pod)s fits on no node: %(message)s")),
    shape(rf"kubelet on {N % 'node'}: creating pod {N % 'pod'}",
          gettext_noop("kubelet on %(node)s: creating pod %(pod)s")),
    shape(rf"kubelet on {N % 'node'}: pod {N % 'pod'} is running",
          gettext_noop("kubelet on %(node)s: pod %(pod)s is running")),
    shape(rf"kubelet on {N % 'node'}: pod {N % 'pod'} stopped",
          gettext_noop("kubelet on %(node)s: pod %(pod)s stopped")),
    shape(r"kubelet on (?P<node>.+?): pod (?P<pod>\S+) removed",
          gettext_noop("kubelet on %(node)s: pod %(pod)s removed")),
    shape(rf"kubelet on {N % 'node'}: registered the node",
          gettext_noop("kubelet on %(node)s: registered the node")),
    shape(rf"kubelet on {N % 'node'}: node is Ready again",
          gettext_noop("kubelet on %(node)s: node is Ready again")),
    shape(rf"garbage collector: {N % 'owner_kind'} {N % 'owner'} is gone, deleting its {N % 'kind'} {N % 'name'}",
          gettext_noop("garbage collector: %(owner_kind)s %(owner)s is gone, deleting its %(kind)s %(name)s")),
    shape(rf"namespace {N % 'namespace'} is terminating: deleting {N % 'kind'} {N % 'name'}",
          gettext_noop("namespace %(namespace)s is terminating: deleting %(kind)s %(name)s")),
    shape(rf"namespace {N % 'namespace'} is empty and goes",
          gettext_noop("namespace %(namespace)s is empty and goes")),
    shape(rf"DaemonSet {N % 'name'}: node {N % 'node'} has no daemon pod, creating {N % 'pod'}",
          gettext_noop("DaemonSet %(name)s: node %(node)s has no daemon pod, creating %(pod)s")),
    shape(rf"DaemonSet {N % 'name'}: deleting {N % 'pod'} from node {N % 'node'}",
          gettext_noop("DaemonSet %(name)s: deleting %(pod)s from node %(node)s")),
    shape(rf"taint-eviction-controller: {N % 'node'} is tainted NoExecute and pod {N % 'pod'} no longer tolerates "
          r"it: deleting it",
          gettext_noop("taint eviction: %(node)s is tainted NoExecute and pod %(pod)s no longer tolerates it: "
                       "deleting it")),
    shape(rf"node-controller: no heartbeat from {N % 'node'} for (?P<seconds>\d+)s, marking it NotReady",
          gettext_noop("node controller: no heartbeat from %(node)s for %(seconds)ss, marking it NotReady")),
    shape(rf"node-controller: pod {N % 'pod'} is not ready: its node {N % 'node'} is not ready",
          gettext_noop("node controller: pod %(pod)s is not ready: its node %(node)s is not ready")),
    shape(rf"Job {N % 'name'}: (?P<have>\d+) of (?P<want>\d+) pods active, creating {N % 'pod'}",
          gettext_noop("Job %(name)s: %(have)s of %(want)s pods active, creating %(pod)s")),
    shape(rf"CronJob {N % 'name'}: the (?P<at>\S+) run starts as Job {N % 'job'}",
          gettext_noop("CronJob %(name)s: the %(at)s run starts as Job %(job)s")),
    shape(rf"kube-proxy: pod {N % 'pod'} now gets (?P<rps>[\d.]+) requests/s",
          gettext_noop("kube-proxy: pod %(pod)s now gets %(rps)s requests/s")),
    shape(rf"serviceaccount controller: namespace {N % 'namespace'} gets its default account",
          gettext_noop("serviceaccount controller: namespace %(namespace)s gets its default account")),
    shape(rf"Deployment {N % 'name'}: (?P<why>.+), scaling {N % 'rs'} up to (?P<count>\d+)",
          gettext_noop("Deployment %(name)s: %(why)s, scaling %(rs)s up to %(count)s")),
    shape(rf"Deployment {N % 'name'}: (?P<why>.+), scaling {N % 'rs'} down to (?P<count>\d+)",
          gettext_noop("Deployment %(name)s: %(why)s, scaling %(rs)s down to %(count)s")),
)

# The reasons the Deployment controller gives for a scaling step, translated inside its sentence.
WHY = (
    gettext_noop("Recreate strategy, stopping every old pod first"),
    gettext_noop("Recreate: the old pods are gone, starting the new ones"),
    gettext_noop("rolling update, removing old pods that are not available"),
    gettext_noop("rolling update, the new replica set is too big"),
    gettext_noop("the new replica set is complete, scaling old ones to 0"),
)
WHY_SHAPES = (
    shape(r"rolling update \((?P<limits>.+)\)", gettext_noop("rolling update (%(limits)s)")),
    shape(r"scaled to (?P<count>\d+) replicas", gettext_noop("scaled to %(count)s replicas")),
)


@dataclass(frozen=True)
class Narration:
    """One sentence as a message id and its parameters (`message` empty: an unknown shape, kept as `text`)."""

    text: str
    message: str = ""
    params: dict[str, str] | None = None

    def render(self, language: str) -> str:
        if not self.message:
            return self.text
        with translation.override(language):
            params = dict(self.params or {})
            if "why" in params:
                params["why"] = reason(params["why"])
            return gettext(self.message) % params


def reason(why: str) -> str:
    """A Deployment's reason for a step, in the active language (as written when unknown)."""
    if why in WHY:
        return gettext(why)
    for known in WHY_SHAPES:
        params = known.parse(why)
        if params is not None:
            return gettext(known.message) % params
    return why


def parse(text: str) -> Narration:
    for known in SHAPES:
        params = known.parse(text)
        if params is not None:
            return Narration(text, known.message, params)
    return Narration(text)


def rendered(texts: list[str], language: str) -> list[dict[str, Any]]:
    """The feed entries for `texts`: the sentence in `language`, and the original for a tooltip.

    One action may tell several steps at once, joined by "; " (a Deployment scaling a
    ReplicaSet twice in one sync); each is rendered on its own.
    """
    return [{"text": "; ".join(parse(part).render(language) for part in text.split("; ")), "original": text}
            for text in texts]
