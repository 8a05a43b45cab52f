"""Live-server tests: a real Uvicorn, real Celery workers and Redis around the test database.

Load the fixtures with `pytest_plugins = ["tests.live.harness"]` in `tests/conftest.py`.
"""
