// The inspector: one object's YAML (editable in place), status and conditions, Events, a pod's
// logs (streamed from the API's own log endpoint), and for a pending pod the scheduler's
// reasons node by node. Nodes and Services also get their actions here.

import { describeError, get, post, workspace } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

export class Inspector {
  constructor(root, onOutput) {
    this.root = root;
    this.onOutput = onOutput;
    this.selected = null;
    this.logs = null;
  }

  async open(object) {
    this.close();
    this.selected = object;
    const { apiVersion, kind, metadata } = object;
    this.root.hidden = false;
    this.root.replaceChildren(el("header", { class: "inspector-head" },
      el("h2", {}, `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`),
      el("button", { type: "button", class: "close", "aria-label": t("close"), onclick: () => this.close() }, "×")),
    el("p", { class: "muted" }, t("loading")));
    try {
      const details = await get("inspect", { apiVersion, kind, namespace: metadata.namespace || "", name: metadata.name });
      if (this.selected === object) this.show(object, details);
    } catch (error) {
      this.root.lastElementChild.textContent = describeError(error);
    }
  }

  show(object, details) {
    const sections = [this.actions(object), this.scheduling(details.nodes), this.conditions(details.conditions),
      this.events(details.events), object.kind === "Pod" ? this.logSection(object) : null, this.yaml(details.yaml)];
    this.root.replaceChildren(this.root.firstElementChild, ...sections.filter(Boolean));
  }

  close() {
    this.logs?.abort();
    this.logs = null;
    this.selected = null;
    this.root.hidden = true;
  }

  actions(object) {
    if (workspace.readOnly) return null; // a watcher may look, not act
    if (object.kind === "Node") {
      return el("div", { class: "actions" }, ...["cordon", "uncordon", "drain", "stop", "crash", "restart"].map((action) =>
        el("button", { type: "button", data: { action }, onclick: () => this.run("nodes", { action, node: object.metadata.name }) },
          t(`node_${action}`))));
    }
    if (object.kind === "Service") {
      const rate = el("input", { type: "number", min: "1", value: "50", class: "rps", "aria-label": t("requestsPerSecond") });
      const target = { service: object.metadata.name, namespace: object.metadata.namespace };
      return el("div", { class: "actions" }, rate, el("span", {}, t("reqPerSec")),
        el("button", { type: "button", onclick: () => this.run("traffic", { ...target, rps: Number(rate.value) }) }, t("startLoad")),
        el("button", { type: "button", onclick: () => this.run("traffic", { ...target, rps: 0 }) }, t("stopLoad")));
    }
    return null;
  }

  async run(action, body) {
    try {
      this.onOutput((await post(action, body)).output);
    } catch (error) {
      this.onOutput(describeError(error));
    }
  }

  scheduling(nodes) {
    if (!nodes?.length) return null;
    return el("section", {}, el("h3", {}, t("schedulerVerdict")),
      el("ul", { class: "verdicts" }, ...nodes.map(({ node, reason }) =>
        el("li", { data: { fits: String(!reason) } }, el("strong", {}, node), " ", reason || t("fits")))));
  }

  conditions(conditions) {
    if (!conditions?.length) return null;
    return el("section", {}, el("h3", {}, t("conditions")),
      el("table", { class: "conditions" }, ...conditions.map((c) =>
        el("tr", {}, el("td", {}, c.type), el("td", { data: { status: c.status } }, c.status),
          el("td", {}, c.reason || ""), el("td", {}, c.message || "")))));
  }

  events(events) {
    return el("section", {}, el("h3", {}, t("events")),
      events?.length ? el("ul", { class: "events" }, ...events.map((e) =>
        el("li", { data: { type: e.type } }, el("strong", {}, e.reason), ` ${e.message}`, e.count > 1 ? ` (×${e.count})` : "")))
        : el("p", { class: "muted" }, t("noEvents")));
  }

  yaml(text) {
    const area = el("textarea", { class: "yaml", spellcheck: "false", rows: "18", "aria-label": "YAML" });
    area.value = text;
    const save = el("button", { type: "button", class: "primary", onclick: async () => {
      try {
        this.onOutput((await post("edit", { yaml: area.value })).output);
      } catch (error) {
        this.onOutput(describeError(error));
      }
    } }, t("applyChanges"));
    area.readOnly = Boolean(workspace.readOnly);
    return el("section", {}, el("h3", {}, "YAML"), area, ...(workspace.readOnly ? [] : [save]));
  }

  logSection(pod) {
    const output = el("pre", { class: "logs" });
    this.logs = new AbortController();
    this.stream(pod, output, this.logs.signal);
    return el("section", {}, el("h3", {}, t("logs")), output);
  }

  async stream(pod, output, signal) {
    const path = `${workspace.api}/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/log?follow=true&tailLines=200`;
    try {
      const response = await fetch(path, { signal });
      if (!response.ok) {
        const status = await response.json().catch(() => ({}));
        output.textContent = status.message || response.statusText;
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        output.append(decoder.decode(value, { stream: true }));
        output.scrollTop = output.scrollHeight;
      }
    } catch (error) {
      if (error.name !== "AbortError") output.textContent = String(error.message || error);
    }
  }
}
