"""Shared fixtures: a fast, paused sandbox for store and reconcile tests."""

import pytest

from cluster import sandboxes
from cluster.models import Profile, Sandbox

# The live-server fixtures (`live_cluster`: Uvicorn, a real Celery worker and Redis).
pytest_plugins = ["tests.live.harness"]


@pytest.fixture
def sandbox(db: None) -> Sandbox:
    """A three-node sandbox on the fast profile with its clock paused: tests move time themselves."""
    return sandboxes.create("test", nodes=3, profile=Profile.FAST, speed=0)
