// The activity feed: what the controllers decided, in plain words and in the page's language
// (the server renders them), beside the Kubernetes Events they recorded.

import { el } from "./dom.js";
import { t } from "./i18n.js";

const KEEP = 150;

function time(clock) {
  return clock.reading ? clock.now().toLocaleTimeString(document.documentElement.lang, { hour12: false }) : "";
}

export class Feed {
  constructor(decisions, events, clock) {
    this.decisions = decisions;
    this.events = events;
    this.clock = clock;
    this.seen = new Set();
  }

  activity(entries = []) {
    for (const { actor, narrations } of entries) {
      for (const { text, original } of narrations) {
        this.prepend(this.decisions, el("li", { class: "decision", title: original, data: { actor } },
          el("time", {}, time(this.clock)), el("span", { class: "actor" }, actor || "apiserver"),
          el("span", { class: "said" }, text)));
      }
    }
  }

  notices(notices = []) {
    for (const notice of notices) {
      const key = `${notice.uid}:${notice.count}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.prepend(this.events, el("li", { class: "notice", data: { type: notice.type } },
        el("span", { class: "reason" }, notice.reason),
        el("span", { class: "object" }, notice.object + (notice.count > 1 ? ` ×${notice.count}` : "")),
        el("span", { class: "message" }, notice.message)));
    }
  }

  prepend(list, item) {
    list.querySelector(".empty")?.remove();
    list.prepend(item);
    while (list.children.length > KEEP) list.lastElementChild.remove();
  }

  static emptyNote(list) {
    list.replaceChildren(el("li", { class: "empty" }, t("nothingYet")));
  }
}
