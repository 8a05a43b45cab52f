// Edges from each Service to the pods its selector matches: solid to a Ready pod (an
// endpoint), dashed to one that is not (excluded). With traffic, each edge is labelled
// with the requests per second its pod receives, and its width follows the rate.

import { svg, update, setText } from "../dom.js";

export function createEdge() {
  return svg("g", { class: "edge" }, svg("path"), svg("text", { class: "edge-rps" }));
}

export function drawEdge(group, edge, from, to) {
  group.dataset.service = edge.service.metadata.uid;
  group.dataset.pod = edge.pod.metadata.uid;
  group.dataset.excluded = String(edge.excluded);
  group.dataset.busy = String(edge.rps > 0);
  const [path, label] = group.children;
  const middle = (from.y + to.y) / 2;
  update(path, { d: `M${from.x},${from.y} C${from.x},${middle} ${to.x},${middle} ${to.x},${to.y}`,
    "stroke-width": edge.rps > 0 ? Math.min(1.5 + Math.log2(1 + edge.rps), 7) : 1.5 });
  update(label, { x: to.x + 4, y: to.y - 6 });
  setText(label, edge.rps > 0 ? `${Math.round(edge.rps * 10) / 10} rps` : "");
}

export { svg };
