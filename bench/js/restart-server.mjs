// A server that "restarts" under every client: each connection is closed with 1012
// (Service Restart) after --lifetime ms, and the server keeps accepting, as if it came back
// at once. The timing and memory benchmarks reconnect against it again and again.
import { WebSocketServer } from "ws";

const at = process.argv.indexOf("--lifetime");
const lifetimeMs = at > 0 ? Number(process.argv[at + 1]) : 0;
const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });

server.on("connection", (ws) => {
  setTimeout(() => ws.close(1012, "service restart"), lifetimeMs);
});
server.on("listening", () => console.log(server.address().port));
