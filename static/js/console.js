// The web console: kubectl's common commands, run on the server against this sandbox and
// printed as kubectl prints them. `apply -f -` (and `create -f`, `delete -f`) read the editor.

import { describeError, post } from "./api.js";
import { el } from "./dom.js";

export class Console {
  constructor(form, output, editor) {
    this.input = form.querySelector("input");
    this.output = output;
    this.editor = editor;
    this.history = [];
    this.position = 0;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => this.recall(event));
  }

  async submit() {
    const command = this.input.value.trim();
    if (!command) return;
    this.history.push(command);
    this.position = this.history.length;
    this.input.value = "";
    const stdin = /(^|\s)(-f|--filename)(\s|=|$)/.test(command) ? this.editor.text() : "";
    const entry = this.print(`$ ${command.startsWith("kubectl") ? command : `kubectl ${command}`}`, "command");
    try {
      const { output } = await post("console", { command, stdin });
      this.print(output, "result", entry);
    } catch (error) {
      this.print(describeError(error), "result", entry);
    }
  }

  print(text, kind, after = null) {
    const block = el("pre", { class: kind }, text);
    if (after) after.after(block);
    else this.output.append(block);
    this.output.scrollTop = this.output.scrollHeight;
    return block;
  }

  recall(event) {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    this.position = Math.max(0, Math.min(this.history.length, this.position + (event.key === "ArrowUp" ? -1 : 1)));
    this.input.value = this.history[this.position] || "";
  }
}
