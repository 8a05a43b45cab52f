"""ConfigMap, Secret and ServiceAccount: configuration and identity that pods refer to by name.

A ConfigMap holds plain key/value data; a Secret holds base64-encoded data (and `stringData`
that the API server encodes on write); a ServiceAccount is the identity a pod runs as, and
every namespace gets one named `default`.
"""

import base64
from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta


def validate(obj: Obj) -> list[Cause]:
    causes = object_meta(obj, namespaced=True)
    for key in ("data", "binaryData", "stringData"):
        value = obj.get(key)
        if value is not None and not isinstance(value, dict):
            causes.append(invalid_value(key, str(value), "must be a map of string keys to string values"))
        for k, v in (value or {}).items() if isinstance(value, dict) else ():
            if not isinstance(v, str):
                causes.append(invalid_value(f"{key}[{k}]", v, "must be a string"))
    return causes


def default_secret(secret: Obj) -> None:
    secret.setdefault("type", "Opaque")
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict):
        data = secret.setdefault("data", {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def data_count(obj: Obj) -> int:
    return len(obj.get("data") or {}) + len(obj.get("binaryData") or {})


def configmap_cells(cm: Obj, now: datetime) -> list[Any]:
    return [name_of(cm), data_count(cm), age(cm, now)]


def secret_cells(secret: Obj, now: datetime) -> list[Any]:
    return [name_of(secret), secret.get("type", "Opaque"), data_count(secret), age(secret, now)]


def serviceaccount_cells(sa: Obj, now: datetime) -> list[Any]:
    return [name_of(sa), len(sa.get("secrets") or []), age(sa, now)]


DATA = Column("Data", type="integer", description="Number of keys")

CONFIG_MAP = register(Kind(
    group="", version="v1", kind="ConfigMap", plural="configmaps", short_names=("cm",), has_spec=False,
    validate=validate, columns=(NAME, DATA, AGE), cells=configmap_cells,
))
SECRET = register(Kind(
    group="", version="v1", kind="Secret", plural="secrets", has_spec=False, default=default_secret,
    validate=validate, fields={**base_fields(), "type": lambda s: str(s.get("type", ""))},
    columns=(NAME, Column("Type", description="The type of the secret"), DATA, AGE),
    cells=secret_cells,
))
SERVICE_ACCOUNT = register(Kind(
    group="", version="v1", kind="ServiceAccount", plural="serviceaccounts", short_names=("sa",), has_spec=False,
    subresources=("token",), columns=(NAME, Column("Secrets", type="integer", description="Number of secrets"), AGE),
    cells=serviceaccount_cells,
))
