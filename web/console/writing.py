"""The console's writing commands: apply, create, delete, scale, label, set image, expose.

Every write goes through `cluster.store`, as the API's writes do, so a learner meets the
same validation and the same errors here as with the real kubectl.
"""

from typing import Any

import yaml

from cluster import errors, kinds, store
from cluster.kinds import Kind
from cluster.objects import Obj, copy
from cluster.patch import PatchType, apply_patch
from web.console.commandline import UsageError
from web.console.context import Context
from web.console.reading import listed
from web.console.resources import qualified, resolve, split_target


def documents(text: str) -> list[Obj]:
    """The objects in a YAML (or JSON) text of one or more documents; a `List` is unpacked."""
    try:
        loaded = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as error:
        raise UsageError(f"error parsing YAML: {error}") from None
    found: list[Obj] = []
    for doc in loaded:
        if not isinstance(doc, dict):
            raise UsageError("error validating data: the document is not an object")
        found += doc.get("items") or [] if doc.get("kind") == "List" else [doc]
    return found


def kind_for(doc: Obj) -> Kind:
    if not doc.get("kind") or not doc.get("apiVersion"):
        missing = "kind" if not doc.get("kind") else "apiVersion"
        raise UsageError(f"error validating data: {missing} not set")
    found = kinds.for_object(doc)
    if found is None:
        raise UsageError(f'resource mapping not found for name: "{doc.get("metadata", {}).get("name", "")}" '
                         f'namespace: "" from "STDIN": no matches for kind "{doc["kind"]}" in version '
                         f'"{doc["apiVersion"]}"\nensure CRDs are installed first')
    return found


def apply_documents(ctx: Context, text: str, *, create_only: bool = False) -> None:
    """`kubectl apply -f` (or `create -f`): each document created or changed, each printed as kubectl does."""
    for doc in documents(text):
        try:
            kind = kind_for(doc)
            verb = create_one(ctx, kind, doc) if create_only else apply_one(ctx, kind, doc)
            ctx.output.out(f"{qualified(kind)}/{doc['metadata']['name']} {verb}")
        except errors.StatusError as error:
            ctx.output.err(f"Error from server ({error.reason}): {error.message}")
        except UsageError as error:
            ctx.output.err(f"error: {error}")


def _namespace(ctx: Context, kind: Kind, doc: Obj) -> str:
    return str((doc.get("metadata") or {}).get("namespace") or ctx.namespace) if kind.namespaced else ""


def create_one(ctx: Context, kind: Kind, doc: Obj) -> str:
    store.create(ctx.sandbox, doc, kind=kind, namespace=_namespace(ctx, kind, doc))
    return "created"


def apply_one(ctx: Context, kind: Kind, doc: Obj) -> str:
    namespace, name = _namespace(ctx, kind, doc), (doc.get("metadata") or {}).get("name")
    if not name:
        raise UsageError("error validating data: metadata.name not set")
    try:
        current = store.get(ctx.sandbox, kind, namespace, name)
    except errors.StatusError as error:
        if error.code != 404:
            raise
        return create_one(ctx, kind, doc)
    patched = apply_patch(copy(current), PatchType.APPLY, doc, kind)
    if patched == current:
        return "unchanged"
    store.update(ctx.sandbox, kind, namespace, name, patched)
    return "configured"


def edit(ctx: Context) -> None:
    """What `kubectl edit` does once the learner saves: replace the object with the edited one.
    Its resourceVersion is the one read, so an edit of a stale copy is a Conflict, as it is there."""
    docs = documents(ctx.stdin)
    if len(docs) != 1:
        raise UsageError("edit takes exactly one object")
    doc = docs[0]
    kind = kind_for(doc)
    namespace, name = _namespace(ctx, kind, doc), doc.get("metadata", {}).get("name", "")
    if store.get(ctx.sandbox, kind, namespace, name) == doc:
        ctx.output.out("Edit cancelled, no changes made.")
        return
    store.update(ctx.sandbox, kind, namespace, name, doc)
    ctx.output.out(f"{qualified(kind)}/{name} edited")


