// A participant's workshop page: messages from the instructor, "move to lesson", "closed".
import { connect } from "./socket.js";

const page = JSON.parse(document.getElementById("workshop-page").textContent);
const list = document.getElementById("broadcasts");
const text = page.text || {};

function show(text) {
  const item = document.createElement("li");
  item.className = "broadcast";
  item.textContent = text;
  list.prepend(item);
}

connect(page.socket, (message) => {
  if (message.type === "broadcast") show(message.text);
  else if (message.type === "move") { show(`${text.movedTo || "→"} ${message.lesson}`); location.assign(message.url); }
  else if (message.type === "closed") document.getElementById("workshop-state").textContent = text.closed;
  else if (message.type === "clock") show(message.paused ? text.paused : text.resumed);
});
