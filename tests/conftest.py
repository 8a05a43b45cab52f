"""Shared fixtures: a fast, paused sandbox for store and reconcile tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from cluster import sandboxes
from cluster.models import Profile, Sandbox

# The live-server fixtures (`live_cluster`: Uvicorn, a real Celery worker and Redis).
pytest_plugins = ["tests.live.harness"]


@pytest.fixture
def sandbox(db: None) -> Sandbox:
    """A three-node sandbox on the fast profile with its clock paused: tests move time themselves."""
    return sandboxes.create("test", nodes=3, profile=Profile.FAST, speed=0)


@pytest.fixture(scope="session", autouse=True)
def close_connection_pools(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Return the pooled PostgreSQL connections before the test database is dropped.

    A pool keeps connections open between tests; left open, they make the drop fail with
    "database is being accessed by other users" and leave the database behind.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            if hasattr(connection, "close_pool"):
                connection.close_pool()
