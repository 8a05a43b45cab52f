"""`kubectl rollout status | history | undo` for Deployments, worded as kubectl words them.

A Deployment's history is its ReplicaSets: each carries the revision it was made for in
the `deployment.kubernetes.io/revision` annotation. Undo copies an older ReplicaSet's pod
template back into the Deployment (what kubectl does, client-side), and the Deployment
controller then rolls forward to it as to any change.
"""

from cluster import kinds, store
from cluster.objects import Obj, copy
from web.console.commandline import UsageError
from web.console.context import Context
from web.console.describe import Writer
from web.console.resources import qualified, split_target

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
TEMPLATE_HASH = "pod-template-hash"


def rollout(ctx: Context) -> None:
    action = ctx.line.words[1] if ctx.line.words[1:] else ""
    actions = {"status": status, "history": history, "undo": undo}
    if action not in actions:
        raise UsageError("the console knows `rollout status`, `rollout history` and `rollout undo`")
    (kind, name), = split_target(ctx.line.words[2:])
    if kind.kind != "Deployment":
        raise UsageError(f"no rollout support for {qualified(kind)} in the console yet")
    actions[action](ctx, ctx.get(kind, name))


def status_text(deploy: Obj) -> str:
    """kubectl's DeploymentStatusViewer: the one line `rollout status` prints for the current state."""
    name, spec, st = deploy["metadata"]["name"], deploy.get("spec") or {}, deploy.get("status") or {}
    if deploy["metadata"].get("generation", 0) > st.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed..."
    progressing: Obj = next((c for c in st.get("conditions") or [] if c.get("type") == "Progressing"), {})
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return f'error: deployment "{name}" exceeded its progress deadline'
    wanted, updated = int(spec.get("replicas", 1)), int(st.get("updatedReplicas", 0))
    if updated < wanted:
        return f'Waiting for deployment "{name}" rollout to finish: {updated} out of {wanted} new replicas have ' \
               "been updated..."
    if int(st.get("replicas", 0)) > updated:
        return f'Waiting for deployment "{name}" rollout to finish: {int(st["replicas"]) - updated} old replicas ' \
               "are pending termination..."
    if int(st.get("availableReplicas", 0)) < updated:
        return f'Waiting for deployment "{name}" rollout to finish: {st.get("availableReplicas", 0)} of {updated} ' \
               "updated replicas are available..."
    return f'deployment "{name}" successfully rolled out'


def status(ctx: Context, deploy: Obj) -> None:
    ctx.output.out(status_text(deploy))


def revisions(ctx: Context, deploy: Obj) -> list[tuple[int, Obj]]:
    kind = kinds.by_kind("apps", "ReplicaSet")
    assert kind is not None
    items, _ = store.list_objects(ctx.sandbox, kind, deploy["metadata"].get("namespace"))
    uid = deploy["metadata"]["uid"]
    owned = [rs for rs in items if any(r.get("uid") == uid for r in rs["metadata"].get("ownerReferences") or [])]
    found = [(int((rs["metadata"].get("annotations") or {}).get(REVISION, "0")), rs) for rs in owned]
    return sorted((pair for pair in found if pair[0] > 0), key=lambda pair: pair[0])


def history(ctx: Context, deploy: Obj) -> None:
    w = Writer()
    w.line(0, "REVISION", "CHANGE-CAUSE")
    for number, rs in revisions(ctx, deploy):
        w.line(0, number, (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, "<none>"))
    ctx.output.out(f"deployment.apps/{deploy['metadata']['name']} \n{w.text()}")


def undo(ctx: Context, deploy: Obj) -> None:
    found = revisions(ctx, deploy)
    wanted = int(ctx.line.flag("to-revision", "0"))
    name = deploy["metadata"]["name"]
    if wanted:
        target = next((rs for number, rs in found if number == wanted), None)
        if target is None:
            raise UsageError(f"unable to find specified revision {wanted} in history")
    elif len(found) < 2:
        raise UsageError(f'no rollout history found for deployment "{name}"')
    else:
        target = found[-2][1]
    kind = kinds.by_kind("apps", "Deployment")
    assert kind is not None
    template = copy((target.get("spec") or {}).get("template") or {})
    (template.get("metadata") or {}).get("labels", {}).pop(TEMPLATE_HASH, None)
    if template.get("spec") == ((deploy.get("spec") or {}).get("template") or {}).get("spec"):
        ctx.output.out(f"deployment.apps/{name} skipped rollback (current template already matches revision "
                       f"{wanted or found[-2][0]})")
        return
    store.patch(ctx.sandbox, kind, ctx.namespace, name, lambda d: {**d, "spec": {**d["spec"], "template": template}})
    ctx.output.out(f"deployment.apps/{name} rolled back")
