// A <script> page's own TypeScript using the global the iife defines; the type-only import
// names the declarations' types without loading anything.
import type { Options } from "./socket.iife";

function attach(socket: WebSocket): void {
  socket.onclose = (event) => console.log(event.code);
}

const options: Options = { queueLimit: 10 };
const socket: ReconnectingSocket = new ReconnectingSocket("wss://example.com/live", [], options);
attach(socket);
socket.addEventListener("reconnecting", (event) => console.log(event.delay));
console.log(ReconnectingSocket.CLOSED);
