"""The web adapters around the simulated cluster: settings, the Kubernetes API, pages and consumers."""

from web.celery import app as celery_app

__all__ = ["celery_app"]
