// Where everything goes. The diagram is laid out from the top: the workloads band
// (owners), the Services band, the pods waiting for a node, then the nodes in a grid, each
// with its pods inside. Pure arithmetic on counts and sizes; the renderers only place.

export const POD = { width: 156, height: 80, gap: 8 };
export const NODE = { width: 2 * 156 + 8 + 20, head: 94, pad: 10, gap: 18 };
export const SERVICE = { width: 230, height: 82, gap: 14 };
export const OWNER = { width: 160, height: 46, gap: 10, pad: 8, head: 36 };
export const WAITING = { width: 250, height: 146 };
export const BAND_GAP = 28;
export const TITLE = 22;
// Above this many pods on one node, the node shows counts per status instead of pod cards.
export const COLLAPSE_AT = 24;

function rows(count, perRow) {
  return Math.ceil(count / perRow);
}

export function nodeHeight(podCount) {
  const collapsed = podCount > COLLAPSE_AT;
  const body = collapsed ? 90 : Math.max(1, rows(podCount, 2)) * (POD.height + POD.gap);
  return NODE.head + body + NODE.pad;
}

// Boxes in rows that wrap at `width`; returns positions and the height used.
function flow(sizes, width, gap, top) {
  const places = [];
  let x = 0;
  let y = top;
  let rowHeight = 0;
  for (const size of sizes) {
    if (x > 0 && x + size.width > width) {
      x = 0;
      y += rowHeight + gap;
      rowHeight = 0;
    }
    places.push({ x, y, width: size.width, height: size.height });
    x += size.width + gap;
    rowHeight = Math.max(rowHeight, size.height);
  }
  return { places, bottom: sizes.length ? y + rowHeight : top };
}

function ownerSize(entry) {
  const children = entry.children.length;
  if (!children) return { width: OWNER.width, height: OWNER.height };
  const inner = children * (OWNER.width + OWNER.gap) - OWNER.gap;
  return { width: inner + 2 * OWNER.pad, height: OWNER.head + OWNER.height + 2 * OWNER.pad };
}

export function layout(model, width) {
  const usable = Math.max(width, NODE.width);
  let top = 0;
  const bands = {};
  const owners = flow(model.owners.map(ownerSize), usable, OWNER.gap, top + TITLE);
  bands.owners = { y: top, shown: model.owners.length > 0 };
  if (bands.owners.shown) top = owners.bottom + BAND_GAP;
  const services = flow(model.services.map(() => SERVICE), usable, SERVICE.gap, top + TITLE);
  bands.services = { y: top, shown: model.services.length > 0 };
  if (bands.services.shown) top = services.bottom + BAND_GAP;
  const waiting = flow(model.unscheduled.map(() => WAITING), usable, POD.gap, top + TITLE);
  bands.unscheduled = { y: top, shown: model.unscheduled.length > 0 };
  if (bands.unscheduled.shown) top = waiting.bottom + BAND_GAP;
  const sizes = model.nodes.map((node) => ({ width: NODE.width,
    height: nodeHeight(model.onNode.get(node.metadata.name).length) }));
  const nodes = flow(sizes, usable, NODE.gap, top + TITLE);
  bands.nodes = { y: top, shown: true };
  return { owners: owners.places, services: services.places, unscheduled: waiting.places, nodes: nodes.places,
    bands, height: nodes.bottom + 20, width: usable };
}

// A pod's place inside its node box (two columns).
export function podInNode(nodePlace, index) {
  return { x: nodePlace.x + NODE.pad + (index % 2) * (POD.width + POD.gap),
    y: nodePlace.y + NODE.head + Math.floor(index / 2) * (POD.height + POD.gap) };
}
