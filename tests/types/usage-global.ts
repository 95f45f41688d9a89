// A <script> page's own TypeScript using the global the iife defines.
function attach(socket: WebSocket): void {
  socket.onclose = (event) => console.log(event.code);
}

const socket: ReconnectingSocket = new ReconnectingSocket("wss://example.com/live");
attach(socket);
socket.addEventListener("reconnecting", (event) => console.log(event.delay));
console.log(ReconnectingSocket.CLOSED);
