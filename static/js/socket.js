// The live socket: connect, reconnect with jittered backoff, dispatch each message on its type.

const MIN_DELAY = 500;
const MAX_DELAY = 5000;
const NOT_FOUND = 4404; // the server's "this sandbox is gone": reconnecting would not help

// A wait between 0.5 s and a ceiling that doubles with each failed attempt (up to 5 s), at
// random, so that a classroom of browsers does not reconnect in lockstep after a restart.
function backoff(attempt) {
  const ceiling = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt);
  return MIN_DELAY + Math.random() * (ceiling - MIN_DELAY);
}

function socketUrl(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

// handlers: {snapshot(msg), events(msg), clock(msg)}; onState("connecting" | "open" | "closed" | "gone").
export function openSocket(path, handlers, onState) {
  let socket = null;
  let attempt = 0;

  function connect() {
    onState(attempt === 0 ? "connecting" : "reconnecting");
    socket = new WebSocket(socketUrl(path));
    socket.addEventListener("open", () => {
      attempt = 0;
      onState("open");
    });
    socket.addEventListener("message", (event) => dispatch(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (event.code === NOT_FOUND) {
        onState("gone");
        return;
      }
      onState("reconnecting");
      window.setTimeout(connect, backoff(attempt++));
    });
  }

  function dispatch(message) {
    const handler = handlers[message.type];
    if (handler) handler(message);
  }

  connect();
  return {
    send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
  };
}
