"""The query of a watch: what it asks for, and what it may not ask."""

import pytest
from django.test import RequestFactory

from cluster.errors import StatusError
from cluster.kinds.pod import POD
from web.kubeapi import tables
from web.kubeapi.watch_options import MIN_REQUEST_TIMEOUT, WatchOptions, parse_options


def options(accept: str = "application/json", **query: str) -> WatchOptions:
    request = RequestFactory().get("/api/v1/pods", {"watch": "true", **query}, HTTP_ACCEPT=accept)
    return parse_options(request, POD, None)


def test_it_lasts_thirty_to_sixty_minutes_without_timeout_seconds() -> None:
    for query in ({}, {"timeoutSeconds": "0"}):
        assert MIN_REQUEST_TIMEOUT <= options(**query).timeout <= 2 * MIN_REQUEST_TIMEOUT


def test_it_ends_after_timeout_seconds() -> None:
    assert options(timeoutSeconds="300").timeout == 300


def test_it_starts_with_a_list_only_for_an_unset_or_zero_version() -> None:
    assert options().initial_events
    assert options(resourceVersion="0").initial_events
    assert not options(resourceVersion="42").initial_events
    assert options(resourceVersion="42").requested == 42


def test_it_lets_send_initial_events_decide() -> None:
    assert options(resourceVersion="42", sendInitialEvents="true").initial_events
    assert not options(sendInitialEvents="false").initial_events


def test_it_reads_booleans_as_go_does() -> None:
    assert options(allowWatchBookmarks="1").bookmarks
    assert options(allowWatchBookmarks="True").bookmarks
    assert not options(allowWatchBookmarks="false").bookmarks
    assert not options().bookmarks


def test_it_reads_selectors_for_the_kind() -> None:
    parsed = options(labelSelector="app=web", fieldSelector="spec.nodeName=node-1")

    assert not parsed.criteria.selects_everything
    assert parsed.criteria.kind is POD and parsed.criteria.namespace is None


def test_it_notices_kubectl_asking_for_tables() -> None:
    parsed = options(accept="application/json;as=Table;v=v1;g=meta.k8s.io,application/json", includeObject="None")

    assert parsed.as_table and parsed.include is tables.IncludeObject.NONE
    assert not options().as_table


def test_it_names_an_unsupported_field_as_kubernetes_does() -> None:
    with pytest.raises(StatusError) as raised:
        options(fieldSelector="spec.nope=1")

    assert raised.value.code == 400 and raised.value.message == "field label not supported: spec.nope"
