"""Server-side Tables: what `kubectl get` prints comes from here."""

import pytest

from cluster import kinds
from cluster.errors import StatusError
from cluster.kinds.pod import POD
from tests.builders import T0, new_pod
from web.kubeapi import tables

KUBECTL_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
                  "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")


def test_it_recognises_the_accept_header_of_kubectl_get() -> None:
    assert tables.wants_table(KUBECTL_ACCEPT)
    assert tables.wants_table("application/json;as=Table;v=v1beta1;g=meta.k8s.io")


def test_it_does_not_print_tables_for_plain_json() -> None:
    assert not tables.wants_table("application/json, */*")
    assert not tables.wants_table("")
    assert not tables.wants_table("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
    assert not tables.wants_table("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")


def test_it_prints_the_kinds_columns_and_one_row_per_object() -> None:
    pods = [new_pod("web-1", node="node-1", phase="Running"), new_pod("web-2")]

    table = tables.table(POD, pods, T0, resource_version="124")

    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {"resourceVersion": "124"}
    assert [c["name"] for c in table["columnDefinitions"]] == [
        "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]
    assert [c["priority"] for c in table["columnDefinitions"]] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert table["rows"][0]["cells"] == ["web-1", "0/1", "Running", "0", "0s", "<none>", "node-1", "<none>", "<none>"]
    assert [row["cells"][0] for row in table["rows"]] == ["web-1", "web-2"]


def test_it_puts_the_full_metadata_in_each_row_by_default() -> None:
    pod = new_pod("web", namespace="dev", labels={"app": "web"})

    row = tables.table(POD, [pod], T0)["rows"][0]

    assert row["object"] == {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                             "metadata": pod["metadata"]}
    assert row["object"]["metadata"]["namespace"] == "dev"
    assert row["object"]["metadata"]["labels"] == {"app": "web"}


def test_it_puts_the_whole_object_in_rows_for_include_object_object() -> None:
    pod = new_pod("web")

    assert tables.table(POD, [pod], T0, include_object="Object")["rows"][0]["object"] == pod


def test_it_leaves_the_object_out_for_include_object_none() -> None:
    assert "object" not in tables.table(POD, [new_pod("web")], T0, include_object="None")["rows"][0]


def test_it_treats_an_empty_include_object_as_metadata() -> None:
    row = tables.table(POD, [new_pod("web")], T0, include_object="")["rows"][0]

    assert row["object"]["kind"] == "PartialObjectMetadata"


def test_it_rejects_an_unknown_include_object_as_kubernetes_does() -> None:
    with pytest.raises(StatusError) as raised:
        tables.table(POD, [new_pod("web")], T0, include_object="Everything")

    assert raised.value.code == 400
    assert raised.value.message == ('includeObject: Invalid value: "Everything": '
                                    "must be 'Metadata', 'Object', 'None', or empty")


def test_it_keeps_the_columns_of_an_empty_table() -> None:
    table = tables.table(POD, [], T0, resource_version="7")

    assert table["rows"] == []
    assert len(table["columnDefinitions"]) == len(POD.columns)


def test_it_prints_name_and_age_for_a_kind_without_columns_of_its_own() -> None:
    lease = kinds.by_kind("coordination.k8s.io", "Lease")
    assert lease is not None
    obj = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
           "metadata": {"name": "node-1", "namespace": "kube-node-lease", "creationTimestamp": "2026-01-01T00:00:00Z"}}

    table = tables.table(lease, [obj], T0.replace(minute=5))

    assert table["rows"][0]["cells"][0] == "node-1"
    assert [c["name"] for c in table["columnDefinitions"]][0] == "Name"


def test_it_sends_column_definitions_only_with_the_first_watch_table() -> None:
    pod = new_pod("web")

    first = tables.watch_table(POD, pod, T0, tables.IncludeObject.METADATA, headers=True)
    later = tables.watch_table(POD, pod, T0, tables.IncludeObject.METADATA, headers=False)

    assert len(first["columnDefinitions"]) == len(POD.columns) and len(first["rows"]) == 1
    assert later["columnDefinitions"] is None and len(later["rows"]) == 1
    assert first["metadata"]["resourceVersion"] == pod["metadata"]["resourceVersion"]
