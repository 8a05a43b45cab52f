// What the diagram draws, derived from the objects: nodes with their pods, the pods no node
// holds, Services with the pods their selectors match, and the ownership trees
// (Deployment -> ReplicaSets -> Pods, StatefulSet, DaemonSet, CronJob -> Jobs -> Pods).

import { groupOf } from "../objects.js";

export const OWNER_KINDS = [
  ["apps", "Deployment"], ["apps", "StatefulSet"], ["apps", "DaemonSet"], ["batch", "CronJob"],
  ["batch", "Job"], ["apps", "ReplicaSet"], ["", "ReplicationController"],
];
const REVISION = "deployment.kubernetes.io/revision";

export function fullName(object) {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export function byName(a, b) {
  return fullName(a).localeCompare(fullName(b), undefined, { numeric: true });
}

export function selects(selector, labels) {
  const wanted = Object.entries(selector || {});
  return wanted.length > 0 && wanted.every(([key, value]) => (labels || {})[key] === value);
}

function controllerOf(object) {
  return (object.metadata.ownerReferences || []).find((ref) => ref.controller) || null;
}

function inNamespace(namespace) {
  return (object) => !namespace || object.metadata.namespace === namespace;
}

export function derive(view, namespace) {
  const shown = inNamespace(namespace);
  const nodes = view.ofKind("Node").sort(byName);
  const pods = view.ofKind("Pod").filter(shown).sort(byName);
  const onNode = new Map(nodes.map((node) => [node.metadata.name, []]));
  const unscheduled = [];
  for (const pod of pods) {
    const list = onNode.get(pod.spec?.nodeName);
    if (list) list.push(pod);
    else unscheduled.push(pod);
  }
  const services = view.ofKind("Service").filter(shown).sort(byName);
  const edges = serviceEdges(services, pods);
  const owners = ownerTrees(view, shown);
  const namespaces = view.ofKind("Namespace").map((ns) => ns.metadata.name).sort();
  const claims = view.ofKind("PersistentVolumeClaim").filter(shown);
  return { nodes, pods, onNode, unscheduled, services, edges, owners, namespaces, claims };
}

// One edge per (Service, matching pod); `excluded` when the pod is not Ready (no endpoint).
function serviceEdges(services, pods) {
  const edges = [];
  for (const service of services) {
    const selector = service.spec?.selector;
    for (const pod of pods) {
      if (pod.metadata.namespace !== service.metadata.namespace || !selects(selector, pod.metadata.labels)) continue;
      const rps = Number(pod.metadata.annotations?.["kubelab.io/rps"] || 0);
      edges.push({ key: `${service.metadata.uid}>${pod.metadata.uid}`, service, pod, excluded: !pod.display?.isReady,
        rps: service.metadata.annotations?.["kubelab.io/load-rps"] ? rps : 0 });
    }
  }
  return edges;
}

// Top-level owners (nothing controls them) with their children, newest revision last.
function ownerTrees(view, shown) {
  const all = OWNER_KINDS.flatMap(([group, kind]) => view.ofKind(kind, group)).filter(shown);
  const byUid = new Map(all.map((object) => [object.metadata.uid, { object, children: [] }]));
  const roots = [];
  for (const entry of byUid.values()) {
    const owner = controllerOf(entry.object);
    const parent = owner && byUid.get(owner.uid);
    if (parent) parent.children.push(entry);
    else roots.push(entry);
  }
  for (const entry of byUid.values()) entry.children.sort(byRevision);
  return roots.sort((a, b) => byName(a.object, b.object));
}

export function revisionOf(object) {
  return Number(object.metadata.annotations?.[REVISION] || 0);
}

function byRevision(a, b) {
  return revisionOf(a.object) - revisionOf(b.object) || byName(a.object, b.object);
}

// Which owner a pod belongs to (its controller's uid), to tint it and to highlight it.
export function ownerUid(pod) {
  return controllerOf(pod)?.uid || "";
}

export function kindLabel(object) {
  const group = groupOf(object);
  return group ? `${object.kind}` : object.kind;
}
