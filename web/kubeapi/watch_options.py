"""The query of a watch request (`resourceVersion`, selectors, bookmarks, timeout, ...), parsed and checked.

Everything wrong with it is found here, before the stream starts, and is a 400 `Status`:
once the 200 has gone out, an error can only be told as an ERROR event inside the stream.
"""

import random
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, QueryDict

from cluster import errors, selectors
from cluster.kinds import Kind
from web.kubeapi import tables
from web.kubeapi.watch_events import Criteria

# kube-apiserver's --min-request-timeout: a watch without timeoutSeconds lasts 1 to 2 times this.
MIN_REQUEST_TIMEOUT = 1800


def poll_seconds() -> float:
    """How often the log is reread when no hint arrives (hints are at-most-once)."""
    return float(getattr(settings, "KUBELAB_WATCH_POLL_SECONDS", 1.0))


def bookmark_seconds() -> float:
    """How often a watch that allows bookmarks gets one; the API server sends one about every minute."""
    return float(getattr(settings, "KUBELAB_WATCH_BOOKMARK_SECONDS", 60.0))


@dataclass(frozen=True)
class WatchOptions:
    """The query of one watch request, parsed and checked."""

    criteria: Criteria
    resource_version: str = ""
    bookmarks: bool = False
    timeout: float = MIN_REQUEST_TIMEOUT
    send_initial_events: bool | None = None
    as_table: bool = False
    include: tables.IncludeObject = tables.IncludeObject.METADATA

    @property
    def initial_events(self) -> bool:
        """Whether the stream starts with a list: asked for, or implied by an unset or "0" version."""
        if self.send_initial_events is None:
            return self.resource_version in ("", "0")
        return self.send_initial_events

    @property
    def requested(self) -> int:
        return int(self.resource_version or 0)


def parse_options(request: HttpRequest, kind: Kind, namespace: str | None) -> WatchOptions:
    """Read the watch's query; a bad selector or value raises a 400 StatusError before streaming starts."""
    query = request.GET
    criteria = Criteria(kind, namespace, selectors.parse_label_selector(query.get("labelSelector")),
                        selectors.parse_field_selector(query.get("fieldSelector"), kind.fields))
    return WatchOptions(
        criteria=criteria,
        resource_version=_resource_version(query.get("resourceVersion", "")),
        bookmarks=_flag(query, "allowWatchBookmarks") is True,
        timeout=_timeout(query.get("timeoutSeconds")),
        send_initial_events=_flag(query, "sendInitialEvents"),
        as_table=tables.wants_table(request.headers.get("Accept", "")),
        include=tables.parse_include_object(query.get("includeObject")),
    )


def _resource_version(value: str) -> str:
    if value and not value.isdigit():
        raise errors.bad_request(f'invalid resource version "{value}"')
    return value


def _flag(query: QueryDict, name: str) -> bool | None:
    """A boolean query parameter, spelled as Go's strconv.ParseBool accepts it; None when absent."""
    value = query.get(name)
    if value is None or value == "":
        return None
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise errors.bad_request(f'{name}: invalid value "{value}": must be true or false')


def _timeout(value: str | None) -> float:
    try:
        seconds = int(value) if value else 0
    except ValueError:
        raise errors.bad_request(f'timeoutSeconds: invalid value "{value}": must be a whole number') from None
    # Unset (or 0): the API server picks a random length, so that watches do not all end together.
    return float(seconds) if seconds > 0 else MIN_REQUEST_TIMEOUT * (1 + random.random())
