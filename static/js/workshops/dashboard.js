// The instructor dashboard: one row per participant, updated live; the steering buttons.
import { connect } from "./socket.js";

const page = JSON.parse(document.getElementById("dashboard-page").textContent);
const body = document.querySelector("#participants tbody");
const rows = new Map();
const text = page.text || {};

function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text !== "") node.textContent = text;
  if (className) node.className = className;
  return node;
}

function minutes(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function picture(data) {
  const cell = el("td", "", "picture");
  for (const node of data.nodes) {
    const down = !node.ready || node.kubelet !== "running";
    const box = el("span", node.name.replace("node-", "n"), down ? "node down" : "node");
    box.title = `${node.name}: ${node.kubelet}${node.ready ? ", Ready" : ", not Ready"}`;
    box.dataset.node = node.name;
    cell.append(box, " ");
  }
  cell.append(el("span", Object.entries(data.pods).map(([phase, n]) => `${phase} ${n}`).join(" · "), "pods"));
  return cell;
}

function stuckCell(row) {
  const cell = el("td", "", "stuck-flag");
  if (!row.stuck) return cell;
  cell.dataset.stuck = row.stuck;
  cell.append(el("strong", text[row.stuck] || row.stuck));
  if (row.explanation) cell.append(el("br"), row.explanation);
  return cell;
}

function render(row) {
  const tr = el("tr");
  tr.dataset.participant = row.id;
  tr.className = row.stuck ? "stuck" : "";
  const steps = el("td", row.steps.map((s) => (s.passed ? "●" : "○")).join(""), "steps");
  steps.dataset.passed = row.steps.filter((s) => s.passed).length;
  const link = el("a", row.sandbox);
  link.href = `/sandboxes/${row.sandbox}/`;
  link.target = "_blank";
  link.title = text.open || "";
  const sandbox = el("td");
  sandbox.append(link);
  const reset = el("button", text.reset || "Reset");
  reset.dataset.steer = `participants/${row.id}/reset/`;
  const actions = el("td");
  actions.append(reset);
  tr.append(el("td", String(row.number)), el("td", row.name, "name"), el("td", `${row.lesson} / ${row.step}`, "where"),
    steps, el("td", minutes(row.secondsOnStep)), stuckCell(row),
    sandbox, picture(row.picture), actions);
  const old = rows.get(row.id);
  if (old) old.replaceWith(tr); else body.append(tr);
  rows.set(row.id, tr);
}

function summary(data) {
  const common = document.getElementById("common-failure");
  const failure = data.commonFailure;
  common.className = failure ? "" : "empty";
  common.textContent = failure ? `${failure.text} (${(text.failureCount || "%(n)s").replace("%(n)s", failure.count)})`
    : text.noneYet || "";
  const table = document.querySelector("#step-summary tbody");
  table.replaceChildren(...data.steps.map((s) => {
    const tr = el("tr");
    tr.append(el("td", `${s.lesson} / ${s.step}`), el("td", String(s.finished)));
    return tr;
  }));
}

function update(message) {
  if (message.type === "dashboard" || message.type === "rows") {
    message.rows.forEach(render);
    summary(message.summary);
  } else if (message.type === "room" && message.message.type === "closed") {
    const state = document.getElementById("workshop-state");
    state.textContent = text.closed || "Closed";
    state.dataset.open = "false";
  }
}

async function steer(path, form) {
  const response = await fetch(`${page.actions}${path}`, {
    method: "POST", body: form ? new FormData(form) : new FormData(),
    headers: { "X-CSRFToken": page.csrf, Accept: "application/json" }, credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  document.getElementById("steer-result").textContent = answer.done || JSON.stringify(answer.errors || {});
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-steer]");
  if (!form) return;
  event.preventDefault();
  steer(form.dataset.steer, form);
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-steer]");
  if (!button || button.closest("form")) return;
  steer(button.dataset.steer, null);
});

update({ type: "dashboard", ...JSON.parse(document.getElementById("dashboard-data").textContent) });
connect(page.socket, update);
