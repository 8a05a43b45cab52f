// The toolbar: the sandbox clock (pause, 1x, 10x, step forward), adding a node, and the
// namespace filter.

import { describeError, post } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

export function clockControls(root, clock, onOutput) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-clock]");
    if (!button) return;
    try {
      clock.set(await post("clock", { action: button.dataset.clock, seconds: Number(button.dataset.seconds || 10) }));
    } catch (error) {
      onOutput(describeError(error));
    }
  });
}

export function nodeControls(button, onOutput) {
  button.addEventListener("click", async () => {
    try {
      onOutput((await post("nodes", { action: "add" })).output);
    } catch (error) {
      onOutput(describeError(error));
    }
  });
}

export class NamespaceFilter {
  constructor(select, onChange) {
    this.select = select;
    this.known = "";
    select.addEventListener("change", () => onChange(select.value));
  }

  offer(namespaces) {
    const key = namespaces.join(",");
    if (key === this.known) return;
    this.known = key;
    const chosen = this.select.value;
    this.select.replaceChildren(el("option", { value: "" }, t("allNamespaces")),
      ...namespaces.map((name) => el("option", { value: name }, name)));
    this.select.value = namespaces.includes(chosen) ? chosen : "";
  }
}
