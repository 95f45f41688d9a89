// Throughput server. Per connection it obeys two text commands:
//   "up N":   count the next N messages, then reply "up-done";
//   "down N": send N small messages.
import { WebSocketServer } from "ws";

const PAYLOAD = "x".repeat(32);
const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });

server.on("connection", (ws) => {
  let expecting = 0;
  ws.on("message", (data, isBinary) => {
    if (expecting > 0) {
      if (--expecting === 0) ws.send("up-done");
      return;
    }
    const [command, count] = String(data).split(" ");
    const n = Number(count);
    if (command === "up") expecting = n;
    else if (command === "down") for (let i = 0; i < n; i++) ws.send(PAYLOAD);
  });
});
server.on("listening", () => console.log(server.address().port));
