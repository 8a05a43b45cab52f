"""Checks on Services and DNS: how a Service finds its pods, and how a name finds a Service.

The classic mistake is a selector that matches nothing: the Service exists, has a cluster
IP, and sends traffic nowhere. The `service` check compares the Service's selector with the
labels the pods in its namespace really have, and says which differ.
"""

from cluster import dns
from cluster.controllers.pods import is_active, is_ready
from cluster.objects import Obj
from web.learn.checks import reading
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, joined, passed, say
from web.learn.checks.workloads import _missing


@check("service", required=("name",), optional=("namespace", "endpoints_at_least", "type"))
def service(facts: Facts, spec: Spec) -> Verdict:
    namespace = reading.namespace_in(spec)
    found = reading.one(facts.state, "Service", namespace, str(spec["name"]))
    if found is None:
        return _missing(facts, "Service", spec)
    kind = (found.get("spec") or {}).get("type", "ClusterIP")
    values = {"name": spec["name"], "type": kind, "want": spec.get("type"), "ns": namespace}
    if "type" in spec and kind != spec["type"]:
        return failed("Service `{name}` is of type {type}; this step needs {want} (`spec.type`).",
                      "서비스 `{name}`의 타입은 {type}이에요. 이 단계에서는 {want} "
                      "타입(`spec.type`)이어야 해요.", **values)
    endpoints = len(dns.ready_endpoints(found, facts.state))
    wanted = int(spec.get("endpoints_at_least", 0))
    if endpoints >= wanted:
        return passed("Service `{name}` has {n} ready "
                      "endpoints.", "서비스 `{name}`에 준비된 엔드포인트가 {n}개 있어요.",
                      n=endpoints, **values)
    return Verdict(False, joined(say("Service `{name}` has {n} ready endpoints; this step needs {wanted}.",
                                     "서비스 `{name}`의 준비된 엔드포인트는 {n}개예요. {wanted}개가 필요해요.",
                                     n=endpoints, wanted=wanted, **values),
                                 selector_mismatch(facts, found, namespace)))


def selector_mismatch(facts: Facts, svc: Obj, namespace: str) -> dict[str, str]:
    """Why a Service's selector finds too few ready pods: no selector, wrong labels, or pods not Ready."""
    selector = (svc.get("spec") or {}).get("selector") or {}
    values = {"name": svc["metadata"]["name"], "selector": reading.label_text(selector), "ns": namespace}
    if not selector:
        return say("It has no selector, so no pods become its endpoints.",
                   "셀렉터가 없어서 어떤 파드도 엔드포인트가 되지 않아요.", **values)
    chosen = [p for p in reading.pods(facts.state, namespace, selector) if is_active(p)]
    if not chosen:
        others = reading.labelled_otherwise(facts.state, namespace, selector)
        if not others:
            return say("Service `{name}` selects `{selector}`, but there are no pods in namespace `{ns}`.",
                       "서비스 `{name}`의 셀렉터는 `{selector}`인데, 네임스페이스 `{ns}`에 파드가 하나도 없어요.",
                       **values)
        return say("Service `{name}` selects `{selector}`, but your pods are labelled `{others}`. A Service finds its "
                   "pods by labels alone: its selector must match the pods' labels exactly.",
                   "서비스 `{name}`의 셀렉터는 `{selector}`인데, 파드의 레이블은 `{others}`{others:~이에요/예요}. "
                   "서비스는 오직 레이블로 "
                   "파드를 찾기 때문에 셀렉터가 파드의 레이블과 정확히 맞아야 해요.", others=others, **values)
    ready = [p for p in chosen if is_ready(p)]
    if len(ready) < len(chosen):
        base = say("It selects {n} pods, but only {ready} are Ready; a pod that is not Ready gets no traffic.",
                   "셀렉터에 맞는 파드는 {n}개지만 Ready인 파드는 {ready}개예요. Ready가 아닌 파드는 트래픽을 "
                   "받지 않아요.",
                   n=len(chosen), ready=len(ready))
        why = reading.trouble(chosen)
        return joined(base, why) if why else base
    return say("It selects {n} ready pods; add more pods with the labels `{selector}` (or wait a moment for the "
               "endpoint controllers).",
               "셀렉터에 맞는 Ready 파드는 {n}개예요. 레이블이 `{selector}`인 파드를 더 만들어 보세요(또는 엔드포인트 "
               "컨트롤러가 반영할 때까지 잠시 기다려 보세요).", n=len(ready), **values)


