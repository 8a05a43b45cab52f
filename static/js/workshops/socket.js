// Connect a JSON WebSocket and reconnect with backoff; `onMessage` gets each parsed message.
export function connect(path, onMessage, onState = () => {}) {
  let delay = 500;
  const open = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.addEventListener("open", () => { delay = 500; onState("open"); });
    socket.addEventListener("message", (event) => onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      onState("closed");
      if (event.code === 4404) return; // not ours to see: do not knock again
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    });
  };
  open();
}
