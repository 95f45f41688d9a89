// A JavaScript app that type-checks its own files (allowJs, checkJs, strict), as SvelteKit's
// default jsconfig.json does, using the vendored module as it would use a WebSocket.
// `VENDORED` is replaced by the file under test.
import { ReconnectingSocket } from "VENDORED";

/** @param {WebSocket} socket a WebSocket, or anything that stands in for one */
function greet(socket) {
  socket.send("hello");
}

/** @param {string} url */
export function connect(url) {
  const socket = new ReconnectingSocket(url, [], { queueLimit: 100 });
  socket.binaryType = "arraybuffer";
  socket.onopen = () => greet(socket);
  socket.onmessage = (event) => console.log(event.data, event.origin);
  socket.onclose = (event) => console.log(event.code, event.reason, event.wasClean);
  socket.onerror = (event) => console.log(event.type);
  socket.addEventListener("reconnecting", (event) => {
    /** @type {number} */
    const attempt = event.attempt;
    /** @type {number} */
    const delay = event.delay;
    console.log(attempt, delay, event.code, event.reason, event.wasClean);
  });
  socket.addEventListener("message", (event) => console.log(event.data));
  /** @type {0 | 1 | 2 | 3} */
  const state = socket.readyState;
  if (state === ReconnectingSocket.OPEN && socket.readyState === socket.OPEN) {
    socket.send(new Uint8Array([1, 2]));
  }
  console.log(socket.url, socket.protocol, socket.extensions, socket.bufferedAmount);
  socket.close(1000, "done");
  return socket;
}