def apply(ctx: Context) -> None:
    if not ctx.line.has("filename"):
        raise UsageError("must specify one of -f and -k")
    apply_documents(ctx, ctx.stdin)


# --- create -----------------------------------------------------------------------------------

def create(ctx: Context) -> None:
    if ctx.line.has("filename"):
        return apply_documents(ctx, ctx.stdin, create_only=True)
    what = ctx.line.words[1:3]
    if len(what) < 2:
        raise UsageError("the console creates: -f (the editor's YAML), deployment, namespace, configmap")
    builders = {"deployment": new_deployment, "deploy": new_deployment, "namespace": new_namespace,
                "ns": new_namespace, "configmap": new_configmap, "cm": new_configmap}
    if what[0] not in builders:
        raise UsageError(f'unknown command "{what[0]}" for "kubectl create"')
    obj = builders[what[0]](ctx, what[1])
    kind = kinds.for_object(obj)
    assert kind is not None
    ctx.output.out(f"{qualified(kind)}/{what[1]} {create_one(ctx, kind, obj)}")


def container_name(image: str) -> str:
    """kubectl names the container after the image: `nginx:1.25` -> `nginx`."""
    return image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]


def new_deployment(ctx: Context, name: str) -> Obj:
    image = ctx.line.flag("image")
    if not image:
        raise UsageError("required flag(s) \"image\" not set")
    container: dict[str, Any] = {"name": container_name(image), "image": image, "resources": {}}
    if ctx.line.flag("port"):
        container["ports"] = [{"containerPort": int(ctx.line.flag("port"))}]
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": int(ctx.line.flag("replicas", "1")), "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}}}}


