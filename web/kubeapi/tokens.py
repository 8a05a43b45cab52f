"""`serviceaccounts/<name>/token`: a TokenRequest, what `kubectl create token` asks for.

A real cluster signs a JWT saying which service account it speaks for, for whom (the
audiences) and until when. KubeLab returns a token of the same shape and claims, signed
with a key of the sandbox's own, so a learner can decode it and see what a pod's token says.
It opens nothing: the sandbox's API is reached with the sandbox token alone.
"""

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse

from cluster import clock, errors, store
from cluster.models import Sandbox
from cluster.objects import Obj, rfc3339
from cluster.validation import invalid_value
from web.kubeapi import responses
from web.kubeapi.paths import Target
from web.kubeapi.subresources import mapping, named_body

ISSUER = "https://kubernetes.default.svc.cluster.local"
DEFAULT_SECONDS, MINIMUM_SECONDS = 3600, 600


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(claims: dict[str, Any], key: str) -> str:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def expiration_seconds(spec: dict[str, Any], name: str) -> int:
    seconds = spec.get("expirationSeconds", DEFAULT_SECONDS)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < MINIMUM_SECONDS:
        cause = invalid_value("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes")
        raise errors.invalid("TokenRequest", "authentication.k8s.io", name, [cause])
    return seconds


def claims(account: Obj, audiences: list[str], issued: int, seconds: int) -> dict[str, Any]:
    meta = account["metadata"]
    return {"aud": audiences, "exp": issued + seconds, "iat": issued, "iss": ISSUER, "nbf": issued,
            "sub": f"system:serviceaccount:{meta['namespace']}:{meta['name']}",
            "kubernetes.io": {"namespace": meta["namespace"],
                              "serviceaccount": {"name": meta["name"], "uid": meta["uid"]}}}


def create_token(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    body = named_body(request, target, "TokenRequest")
    account = store.get(sandbox, target.kind, target.namespace or "", target.name)
    spec = mapping(body.get("spec"))
    audiences = [a for a in spec.get("audiences") or [] if isinstance(a, str)] or [ISSUER]
    seconds, now = expiration_seconds(spec, target.name), clock.now(sandbox)
    token = signed(claims(account, audiences, int(now.timestamp()), seconds), sandbox.token)
    return responses.ok({
        "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"name": target.name, "namespace": target.namespace, "creationTimestamp": rfc3339(now)},
        "spec": {"audiences": audiences, "expirationSeconds": seconds, "boundObjectRef": spec.get("boundObjectRef")},
        "status": {"token": token, "expirationTimestamp": rfc3339(now + timedelta(seconds=seconds))},
    }, status=201)