@check("dns", required=("name",), optional=("from_namespace", "resolves"))
def name_resolves(facts: Facts, spec: Spec) -> Verdict:
    name, origin = str(spec["name"]), str(spec.get("from_namespace") or reading.DEFAULT_NAMESPACE)
    answer = dns.resolve(facts.state, name, origin)
    addresses = ", ".join(r.data for r in answer.records)
    values = {"name": name, "ns": origin, "addresses": addresses, "fqdn": answer.name}
    if bool(answer.records) == bool(spec.get("resolves", True)):
        if answer.records:
            return passed("`{name}` resolves to {addresses} from namespace `{ns}`.",
                          "네임스페이스 `{ns}`에서 `{name}`{name:~을/를} 조회하면 {addresses}가 나와요.", **values)
        return passed("`{name}` does not resolve from namespace `{ns}`.",
                      "네임스페이스 `{ns}`에서 `{name}`{name:~은/는} 조회되지 않아요.", **values)
    if answer.records:
        return failed("`{name}` still resolves to {addresses} from namespace `{ns}`.",
                      "네임스페이스 `{ns}`에서 `{name}`{name:~이/가} 아직 {addresses}로 조회돼요.", **values)
    return Verdict(False, joined(say("`{name}` does not resolve from namespace `{ns}` (tried {tried}).",
                                     "네임스페이스 `{ns}`에서 `{name}`{name:~이/가} 조회되지 않아요(시도한 이름: "
                                     "{tried}).",
                                     tried=", ".join(answer.tried), **values),
                                 _why_unresolved(facts, name, origin)))


def _why_unresolved(facts: Facts, name: str, origin: str) -> dict[str, str]:
    """The usual reasons: the Service lives in another namespace, or is headless with no ready pods."""
    first = name.split(".")[0]
    parts = name.split(".")
    service_name = parts[1] if len(parts) > 1 and not name.endswith(".svc.cluster.local") else first
    services = [s for s in facts.state.of_kind("Service") if s["metadata"]["name"] in (first, service_name)]
    if not services:
        return say("There is no Service called `{svc}` in any namespace.",
                   "어느 네임스페이스에도 `{svc}`라는 서비스가 없어요.", svc=service_name)
    svc = services[0]
    ns = svc["metadata"].get("namespace", "")
    if ns != origin and "." not in name:
        return say("Service `{svc}` lives in namespace `{ns}`; from `{origin}` a short name only finds Services of "
                   "its own namespace: use `{svc}.{ns}`.",
                   "서비스 `{svc}`{svc:~은/는} 네임스페이스 `{ns}`에 있어요. `{origin}`에서 짧은 이름으로는 같은 "
                   "네임스페이스의 "
                   "서비스만 찾을 수 있으니 `{svc}.{ns}`로 조회해 보세요.", svc=first, ns=ns, origin=origin)
    if (svc.get("spec") or {}).get("clusterIP") == "None":
        return say("Service `{svc}` is headless (`clusterIP: None`): its names list only Ready pods, and a pod's own "
                   "name (`web-0.{svc}`) needs the pod's `subdomain` (a StatefulSet's `serviceName`) to be `{svc}`.",
                   "서비스 `{svc}`{svc:~은/는} 헤드리스(`clusterIP: None`)라서 Ready 파드만 이름으로 조회돼요. "
                   "파드 자신의 "
                   "이름(`web-0.{svc}`)을 쓰려면 파드의 `subdomain`(스테이트풀셋의 `serviceName`)이 `{svc}`여야 해요.",
                   svc=svc["metadata"]["name"])
    return say("Check the spelling and the namespace part of "
               "the name.", "이름의 철자와 네임스페이스 부분을 확인해 보세요.")
