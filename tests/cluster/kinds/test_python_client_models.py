"""The official Python client's strict models accept a defaulted object of every kind.

kubernetes 37 deserializes every response through pydantic models with required fields and
strict types; an object missing one (DaemonSetStatus's counters, StatefulSetStatus.replicas,
a v2 HPA's status.desiredReplicas) makes `list_*` raise. Each object here is what the store
would hold right after create, and also the v1 view of the HPA.
"""

import json

from kubernetes.client import ApiClient

from cluster.kinds.hpa import to_v1
from cluster.kinds.service_allocation import allocate
from cluster.objects import Obj
from tests.builders import stamp
from tests.cluster.kinds.manifests import admit, every_kind


def stored(manifest: Obj) -> Obj:
    obj = admit(manifest)
    if obj["kind"] == "Service":
        allocate(obj, [])
    return stamp(obj)


def deserialize(obj: Obj, model: str) -> object:
    return ApiClient().deserialize(json.dumps(obj), model, "application/json")


def test_it_deserializes_every_kind_and_its_list() -> None:
    for model, manifest in every_kind().items():
        obj = stored(manifest)
        assert deserialize(obj, model) is not None, model
        listed = {"apiVersion": obj["apiVersion"], "kind": f"{obj['kind']}List", "metadata": {"resourceVersion": "9"},
                  "items": [obj]}
        assert len(deserialize(listed, f"{model}List").items) == 1, model  # type: ignore[attr-defined]


def test_it_deserializes_the_v1_view_of_an_hpa() -> None:
    v1 = to_v1(stored(every_kind()["V2HorizontalPodAutoscaler"]))
    model = deserialize(v1, "V1HorizontalPodAutoscaler")
    assert model.spec.target_cpu_utilization_percentage == 80  # type: ignore[attr-defined]
    assert model.status.desired_replicas == 0  # type: ignore[attr-defined]


def test_it_keeps_the_fields_the_client_requires() -> None:
    kinds = every_kind()
    ds = deserialize(stored(kinds["V1DaemonSet"]), "V1DaemonSet")
    sts = deserialize(stored(kinds["V1StatefulSet"]), "V1StatefulSet")
    hpa = deserialize(stored(kinds["V2HorizontalPodAutoscaler"]), "V2HorizontalPodAutoscaler")
    assert ds.status.number_misscheduled == 0  # type: ignore[attr-defined]
    assert sts.status.replicas == 0  # type: ignore[attr-defined]
    assert hpa.status.desired_replicas == 0  # type: ignore[attr-defined]
