"""The CronJob controller (`controller.py`) and its schedule arithmetic (`schedule.py`)."""

from cluster.controllers.cronjob.controller import COMPONENT, SCHEDULED_TIMESTAMP, reconcile

__all__ = ["COMPONENT", "SCHEDULED_TIMESTAMP", "reconcile"]
