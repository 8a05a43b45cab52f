// A node as a box: its name and Ready state, cordon and taints, bars for cpu and memory
// (requested by its pods, and used when metrics run, against allocatable), and when it is
// dying, the countdown to its pods' eviction. Pods are drawn inside by the diagram.

import { setText, svg, update } from "../dom.js";
import { t } from "../i18n.js";
import { NODE, COLLAPSE_AT } from "./layout.js";

const BAR = { x: 10, width: NODE.width - 20, height: 7 };
// Pods tolerate an unreachable or not-ready node this long by default (DefaultTolerationSeconds).
const DEFAULT_TOLERATION = 300;
const EVICTING_TAINTS = ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"];

export function createNode() {
  return svg("g", { class: "node" },
    svg("rect", { class: "node-box", rx: 10, width: NODE.width }),
    svg("text", { class: "node-name", x: 12, y: 22 }),
    svg("g", { class: "badge" }, svg("rect", { rx: 9, height: 18, y: 8 }), svg("text", { y: 21 })),
    svg("text", { class: "node-taints", x: 12, y: 40 }),
    bar("cpu", 56), bar("memory", 76),
    svg("text", { class: "countdown", x: NODE.width - 12, y: 40, "text-anchor": "end" }),
    svg("g", { class: "pods" }),
    svg("g", { class: "pod-counts", transform: `translate(${NODE.pad} ${NODE.head})` }));
}

function bar(resource, y) {
  return svg("g", { class: `bar bar-${resource}`, transform: `translate(${BAR.x} ${y})` },
    svg("rect", { class: "bar-track", width: BAR.width, height: BAR.height, rx: 3 }),
    svg("rect", { class: "bar-requested", height: BAR.height, rx: 3, width: 0 }),
    svg("rect", { class: "bar-used", height: BAR.height, rx: 3, width: 0 }),
    svg("text", { class: "bar-label", x: BAR.width, y: -2, "text-anchor": "end" }));
}

export function drawNode(group, node, pods, height) {
  const status = node.display?.status || "Unknown";
  group.dataset.node = node.metadata.name;
  group.dataset.uid = node.metadata.uid;
  group.dataset.state = status.startsWith("Ready") ? "ready" : "down";
  group.dataset.cordoned = String(Boolean(node.spec?.unschedulable));
  const [box, name, badge, taints, cpu, memory] = group.children;
  update(box, { height });
  setText(name, node.metadata.name);
  drawBadge(badge, status);
  const dying = evictionAt(node, pods) !== null;
  setText(taints, taintText(node, NODE.width - (dying ? 170 : 24)));
  const requested = sum(pods, "requests");
  const used = pods.some((pod) => pod.display?.usage) ? sum(pods, "usage") : {};
  drawBar(cpu, t("cpu"), requested.cpu, used.cpu, node.display?.allocatable?.cpu, formatCpu);
  drawBar(memory, t("memory"), requested.memory, used.memory, node.display?.allocatable?.memory, formatMemory);
  drawCounts(group.querySelector(".pod-counts"), pods);
}

function drawBadge(badge, status) {
  const [rect, text] = badge.children;
  setText(text, status);
  const width = status.length * 6.6 + 16;
  update(rect, { width, x: NODE.width - 12 - width });
  update(text, { x: NODE.width - 12 - width / 2, "text-anchor": "middle" });
}

// The taints, cut to the room left beside the countdown (the full list is in the inspector).
function taintText(node, room) {
  const taints = node.spec?.taints || [];
  const text = taints.map((taint) => `${taint.key}${taint.value ? `=${taint.value}` : ""}:${taint.effect}`).join("  ");
  const fits = Math.floor(room / 6);
  return text.length > fits ? `${text.slice(0, fits - 1)}…` : text;
}

function sum(pods, field) {
  const total = { cpu: 0, memory: 0 };
  for (const pod of pods) {
    if (["Succeeded", "Failed"].includes(pod.status?.phase)) continue;
    total.cpu += pod.display?.[field]?.cpu || 0;
    total.memory += pod.display?.[field]?.memory || 0;
  }
  return total;
}

function drawBar(group, title, requested, used, allocatable, format) {
  const [, requestedRect, usedRect, label] = group.children;
  const scale = allocatable ? BAR.width / allocatable : 0;
  update(requestedRect, { width: Math.min(BAR.width, requested * scale) });
  update(usedRect, { width: Math.min(BAR.width, (used || 0) * scale) });
  const share = allocatable ? Math.round((100 * requested) / allocatable) : 0;
  const usedText = used === undefined ? "" : ` · ${t("used")} ${format(used)}`;
  setText(label, `${title} ${format(requested)} / ${allocatable ? format(allocatable) : "?"} (${share}%)${usedText}`);
  group.dataset.full = String(share >= 90);
}

export function formatCpu(millicores) {
  return millicores >= 1000 && millicores % 100 === 0 ? `${millicores / 1000}` : `${millicores}m`;
}

export function formatMemory(bytes) {
  if (bytes >= 2 ** 30) return `${Number((bytes / 2 ** 30).toFixed(1))}Gi`;
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}

// Above COLLAPSE_AT pods, a node lists how many pods it has in each status.
function drawCounts(holder, pods) {
  const counts = new Map();
  if (pods.length > COLLAPSE_AT) {
    for (const pod of pods) {
      const status = pod.display?.status || "Pending";
      counts.set(status, (counts.get(status) || 0) + 1);
    }
  }
  const key = JSON.stringify([...counts]);
  if (holder.dataset.key === key) return;
  holder.dataset.key = key;
  holder.replaceChildren(...[...counts].map(([status, count], index) =>
    svg("text", { class: "pod-count", x: 4, y: 16 + index * 16, data: { status } },
      t("podsInStatus", { n: count, status }))));
}

// Seconds until the node lifecycle controller evicts this node's pods, or null.
export function evictionAt(node, pods) {
  const taint = (node.spec?.taints || []).find((tt) => EVICTING_TAINTS.includes(tt.key) && tt.effect === "NoExecute");
  if (!taint?.timeAdded) return null;
  const tolerations = pods.flatMap((pod) => pod.spec?.tolerations || [])
    .filter((tt) => tt.key === taint.key && tt.tolerationSeconds !== undefined).map((tt) => tt.tolerationSeconds);
  const seconds = tolerations.length ? Math.min(...tolerations) : DEFAULT_TOLERATION;
  return Date.parse(taint.timeAdded) + seconds * 1000;
}

export function drawCountdown(group, at, now) {
  const text = group.querySelector(".countdown");
  if (at === null || at === undefined) {
    setText(text, "");
    return;
  }
  const left = Math.round((at - now) / 1000);
  if (left <= 0) {
    setText(text, t("evicting"));
    return;
  }
  setText(text, t("evictionIn", { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` }));
}
