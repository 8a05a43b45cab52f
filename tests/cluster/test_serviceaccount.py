"""Every namespace gets a default ServiceAccount and the root CA ConfigMap."""

from cluster.actions import Create
from cluster.controllers import serviceaccount
from cluster.objects import rfc3339
from tests.builders import T0, new_namespace, stamp, state_of


def present(namespace: str) -> list[dict]:
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}}
    return [stamp(account),
            stamp({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "kube-root-ca.crt", "namespace": namespace}, "data": {}})]


def test_it_does_nothing_when_both_exist() -> None:
    assert serviceaccount.reconcile(state_of(new_namespace("dev"), *present("dev"))) == []


def test_it_creates_both_in_a_new_namespace() -> None:
    actions = serviceaccount.reconcile(state_of(new_namespace("dev")))
    made = sorted((a.obj["kind"], a.obj["metadata"]["name"], a.obj["metadata"]["namespace"])
                  for a in actions if isinstance(a, Create))
    assert made == [("ConfigMap", "kube-root-ca.crt", "dev"), ("ServiceAccount", "default", "dev")]


def test_it_leaves_a_terminating_namespace_alone() -> None:
    ns = new_namespace("dev")
    ns["metadata"]["deletionTimestamp"] = rfc3339(T0)
    assert serviceaccount.reconcile(state_of(ns)) == []
