// Node's `ws` server does not close its sockets on SIGTERM: Node exits and clients see 1006.
// Here SIGTERM closes each with 1012 Service Restart, and the process ends when they are closed.
//
//   node ws-server.mjs   (PORT=8080 by default)
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: Number(process.env.PORT ?? 8080) });

server.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    // Tell each client the server is restarting: it comes back after a short delay.
    for (const socket of server.clients) socket.close(1012, "");
    server.close(); // stop accepting; Node exits once the last socket has closed
  });
}
