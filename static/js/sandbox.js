// The sandbox page: connect the live socket, keep the objects current, redraw once per frame.

import { SimClock } from "./clock.js";
import { ObjectView } from "./objects.js";
import { render } from "./render.js";
import { openSocket } from "./socket.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const text = JSON.parse(document.getElementById("page-text").textContent);
const places = {
  nodes: document.getElementById("nodes"),
  unscheduled: document.getElementById("unscheduled"),
  unscheduledEmpty: document.getElementById("unscheduled-empty"),
  connection: document.getElementById("connection"),
};
const view = new ObjectView();
const clock = new SimClock(document.getElementById("clock-time"), document.getElementById("clock-speed"), text);

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
  render(view, places, text);
}

function apply(message) {
  if (message.clock) clock.set(message.clock);
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
  places.connection.dataset.state = state;
  places.connection.textContent = text[state] || state;
}

const socket = openSocket(page.socket, {
  snapshot: enqueue,
  events: enqueue,
  clock: (message) => clock.set(message),
}, showState);