def new_namespace(ctx: Context, name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def new_configmap(ctx: Context, name: str) -> Obj:
    data = dict(pair.split("=", 1) for pair in ctx.line.flags.get("from-literal", []) if "=" in pair)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


# --- delete, scale, label -----------------------------------------------------------------------

def delete(ctx: Context) -> None:
    if ctx.line.has("filename"):
        targets = [(kind_for(doc), doc["metadata"]["name"]) for doc in documents(ctx.stdin)]
    elif ctx.line.has("all") or ctx.line.has("selector"):
        kind = resolve(ctx.line.words[1])
        targets = [(kind, obj["metadata"]["name"]) for obj in listed(ctx, kind)]
    else:
        targets = split_target(ctx.line.words[1:])
    grace = int(ctx.line.flag("grace-period", "-1"))
    for kind, name in targets:
        try:
            store.delete(ctx.sandbox, kind, ctx.namespace_for(kind), name,
                         grace_seconds=0 if ctx.line.has("now") or ctx.line.has("force") else
                         (grace if grace >= 0 else None))
            where = f" from {ctx.namespace_for(kind)} namespace" if kind.namespaced else ""
            ctx.output.out(f'{qualified(kind)} "{name}" deleted{where}')
        except errors.StatusError as error:
            ctx.output.err(f"Error from server ({error.reason}): {error.message}")


def scale(ctx: Context) -> None:
    replicas = ctx.line.flag("replicas")
    if not replicas.isdigit():
        raise UsageError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    for kind, name in split_target(ctx.line.words[1:]):
        store.patch(ctx.sandbox, kind, ctx.namespace_for(kind), name, lambda obj: _with_replicas(obj, int(replicas)))
        ctx.output.out(f"{qualified(kind)}/{name} scaled")


def _with_replicas(obj: Obj, replicas: int) -> Obj:
    obj.setdefault("spec", {})["replicas"] = replicas
    return obj


def label(ctx: Context) -> None:
    pairs = [word for word in ctx.line.words[1:] if "=" in word or word.endswith("-")]
    targets = split_target([word for word in ctx.line.words[1:] if word not in pairs])
    if not pairs:
        raise UsageError("at least one label update is required")
    for kind, name in targets:
        current = ctx.get(kind, name)
        changed = relabelled(current, pairs, overwrite=ctx.line.has("overwrite"))
        if changed == current:
            ctx.output.out(f"{qualified(kind)}/{name} not labeled")
            continue
        store.update(ctx.sandbox, kind, ctx.namespace_for(kind), name, changed)
        ctx.output.out(f"{qualified(kind)}/{name} {'labeled' if any('=' in p for p in pairs) else 'unlabeled'}")


def relabelled(obj: Obj, pairs: list[str], *, overwrite: bool) -> Obj:
    new = copy(obj)
    labels = new["metadata"].setdefault("labels", {})
    for pair in pairs:
        if pair.endswith("-") and "=" not in pair:
            labels.pop(pair[:-1], None)
            continue
        key, value = pair.split("=", 1)
        if key in labels and labels[key] != value and not overwrite:
            raise UsageError(f"'{key}' already has a value ({labels[key]}), and --overwrite is false")
        labels[key] = value
    return new


# --- set image, expose --------------------------------------------------------------------------

def set_image(ctx: Context) -> None:
    if ctx.line.words[1:2] != ["image"]:
        raise UsageError("the console knows `set image`")
    pairs = dict(word.split("=", 1) for word in ctx.line.words[2:] if "=" in word)
    targets = split_target([word for word in ctx.line.words[2:] if "=" not in word])
    for kind, name in targets:
        store.patch(ctx.sandbox, kind, ctx.namespace_for(kind), name, lambda obj: _with_images(obj, pairs))
        ctx.output.out(f"{qualified(kind)}/{name} image updated")


def _with_images(obj: Obj, images: dict[str, str]) -> Obj:
    spec = obj.get("spec") or {}
    pod_spec = spec if obj.get("kind") == "Pod" else (spec.get("jobTemplate", {}).get("spec", spec)
                                                      .get("template") or {}).get("spec") or {}
    containers = pod_spec.get("containers") or []
    names = {c["name"] for c in containers}
    unknown = [n for n in images if n != "*" and n not in names]
    if unknown:
        raise UsageError(f'unable to find container named "{unknown[0]}"')
    for container in containers:
        image = images.get(container["name"]) or images.get("*")
        if image:
            container["image"] = image
    return obj


def expose(ctx: Context) -> None:
    (kind, name), = split_target(ctx.line.words[1:])
    source = ctx.get(kind, name)
    selector = _selector_of(source)
    port = ctx.line.flag("port") or _first_port(source)
    if not port:
        raise UsageError("couldn't find port via --port flag or introspection")
    target = ctx.line.flag("target-port") or port
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": ctx.line.flag("name") or name, "labels": source["metadata"].get("labels") or {}},
               "spec": {"selector": selector, "type": ctx.line.flag("type") or "ClusterIP",
                        "ports": [{"port": int(port), "protocol": ctx.line.flag("protocol") or "TCP",
                                   "targetPort": int(target) if str(target).isdigit() else target}]}}
    created = store.create(ctx.sandbox, service, namespace=ctx.namespace)
    ctx.output.out(f"service/{created['metadata']['name']} exposed")


def _selector_of(obj: Obj) -> dict[str, str]:
    if obj["kind"] in ("Pod",):
        return dict(obj["metadata"].get("labels") or {})
    if obj["kind"] == "Service":
        return dict((obj.get("spec") or {}).get("selector") or {})
    selector = (obj.get("spec") or {}).get("selector") or {}
    if selector.get("matchExpressions"):
        raise UsageError("couldn't convert expressions to a selector: the Service selector takes equality only")
    return dict(selector.get("matchLabels") or selector)


def _first_port(obj: Obj) -> str:
    spec = obj.get("spec") or {}
    pod_spec = spec if obj["kind"] == "Pod" else (spec.get("template") or {}).get("spec") or {}
    for container in pod_spec.get("containers") or []:
        for port in container.get("ports") or []:
            return str(port.get("containerPort"))
    ports = spec.get("ports") or []
    return str(ports[0]["port"]) if ports and obj["kind"] == "Service" else ""
