// Ownership: each top-level owner (Deployment, StatefulSet, DaemonSet, CronJob, a bare
// ReplicaSet or Job) as a box, with what it owns inside, oldest revision first, so that a
// rolling update shows the old and the new ReplicaSet side by side, and a rollback shows
// which one grows again. Each owner has a tint that its pods' cards share.

import { setText, svg, update } from "../dom.js";
import { t } from "../i18n.js";
import { OWNER } from "./layout.js";
import { revisionOf } from "./model.js";

// A stable colour per owner uid, so a ReplicaSet and its pods match.
export function tint(uid) {
  let hash = 0;
  for (const char of uid) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 62% 52%)`;
}

export function createOwner() {
  return svg("g", { class: "owner", tabindex: "0" },
    svg("rect", { class: "owner-box", rx: 9 }),
    svg("text", { class: "owner-title", x: 10, y: 16 }),
    svg("text", { class: "owner-replicas", x: 10, y: 32 }),
    svg("g", { class: "owned" }));
}

function replicasText(object) {
  const spec = object.spec || {};
  const status = object.status || {};
  switch (object.kind) {
    case "Deployment":
      return t("deploymentReplicas", { ready: status.readyReplicas || 0, want: spec.replicas ?? 1,
        updated: status.updatedReplicas || 0 });
    case "DaemonSet":
      return `${status.numberReady || 0}/${status.desiredNumberScheduled || 0}`;
    case "Job":
      return t("jobCompletions", { done: status.succeeded || 0, want: spec.completions ?? 1 });
    case "CronJob":
      return spec.suspend ? t("suspended") : spec.schedule || "";
    default:
      return `${status.readyReplicas || 0}/${spec.replicas ?? 1}`;
  }
}

function leafTitle(object) {
  const revision = revisionOf(object);
  return revision ? `${object.metadata.name} · rev ${revision}` : object.metadata.name;
}

export function drawOwner(group, entry, place, currentUid) {
  const { object, children } = entry;
  group.dataset.uid = object.metadata.uid;
  group.dataset.owner = `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
  const [box, title, replicas, owned] = group.children;
  update(box, { width: place.width, height: place.height, stroke: children.length ? "" : tint(object.metadata.uid) });
  setText(title, shorten(children.length ? `${object.kind} ${object.metadata.name}` : `${object.kind} ${leafTitle(object)}`,
    place.width));
  setText(replicas, replicasText(object));
  const key = JSON.stringify(children.map((c) => [c.object.metadata.uid, c.object.metadata.resourceVersion]));
  if (owned.dataset.key === key) return;
  owned.dataset.key = key;
  owned.replaceChildren(...children.map((child, index) => leaf(child.object, index, currentUid)));
}

function leaf(object, index, currentUid) {
  const x = OWNER.pad + index * (OWNER.width + OWNER.gap);
  const wanted = object.spec?.replicas ?? 0;
  const faded = object.kind === "ReplicaSet" && wanted === 0;
  return svg("g", { class: "owned-item", transform: `translate(${x} ${OWNER.head + OWNER.pad})`,
    data: { uid: object.metadata.uid, faded: String(faded), current: String(object.metadata.uid === currentUid) } },
    svg("rect", { width: OWNER.width, height: OWNER.height, rx: 7, stroke: tint(object.metadata.uid) }),
    svg("text", { class: "owner-title", x: 8, y: 17 }, shorten(leafTitle(object), OWNER.width)),
    svg("text", { class: "owner-replicas", x: 8, y: 35 }, replicasText(object)));
}

function shorten(text, width) {
  const fits = Math.floor((width - 16) / 6.2);
  return text.length > fits ? `${text.slice(0, fits - 1)}…` : text;
}
