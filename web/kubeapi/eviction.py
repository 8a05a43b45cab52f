"""The `pods/eviction` subresource: `kubectl drain`'s way of deleting a pod, guarded by its budget.

The rules (which PodDisruptionBudget applies, whether it allows one more disruption, the
429 TooManyRequests that makes kubectl try again) are the cluster's: `cluster.eviction`.
This adapter only turns the request's DeleteOptions into its options and answers 201 with a
Success Status, as the real server does.
"""

from django.http import HttpResponse

from cluster import eviction
from cluster.models import Sandbox
from web.kubeapi import responses
from web.kubeapi.query import DeleteOptions


def evict(sandbox: Sandbox, namespace: str, name: str, options: DeleteOptions, dry_run: bool) -> HttpResponse:
    eviction.evict(sandbox, namespace, name, eviction.Options(
        grace_seconds=options.grace_seconds, propagation=options.propagation, uid=options.uid,
        resource_version=options.resource_version, dry_run=dry_run))
    return responses.success(code=201)
