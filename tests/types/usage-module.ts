// Typed code that swaps a ReconnectingSocket in for a WebSocket, through the generated types.
import { ReconnectingSocket, type Options, type ReconnectingEvent } from "./socket.js";

function attach(socket: WebSocket): void {
  socket.binaryType = "arraybuffer";
  socket.onmessage = (event) => console.log(event.data);
  socket.onclose = (event) => console.log(event.code, event.reason);
  socket.send(new Uint8Array([1, 2, 3]));
}

const options: Options = { restartDelayMin: 500, closePolicy: { 4401: "stop" } };
const socket = new ReconnectingSocket("wss://example.com/live", ["v1"], options);
attach(socket);

socket.addEventListener("reconnecting", (event) => {
  const delay: number = event.delay;
  const attempt: number = event.attempt;
  console.log(delay, attempt, event.code);
});
socket.addEventListener("message", (event) => console.log(event.data));
socket.onreconnecting = (event: ReconnectingEvent) => console.log(event.delay);
const state: number = socket.readyState + ReconnectingSocket.OPEN + socket.CLOSED;
// lib.dom of TypeScript 7 types a WebSocket's readyState as its four values.
const ready: 0 | 1 | 2 | 3 = socket.readyState;
const sockets: WebSocket[] = [socket, new ReconnectingSocket(new URL("wss://example.com"))];
console.log(ready, sockets.length);
console.log(state, socket.url, socket.protocol, socket.bufferedAmount);
socket.close(1000, "done");

// @ts-expect-error: not a close action
const wrong: Options = { closePolicy: { 4401: "explode" } };
console.log(wrong);
