"""ServiceAccount and root-CA publishing: what every namespace gets as soon as it exists.

Kubernetes' serviceaccounts controller makes a `default` ServiceAccount in each namespace
(pods run as it unless told otherwise), and the root-CA publisher puts the cluster's CA
certificate in a `kube-root-ca.crt` ConfigMap so pods can trust the API server.
"""

from cluster.actions import Action, Create
from cluster.objects import Obj, is_terminating, name_of
from cluster.state import ClusterState

# A stand-in certificate: nothing verifies it, but `kubectl get cm kube-root-ca.crt -o yaml` shows one.
ROOT_CA = ("-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrdWJlbGFiLXNp\n"
           "bXVsYXRlZC1jbHVzdGVyMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFow\n-----END CERTIFICATE-----\n")


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for ns in state.of_kind("Namespace"):
        if not is_terminating(ns):
            actions += ensure(ns, state)
    return actions


def ensure(ns: Obj, state: ClusterState) -> list[Action]:
    namespace = name_of(ns)
    actions: list[Action] = []
    if state.get("ServiceAccount", namespace, "default") is None:
        actions.append(Create({"apiVersion": "v1", "kind": "ServiceAccount",
                               "metadata": {"name": "default", "namespace": namespace}},
                              narration=f"serviceaccount controller: namespace {namespace} gets its default account"))
    if state.get("ConfigMap", namespace, "kube-root-ca.crt") is None:
        actions.append(Create({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "kube-root-ca.crt", "namespace": namespace,
                                            "annotations": {"kubernetes.io/description": _DESCRIPTION}},
                               "data": {"ca.crt": ROOT_CA}}))
    return actions


_DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
                "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
                "distributions of Kubernetes clusters.")
