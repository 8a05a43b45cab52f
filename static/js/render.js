// Drawing the sandbox: nodes as boxes with their pods inside, and the pods no node has taken yet.
// Everything Kubernetes-specific that is computed (a pod's STATUS column, a node's Ready state,
// the scheduler's reason) arrives precomputed in each object's `display` entry.

import { el } from "./dom.js";

const SIZE_CPU = "kubelab.io/cpu";
const SIZE_MEMORY = "kubelab.io/memory";
const SIZE_PODS = "kubelab.io/pods";
const BINARY_UNITS = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

// The colour family of a STATUS text, for the stylesheet.
function tone(status) {
  if (status === "Running" || status === "Ready") return "ok";
  if (status === "Succeeded" || status === "Completed") return "done";
  if (status === "Terminating") return "terminating";
  if (status === "Pending" || status === "ContainerCreating" || status.startsWith("Init:")) return "waiting";
  return "bad";
}

function fullName(object) {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

function byName(a, b) {
  return fullName(a).localeCompare(fullName(b));
}

function formatMemory(quantity) {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity || "");
  if (!match) return quantity || "?";
  const gibibytes = (Number(match[1]) * (BINARY_UNITS[match[2]] || 1)) / 2 ** 30;
  return `${Number(gibibytes.toFixed(1))} GiB`;
}

function labelChips(labels) {
  const entries = Object.entries(labels || {});
  if (!entries.length) return null;
  return el("ul", { class: "chips" }, entries.map(([key, value]) => el("li", { class: "chip" }, `${key}=${value}`)));
}

function podItem(pod, note = "") {
  const status = pod.display?.status || pod.status?.phase || "Pending";
  const name = pod.metadata.namespace === "default" ? pod.metadata.name : fullName(pod);
  return el("li", { class: "pod", data: { pod: fullName(pod), tone: tone(status) } },
    el("div", { class: "pod-head" }, el("span", { class: "pod-name" }, name),
      el("span", { class: "pod-status" }, status)),
    labelChips(pod.metadata.labels),
    note ? el("p", { class: "reason" }, note) : null);
}

// Why a pod sits outside every node: the scheduler's message, or a node that does not exist.
function waitingNote(pod, text) {
  if (pod.display?.message) return pod.display.message;
  return pod.spec?.nodeName ? text.missingNode.replace("%s", pod.spec.nodeName) : "";
}

function capacity(node, podCount, text) {
  const allocatable = node.status?.allocatable;
  const size = node.metadata.annotations || {};
  const cpu = allocatable?.cpu ?? size[SIZE_CPU];
  const memory = allocatable?.memory ?? size[SIZE_MEMORY];
  const pods = allocatable?.pods ?? size[SIZE_PODS];
  return el("p", { class: "capacity", title: allocatable ? text.allocatable : text.machineSize },
    el("span", {}, `${text.cpu} ${cpu ?? "?"}`), el("span", {}, `${text.memory} ${formatMemory(memory)}`),
    el("span", {}, `${text.pods} ${podCount}/${pods ?? "?"}`));
}

function nodeBox(node, pods, text) {
  const status = node.display?.status || "Unknown";
  return el("article", { class: "node", data: { node: node.metadata.name, tone: tone(status.split(",")[0]) } },
    el("header", { class: "node-head" },
      el("h3", {}, node.metadata.name), el("span", { class: "badge" }, status)),
    capacity(node, pods.length, text),
    pods.length ? el("ul", { class: "pod-list" }, pods.map((pod) => podItem(pod)))
      : el("p", { class: "empty" }, text.noPods));
}

export function render(view, places, text) {
  const nodes = view.ofKind("Node").sort(byName);
  const placed = new Map(nodes.map((node) => [node.metadata.name, []]));
  const waiting = [];
  for (const pod of view.ofKind("Pod").sort(byName)) {
    const onNode = placed.get(pod.spec?.nodeName);
    if (onNode) onNode.push(pod);
    else waiting.push(pod);
  }
  places.nodes.replaceChildren(...nodes.map((node) => nodeBox(node, placed.get(node.metadata.name), text)));
  if (!nodes.length) places.nodes.replaceChildren(el("p", { class: "empty" }, text.noNodes));
  places.unscheduled.replaceChildren(...waiting.map((pod) => podItem(pod, waitingNote(pod, text))));
  places.unscheduledEmpty.hidden = waiting.length > 0;
}
