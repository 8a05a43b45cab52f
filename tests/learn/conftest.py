"""The engine's tests run on the example lesson in tests/learn/lessons/, not on the real ones."""

from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "lessons"


@pytest.fixture
def example_lessons(settings: Any) -> Path:
    settings.KUBELAB_LESSONS_DIR = FIXTURES
    return FIXTURES
