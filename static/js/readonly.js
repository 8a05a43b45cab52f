// Watching, not acting: an instructor who opens a participant's sandbox sees it live, but the
// page offers nothing that would change it. (The server refuses such writes anyway, with 404.)

const CONTROLS = ["#console-form", "#console-form + .help", "#clock-controls", "#add-node", "#editor button[type=submit]", "#editor select"];

function disable(node) {
  node.hidden = true;
  node.style.display = "none"; // a stylesheet's `display` would otherwise win over `hidden`
  for (const control of [node, ...node.querySelectorAll("button, input, select, textarea")]) {
    if ("disabled" in control) control.disabled = true;
  }
}

export function watchOnly(root = document) {
  root.body.dataset.readOnly = "true";
  for (const selector of CONTROLS) root.querySelectorAll(selector).forEach(disable);
  const area = root.querySelector("#editor textarea");
  if (area) area.readOnly = true;
}
