// The lesson panel beside the workspace: each step's verdict as the lesson socket pushes it,
// "Load into editor" for the lesson's manifests, and the console commands the learner runs
// (reported to the server for steps about reading output).

import { el } from "../dom.js";
import { openSocket } from "../socket.js";

const lesson = JSON.parse(document.getElementById("lesson-data").textContent);
const language = document.documentElement.lang === "ko" ? "ko" : "en";
const $ = (selector, root = document) => root.querySelector(selector);
const stepItem = (id) => $(`.step[data-step="${CSS.escape(id)}"]`);

// An explanation's `code` spans become <code> elements; everything else stays text.
function explained(node, text) {
  node.replaceChildren(...String(text).split("`").map((part, i) => (i % 2 ? el("code", {}, part) : part)));
}

function setState(item, state) {
  item.dataset.state = state;
  $("details", item).open = state === "current";
}

function onStep(message) {
  const item = stepItem(message.step);
  if (!item) return;
  const verdict = $(".verdict", item);
  verdict.dataset.passed = String(message.passed);
  explained(verdict, message.explanation[language] || message.explanation.en || "");
  if (!message.passed) {
    if (item.dataset.state !== "done") setState(item, "current");
    return;
  }
  setState(item, "done");
  $("details", item).open = true; // keep the green verdict in view until the next step opens
  const next = item.nextElementSibling;
  if (next && next.dataset.state === "upcoming") {
    setState(next, "current");
    $("details", item).open = false;
  }
}

function onLesson(message) {
  if (message.done) $("#lesson-done").hidden = false;
}

function showState(state) {
  const status = $("#lesson-status");
  status.dataset.state = state;
  status.textContent = lesson.text[state] || lesson.text.connecting;
}

const socket = openSocket(`${lesson.socket}?lang=${language}`, { step: onStep, lesson: onLesson }, showState);

function loadIntoEditor(button) {
  const code = $("code", button.closest(".code-block"));
  const area = $("#editor textarea");
  if (!code || !area) return;
  area.value = code.textContent.replace(/\n?$/, "\n");
  area.dispatchEvent(new Event("input", { bubbles: true }));
  area.focus();
  area.scrollIntoView({ block: "center", behavior: "smooth" });
  button.textContent = lesson.text.loaded;
}

document.addEventListener("click", (event) => {
  const load = event.target.closest(".load-into-editor");
  if (load) loadIntoEditor(load);
  if (event.target.closest(".check-now")) socket.send({ type: "check" });
});

// Capture phase on the document: we read the command before the console's own handler clears it.
document.addEventListener("submit", (event) => {
  if (event.target.id !== "console-form") return;
  const command = event.target.querySelector("input").value.trim().replace(/^kubectl\s+/, "");
  if (command) window.setTimeout(() => socket.send({ type: "ran", command }), 300);
}, true);
