// A pod as a card: name, STATUS (coloured by its tone), readiness and restarts, its claims,
// and its labels as chips. Cards are made once per uid and updated in place.

import { setText, svg, update } from "../dom.js";
import { t } from "../i18n.js";
import { POD, WAITING } from "./layout.js";

const CHAR = 5.5; // width of one character of the chips' monospace font, in px
const CHIP_ROWS = 2;

// The colour family of a STATUS text (the legend lists them).
export function tone(status, ready) {
  if (status === "Running") return ready ? "ok" : "unready";
  if (status === "Succeeded" || status === "Completed") return "done";
  if (status === "Terminating") return "terminating";
  if (["Pending", "ContainerCreating", "PodInitializing"].includes(status) || status.startsWith("Init:")) {
    return "waiting";
  }
  return "bad";
}

function statusOf(pod) {
  return pod.display?.status || pod.status?.phase || "Pending";
}

function shorten(text, room) {
  const fits = Math.floor(room / 6.4);
  return text.length > fits ? `${text.slice(0, fits - 1)}…` : text;
}

function claimsOf(pod) {
  return (pod.spec?.volumes || []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim.claimName);
}

export function createPod(pod) {
  const group = svg("g", { class: "pod entering", tabindex: "0" },
    svg("title"),
    svg("rect", { class: "pod-box", rx: 7, width: POD.width, height: POD.height }),
    svg("rect", { class: "pod-stripe", x: 0, y: 6, width: 4, height: POD.height - 12, rx: 2 }),
    svg("text", { class: "pod-name", x: 10, y: 16 }),
    svg("text", { class: "pod-status", x: 10, y: 31 }),
    svg("text", { class: "pod-meta", x: 10, y: 45 }),
    svg("g", { class: "chips", transform: "translate(8 52)" }),
    svg("g", { class: "reason-box" }));
  group.addEventListener("animationend", () => group.classList.remove("entering"), { once: true });
  return group;
}

// Fill the card from `pod`; `note` is the scheduler's reason (waiting pods only).
export function drawPod(group, pod, { ownerTint = "", note = "" } = {}) {
  const status = statusOf(pod);
  const width = note ? WAITING.width : POD.width;
  const height = note ? WAITING.height : POD.height;
  const name = pod.metadata.namespace === "default" ? pod.metadata.name : `${pod.metadata.namespace}/${pod.metadata.name}`;
  group.dataset.pod = `${pod.metadata.namespace}/${pod.metadata.name}`;
  group.dataset.uid = pod.metadata.uid;
  group.dataset.tone = tone(status, pod.display?.isReady);
  const [title, box, stripe, nameText, statusText, meta, chips, reasonBox] = group.children;
  setText(title, `${name} — ${status}`);
  update(box, { width, height });
  update(stripe, { height: height - 12, fill: ownerTint || "transparent" });
  setText(nameText, shorten(name, width - 16));
  setText(statusText, status);
  statusText.setAttribute("class", "pod-status");
  setText(meta, metaLine(pod));
  drawChips(chips, pod.metadata.labels || {}, width - 16);
  drawReason(reasonBox, note, width);
  return group;
}

function metaLine(pod) {
  const claims = claimsOf(pod);
  const parts = [t("readyCount", { n: pod.display?.ready || "0/0" }), t("restartCount", { n: pod.display?.restarts ?? 0 })];
  if (claims.length) parts.push(`⛁ ${claims.join(", ")}`);
  return parts.join(" · ");
}

function drawChips(holder, labels, room) {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  const key = JSON.stringify(entries);
  if (holder.dataset.key === key) return;
  holder.dataset.key = key;
  holder.replaceChildren();
  let x = 0;
  let row = 0;
  let shown = 0;
  for (const [name, value] of entries) {
    const text = `${name}=${value}`;
    const width = Math.min(text.length * CHAR + 10, room);
    if (x > 0 && x + width > room) {
      row += 1;
      x = 0;
    }
    if (row >= CHIP_ROWS) break;
    holder.append(chip(text, x, row * 13, width, name, value));
    x += width + 4;
    shown += 1;
  }
  if (shown < entries.length) {
    holder.append(svg("text", { class: "chip-more", x: room - 14, y: 9 + (CHIP_ROWS - 1) * 13 }, `+${entries.length - shown}`));
  }
}

function chip(text, x, y, width, key, value) {
  return svg("g", { class: "chip", transform: `translate(${x} ${y})`, data: { key, value } },
    svg("rect", { width, height: 12, rx: 6 }),
    svg("text", { x: 5, y: 9, textLength: text.length * CHAR > width - 10 ? width - 10 : undefined,
      lengthAdjust: "spacingAndGlyphs" }, text));
}

// The scheduler's message, wrapped in lines; the tspans keep their spaces so the element's
// text is the message exactly.
function drawReason(holder, note, width) {
  if (holder.dataset.note === note) return;
  holder.dataset.note = note;
  holder.replaceChildren();
  if (!note) return;
  const text = svg("text", { class: "reason", x: 10, y: 92 });
  const perLine = Math.floor((width - 20) / 5.6);
  let line = "";
  let index = 0;
  for (const word of note.split(/(?<= )/)) {
    if (line && (line + word).length > perLine) {
      text.append(svg("tspan", { x: 10, dy: index ? 12 : 0 }, line));
      line = "";
      index += 1;
    }
    line += word;
  }
  if (line) text.append(svg("tspan", { x: 10, dy: index ? 12 : 0 }, line));
  holder.append(text);
}
