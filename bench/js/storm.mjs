// Restart storm: N clients connected to one fake server all receive 1012 at the same instant.
// Everything runs on a virtual clock with a fake WebSocket, so 100,000 clients cost no sockets
// and every delay is exactly what the library asked for. Prints, per wave (a client's 1st,
// 2nd, ... attempt after the restart), its arrivals per 100 ms bucket.
//
// usage: node storm.mjs --clients 10000 [--still-down yes] [--down-ms MS] [--reason TEXT]
//                       [--options JSON] SPEC
//   --still-down yes: the server refuses each client's first attempt (it is still restarting),
//   so the second wave shows what the failed first attempt leads to.
//   --down-ms MS: the port is closed for MS after the restart: every attempt until then is
//   refused (a 1006), however many each client makes.
//   --reason TEXT: the 1012's reason, e.g. "retry-after=5", a hint sent to every client.
import { fakeServer } from "./fake-socket.mjs";
import { installVirtualClock } from "./virtual-clock.mjs";

const clock = installVirtualClock();
// Imported only now: the library must see the virtual timers, never the real ones.
const { loadLib, parseArgs } = await import("./libs.mjs");

const { flags, specs } = parseArgs(process.argv.slice(2));
const CLIENTS = Number(flags.clients ?? 10_000);
const options = JSON.parse(flags.options ?? "{}");
const SETTLE_MS = 10_000; // long enough for every library's "stable uptime" timer to pass
const HORIZON_MS = 60_000; // how long after the restart arrivals are counted
const BUCKET_MS = 100;

const lib = await loadLib(specs[0]);
const server = fakeServer(clock.now);
server.refuseFirstAttempt = flags["still-down"] === "yes";
const DOWN_MS = Number(flags["down-ms"] ?? 0);
const accept = server.accept;
server.accept = (socket) => {
  const down = server.restartAt !== null && clock.now() < server.restartAt + DOWN_MS;
  if (socket.readyState !== 0 || !down) return accept(socket);
  socket.readyState = 3;
  socket._fire("error");
  socket._fire("close", { code: 1006, reason: "", wasClean: false });
};

const clients = [];
for (let i = 0; i < CLIENTS; i++) clients.push(lib.open(`ws://fake/${i}`, server.WebSocket, options));
await clock.runUntil(SETTLE_MS);
if (server.open.size !== CLIENTS) {
  throw new Error(`${lib.name}: only ${server.open.size} of ${CLIENTS} clients connected`);
}

if (flags.reason === undefined) {
  server.restart();
} else {
  server.restartAt = clock.now();
  for (const socket of [...server.open]) socket._closed(1012, flags.reason, true);
}
await clock.runUntil(SETTLE_MS + HORIZON_MS);

const waves = {};
for (const [ms, attempt] of server.arrivals) {
  const wave = (waves[attempt] ??= { arrivals: 0, first_ms: ms, last_ms: ms, buckets: [] });
  wave.arrivals++;
  wave.first_ms = Math.min(wave.first_ms, ms);
  wave.last_ms = Math.max(wave.last_ms, ms);
  const b = Math.floor(ms / BUCKET_MS);
  while (wave.buckets.length <= b) wave.buckets.push(0);
  wave.buckets[b]++;
}
console.log(
  JSON.stringify({
    lib: lib.name,
    clients: CLIENTS,
    still_down: server.refuseFirstAttempt,
    down_ms: DOWN_MS,
    reason: flags.reason ?? null,
    bucket_ms: BUCKET_MS,
    reconnected: server.open.size,
    waves,
  }),
);
process.exit(0);
