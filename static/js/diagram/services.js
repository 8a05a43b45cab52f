// A Service as a box: its name, type, ClusterIP and ports, its selector as chips (hovering a
// chip highlights the pods it matches, anywhere), and the load when traffic runs.

import { setText, svg, update } from "../dom.js";
import { t } from "../i18n.js";
import { SERVICE } from "./layout.js";

export function createService() {
  return svg("g", { class: "service", tabindex: "0" },
    svg("rect", { class: "service-box", rx: 10, width: SERVICE.width, height: SERVICE.height }),
    svg("text", { class: "service-name", x: 12, y: 18 }),
    svg("text", { class: "service-type", x: SERVICE.width - 10, y: 18, "text-anchor": "end" }),
    svg("text", { class: "service-ip", x: 12, y: 34 }),
    svg("g", { class: "selector", transform: "translate(10 44)" }),
    svg("text", { class: "service-load", x: 12, y: SERVICE.height - 10 }));
}

function portsText(service) {
  return (service.spec?.ports || []).map((port) =>
    `${port.port}${port.nodePort ? `:${port.nodePort}` : ""}/${port.protocol || "TCP"}`).join(",");
}

export function drawService(group, service, matched) {
  group.dataset.service = `${service.metadata.namespace}/${service.metadata.name}`;
  group.dataset.uid = service.metadata.uid;
  const [, name, type, ip, selector, load] = group.children;
  setText(name, service.metadata.name);
  setText(type, service.spec?.type || "ClusterIP");
  setText(ip, `${service.spec?.clusterIP || ""}  ${portsText(service)}`);
  const rps = service.metadata.annotations?.["kubelab.io/load-rps"];
  setText(load, rps ? t("loadRps", { n: rps }) : t("podsMatched", { n: matched }));
  group.dataset.loaded = String(Boolean(rps));
  drawSelector(selector, service.spec?.selector || {});
}

function drawSelector(holder, selector) {
  const entries = Object.entries(selector).sort(([a], [b]) => a.localeCompare(b));
  const key = JSON.stringify(entries);
  if (holder.dataset.key === key) return;
  holder.dataset.key = key;
  let x = 0;
  holder.replaceChildren(...entries.map(([name, value]) => {
    const text = `${name}=${value}`;
    const width = text.length * 5.5 + 12;
    const chip = svg("g", { class: "selector-chip", transform: `translate(${x} 0)`,
      data: { selector: JSON.stringify({ [name]: value }) } },
      svg("rect", { width, height: 16, rx: 8 }), svg("text", { x: 6, y: 11.5 }, text));
    x += width + 4;
    return chip;
  }));
  if (!entries.length) holder.append(svg("text", { class: "muted", y: 12 }, t("noSelector")));
}

export { update };
