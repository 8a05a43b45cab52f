// The sandbox page: connect the live socket, keep the objects current, and draw every burst
// of changes in one animation frame. The panels (feed, inspector, editor, console) and the
// toolbar are wired here; each lives in its own module.

import { page, workspace } from "./api.js";
import { SimClock } from "./clock.js";
import { Console } from "./console.js";
import { clockControls, NamespaceFilter, nodeControls } from "./controls.js";
import { Diagram } from "./diagram/diagram.js";
import { Editor } from "./editor.js";
import { Feed } from "./feed.js";
import { language, t } from "./i18n.js";
import { Inspector } from "./inspector.js";
import { ObjectView } from "./objects.js";
import { watchOnly } from "./readonly.js";
import { openSocket } from "./socket.js";
import { Strip } from "./strip.js";

const $ = (id) => document.getElementById(id);
const view = new ObjectView();
const clock = new SimClock($("clock-time"), $("clock-speed"), { paused: t("paused") });
const feed = new Feed($("decisions"), $("notices"), clock);
const strip = new Strip($("control-plane"));
const diagram = new Diagram($("diagram"), (object) => inspector.open(object));
const output = (text) => terminal.print(text, "result");
const inspector = new Inspector($("inspector"), output);
const editor = new Editor($("editor"), output);
const terminal = new Console($("console-form"), $("console-output"), editor);
const namespaces = new NamespaceFilter($("namespace"), (namespace) => {
  diagram.namespace = namespace;
  draw();
});
clockControls($("clock-controls"), clock, output);
nodeControls($("add-node"), output);
if (workspace.readOnly) watchOnly(document);
Feed.emptyNote($("decisions"));
Feed.emptyNote($("notices"));

// Messages wait here until the next animation frame, so a burst is applied and drawn once.
let queued = [];
let frame = 0;
let resyncing = false;

function enqueue(message) {
  queued.push(message);
  if (!frame) frame = window.requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  const messages = queued;
  queued = [];
  for (const message of messages) apply(message);
  draw();
}

function draw() {
  const model = diagram.render(view);
  namespaces.offer(model.namespaces);
  $("diagram-empty").hidden = model.nodes.length > 0;
}

function apply(message) {
  if (message.clock) clock.set(message.clock);
  feed.notices(message.notices);
  feed.activity(message.activity);
  strip.activity(message.activity);
  if (message.type === "snapshot") {
    view.loadSnapshot(message);
    resyncing = false;
  } else if (!resyncing && !view.applyBatch(message)) {
    // We missed something: drop batches until the new snapshot arrives.
    resyncing = true;
    socket.send({ type: "resync" });
  }
}

function showState(state) {
  $("connection").dataset.state = state;
  $("connection").textContent = t(state);
}

// For the browser tests and the curious: the objects and the diagram, from the devtools console.
window.kubelab = { view, diagram, redraw: draw };

window.setInterval(() => clock.reading && diagram.tick(clock.now().getTime()), 1000);
diagram.onResize = () => {
  if (!frame) frame = window.requestAnimationFrame(flush);
};

const socket = openSocket(`${page.socket}?lang=${encodeURIComponent(language)}`, {
  snapshot: enqueue,
  events: enqueue,
  clock: (message) => clock.set(message),
  activity: (message) => {
    feed.activity(message.activity);
    strip.activity(message.activity);
  },
}, showState);
