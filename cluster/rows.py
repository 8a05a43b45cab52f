"""The rows behind the store: how an object and a watch-log entry are laid out in SQL.

`cluster.store` decides what to write; this module only turns objects into rows and runs
the statements. Batches use plain SQL with `executemany`, and the conditional update is one
statement: through the ORM, building thousands of model instances cost more than the
database work itself.
"""

import json
from typing import Any

from django.db import connection

from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox
from cluster.objects import Obj, parse_time


def columns(kind: Kind, obj: Obj) -> dict[str, Any]:
    meta = obj["metadata"]
    return {
        "group": kind.group, "version": kind.version, "kind": kind.kind, "namespace": meta.get("namespace", ""),
        "name": meta["name"], "uid": meta["uid"], "resource_version": int(meta["resourceVersion"]),
        "generation": int(meta.get("generation", 1)), "labels": meta.get("labels") or {},
        "owner_uids": [r.get("uid") for r in meta.get("ownerReferences") or []],
        "deletion_timestamp": parse_time(meta.get("deletionTimestamp")), "finalizers": meta.get("finalizers") or [],
        "body": obj,
    }


# A batch's new rows and watch-log entries go in with one executemany each: through the ORM,
# building thousands of model instances cost more than the database work itself.
OBJECT_INSERT = ('INSERT INTO cluster_kubeobject (sandbox_id, "group", version, kind, namespace, name, uid, '
                  "resource_version, generation, labels, owner_uids, deletion_timestamp, finalizers, body) "
                  "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s{j}, %s{j}, %s, %s{j}, %s{j})")
WATCH_INSERT = ('INSERT INTO cluster_watchevent (sandbox_id, resource_version, type, "group", kind, namespace, name, '
                 "object) VALUES (%s, %s, %s, %s, %s, %s, %s, %s{j})")


def insert_many(statement: str, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(statement.format(j="::jsonb" if connection.vendor == "postgresql" else ""), rows)


def object_row(sandbox: Sandbox, kind: Kind, obj: Obj) -> tuple[Any, ...]:
    c = columns(kind, obj)
    return (sandbox.pk, c["group"], c["version"], c["kind"], c["namespace"], c["name"], c["uid"],
            c["resource_version"], c["generation"], json.dumps(c["labels"]), json.dumps(c["owner_uids"]),
            connection.ops.adapt_datetimefield_value(c["deletion_timestamp"]), json.dumps(c["finalizers"]),
            json.dumps(c["body"]))


UPDATE = ('UPDATE cluster_kubeobject SET resource_version = %s, generation = %s, labels = %s{j}, '
           'owner_uids = %s{j}, deletion_timestamp = %s, finalizers = %s{j}, body = %s{j} '
           'WHERE sandbox_id = %s AND "group" = %s AND kind = %s AND namespace = %s AND name = %s '
           'AND resource_version = %s')


def conditional_update(sandbox: Sandbox, kind: Kind, old: Obj, new: Obj, expected: int) -> int:
    """Write `new` over `old` only if the row is still at `expected`; the number of rows written.

    Plain SQL rather than a queryset: this runs for nearly every write of a reconcile round,
    and building the ORM query cost more than executing it.
    """
    c = columns(kind, new)
    ops = connection.ops
    sql = UPDATE.format(j="::jsonb" if connection.vendor == "postgresql" else "")
    params = [c["resource_version"], c["generation"], json.dumps(c["labels"]), json.dumps(c["owner_uids"]),
              ops.adapt_datetimefield_value(c["deletion_timestamp"]), json.dumps(c["finalizers"]),
              json.dumps(c["body"]), sandbox.pk, kind.group, kind.kind, c["namespace"], c["name"], expected]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def rows_of(sandbox: Sandbox, kind: Kind, obj: Obj) -> Any:
    meta = obj["metadata"]
    return KubeObject.objects.filter(sandbox=sandbox, group=kind.group, kind=kind.kind,
                                     namespace=meta.get("namespace", "") if kind.namespaced else "",
                                     name=meta["name"])
