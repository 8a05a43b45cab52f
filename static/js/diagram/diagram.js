// The live diagram: one SVG, redrawn incrementally. Elements are kept in maps keyed by uid
// and only what changed is touched; pods keep their element when they move (between phases,
// from "waiting" into a node, or to another node), so the move animates.

import { svg } from "../dom.js";
import { t } from "../i18n.js";
import { createEdge, drawEdge } from "./edges.js";
import { layout, podInNode, POD, NODE, SERVICE, COLLAPSE_AT, TITLE } from "./layout.js";
import { derive, ownerUid, selects } from "./model.js";
import { createNode, drawCountdown, drawNode, evictionAt } from "./nodes.js";
import { createOwner, drawOwner, tint } from "./owners.js";
import { createPod, drawPod } from "./pods.js";
import { createService, drawService } from "./services.js";

const LEAVE_MS = 450;

function place(element, x, y) {
  const transform = `translate(${x}px, ${y}px)`;
  if (element.style.transform !== transform) element.style.transform = transform;
}

export class Diagram {
  constructor(root, onSelect) {
    this.root = root;
    this.namespace = "";
    this.layers = {};
    for (const name of ["bands", "owners", "edges", "services", "nodes", "unscheduled"]) {
      this.layers[name] = root.appendChild(svg("g", { class: `layer layer-${name}`, id: name === "unscheduled" ? "unscheduled" : undefined }));
    }
    this.elements = { owners: new Map(), services: new Map(), nodes: new Map(), pods: new Map(), edges: new Map() };
    this.titles = new Map();
    this.evictions = new Map();
    this.objects = new Map();
    // The width is read when the panel resizes, never while drawing: reading it then would
    // force the browser to lay out the whole SVG in the middle of our changes.
    this.width = root.parentElement.clientWidth - 4;
    this.onResize = () => {};
    new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width - 4);
      if (width === this.width) return;
      this.width = width;
      this.onResize();
    }).observe(root.parentElement);
    root.addEventListener("click", (event) => this.clicked(event, onSelect));
    root.addEventListener("keydown", (event) => { if (event.key === "Enter") this.clicked(event, onSelect); });
    root.addEventListener("mouseover", (event) => this.hover(event));
    root.addEventListener("mouseout", () => this.clearHighlight());
  }

  render(view) {
    this.objects = view.objects;
    const model = derive(view, this.namespace);
    const lay = layout(model, this.width);
    this.root.setAttribute("viewBox", `0 0 ${lay.width} ${lay.height}`);
    this.root.setAttribute("width", lay.width);
    this.root.setAttribute("height", lay.height);
    this.drawBands(model, lay);
    const currentRs = this.currentReplicaSets(model);
    this.sync("owners", model.owners.map((entry, i) => [entry.object.metadata.uid, entry, lay.owners[i]]),
      createOwner, (el, entry, at) => { place(el, at.x, at.y); drawOwner(el, entry, at, currentRs.get(entry.object.metadata.uid)); },
      this.layers.owners);
    const servicePlaces = new Map();
    this.sync("services", model.services.map((s, i) => [s.metadata.uid, s, lay.services[i]]), createService,
      (el, service, at) => {
        place(el, at.x, at.y);
        servicePlaces.set(service.metadata.uid, at);
        drawService(el, service, model.edges.filter((e) => e.service === service).length);
      }, this.layers.services);
    const podPlaces = this.drawNodes(model, lay);
    this.drawWaiting(model, lay, podPlaces);
    this.removeGonePods(podPlaces);
    this.drawEdges(model, servicePlaces, podPlaces);
    return model;
  }

  // Create, update and remove the elements of one layer from [key, item, place] triples.
  sync(name, entries, create, draw, layer) {
    const elements = this.elements[name];
    const seen = new Set();
    for (const [key, item, at] of entries) {
      let element = elements.get(key);
      if (!element) {
        element = create();
        elements.set(key, element);
        layer.append(element);
      }
      draw(element, item, at);
      seen.add(key);
    }
    for (const [key, element] of elements) {
      if (!seen.has(key)) {
        element.remove();
        elements.delete(key);
      }
    }
  }

  drawBands(model, lay) {
    const bands = [["owners", t("workloads")], ["services", t("services")],
      ["unscheduled", t("waiting")], ["nodes", t("nodes")]];
    for (const [name, title] of bands) {
      let text = this.titles.get(name);
      if (!text) {
        text = this.layers.bands.appendChild(svg("text", { class: "band-title", x: 0 }));
        this.titles.set(name, text);
      }
      const band = lay.bands[name];
      text.style.display = band.shown ? "" : "none";
      text.setAttribute("y", band.y + 14);
      const count = name === "nodes" ? model.nodes.length : name === "unscheduled" ? model.unscheduled.length : "";
      text.textContent = count === "" ? title : `${title} (${count})`;
    }
  }

  // The ReplicaSet whose template is the Deployment's current one, to mark it "new".
  currentReplicaSets(model) {
    const current = new Map();
    for (const entry of model.owners) {
      if (entry.object.kind !== "Deployment" || !entry.children.length) continue;
      current.set(entry.object.metadata.uid, entry.children[entry.children.length - 1].object.metadata.uid);
    }
    return current;
  }

  drawNodes(model, lay) {
    const podPlaces = new Map();
    this.evictions.clear();
    this.sync("nodes", model.nodes.map((n, i) => [n.metadata.uid, n, lay.nodes[i]]), createNode,
      (element, node, at) => {
        place(element, at.x, at.y);
        const pods = model.onNode.get(node.metadata.name);
        drawNode(element, node, pods, at.height);
        this.evictions.set(element, evictionAt(node, pods));
        const holder = element.querySelector(".pods");
        pods.forEach((pod, index) => {
          const spot = podInNode(at, index);
          podPlaces.set(pod.metadata.uid, { x: spot.x, y: spot.y, width: POD.width, collapsed: pods.length > COLLAPSE_AT,
            node: at });
          if (pods.length <= COLLAPSE_AT) this.placePod(pod, holder, at, spot.x - at.x, spot.y - at.y, "");
        });
      }, this.layers.nodes);
    return podPlaces;
  }

  drawWaiting(model, lay, podPlaces) {
    model.unscheduled.forEach((pod, index) => {
      const at = lay.unscheduled[index];
      podPlaces.set(pod.metadata.uid, { x: at.x, y: at.y, width: at.width });
      const note = pod.display?.message || (pod.spec?.nodeName ? t("missingNode", { node: pod.spec.nodeName }) : t("notScheduledYet"));
      this.placePod(pod, this.layers.unscheduled, { x: 0, y: 0 }, at.x, at.y, note);
    });
  }

  // Put a pod's card at (x, y) inside `parent` (whose own origin is `origin`), animating from
  // wherever it was drawn before, even inside another node (FLIP: first, last, invert, play).
  placePod(pod, parent, origin, x, y, note) {
    const uid = pod.metadata.uid;
    let element = this.elements.pods.get(uid);
    if (!element) {
      element = createPod(pod);
      this.elements.pods.set(uid, element);
      place(element, x, y);
      parent.append(element);
    } else if (element.parentNode !== parent) {
      const before = element.getBoundingClientRect();
      parent.append(element);
      element.style.transition = "none";
      place(element, x, y);
      const after = element.getBoundingClientRect();
      const scale = this.scale();
      place(element, x + (before.left - after.left) / scale, y + (before.top - after.top) / scale);
      element.getBoundingClientRect(); // commit the inverted position before animating from it
      element.style.transition = "";
    }
    place(element, x, y);
    element.dataset.owner = ownerUid(pod);
    const version = `${pod.metadata.resourceVersion}|${note}`;
    if (element.dataset.version !== version) {
      drawPod(element, pod, { ownerTint: element.dataset.owner ? tint(element.dataset.owner) : "", note });
      element.dataset.version = version;
    }
  }

  scale() {
    const box = this.root.viewBox.baseVal;
    return box && box.width ? this.root.getBoundingClientRect().width / box.width : 1;
  }

  removeGonePods(podPlaces) {
    for (const [uid, element] of this.elements.pods) {
      const spot = podPlaces.get(uid);
      if (spot && !spot.collapsed) continue;
      this.elements.pods.delete(uid);
      element.classList.add("leaving");
      window.setTimeout(() => element.remove(), LEAVE_MS);
    }
  }

  drawEdges(model, servicePlaces, podPlaces) {
    const entries = [];
    for (const edge of model.edges) {
      const from = servicePlaces.get(edge.service.metadata.uid);
      const to = podPlaces.get(edge.pod.metadata.uid);
      if (!from || !to) continue;
      const target = to.collapsed ? { x: to.node.x + NODE.width / 2, y: to.node.y } : { x: to.x + to.width / 2, y: to.y };
      entries.push([edge.key, edge, { from: { x: from.x + SERVICE.width / 2, y: from.y + SERVICE.height }, to: target }]);
    }
    this.sync("edges", entries, createEdge, (element, edge, at) => drawEdge(element, edge, at.from, at.to),
      this.layers.edges);
  }

  // Each second: eviction countdowns follow the sandbox clock.
  tick(now) {
    for (const [element, at] of this.evictions) drawCountdown(element, at, now);
  }

  // --- interaction -----------------------------------------------------------------------

  clicked(event, onSelect) {
    const target = event.target.closest("[data-uid]");
    if (!target || !this.root.contains(target)) return;
    const object = this.objects.get(target.dataset.uid);
    if (object) onSelect(object);
  }

  hover(event) {
    const chip = event.target.closest(".selector-chip, .chip");
    const owner = event.target.closest(".owner, .owned-item");
    const service = event.target.closest(".service");
    if (chip?.classList.contains("selector-chip")) this.highlightSelector(JSON.parse(chip.dataset.selector), chip.closest(".service"));
    else if (chip) this.highlightSelector({ [chip.dataset.key]: chip.dataset.value }, null);
    else if (owner) this.highlightOwner(owner.dataset.uid);
    else if (service) this.highlightService(service.dataset.uid);
  }

  highlightSelector(selector, serviceElement) {
    this.root.classList.add("dimmed");
    for (const [uid, element] of this.elements.pods) {
      const pod = this.objects.get(uid);
      const namespace = serviceElement ? this.objects.get(serviceElement.dataset.uid)?.metadata.namespace : null;
      const matches = pod && (!namespace || pod.metadata.namespace === namespace) && selects(selector, pod.metadata.labels);
      element.classList.toggle("highlight", Boolean(matches));
    }
  }

  highlightOwner(uid) {
    const owned = new Set([uid]);
    for (const object of this.objects.values()) {
      if ((object.metadata.ownerReferences || []).some((ref) => owned.has(ref.uid))) owned.add(object.metadata.uid);
    }
    this.root.classList.add("dimmed");
    for (const [podUid, element] of this.elements.pods) {
      const pod = this.objects.get(podUid);
      element.classList.toggle("highlight", Boolean(pod && (pod.metadata.ownerReferences || []).some((r) => owned.has(r.uid))));
    }
  }

  highlightService(uid) {
    this.root.classList.add("dimmed");
    for (const element of this.elements.edges.values()) element.classList.toggle("highlight", element.dataset.service === uid);
    for (const element of this.elements.pods.values()) element.classList.remove("highlight");
  }

  clearHighlight() {
    this.root.classList.remove("dimmed");
    for (const element of this.root.querySelectorAll(".highlight")) element.classList.remove("highlight");
  }
}
