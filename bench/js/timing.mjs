// Reconnect timing: clients against a server that closes every connection with 1012 after a
// short lifetime; each sample is the time from the 1012 close to the library creating its
// next socket. Reported against the window the module is configured with.
//
// usage: node timing.mjs --samples 200 --clients 20 [--lifetime 20] [--options JSON] SPEC
import { startServer } from "./child-server.mjs";
import { loadLib, parseArgs, waitFor } from "./libs.mjs";
import { tracingSocket } from "./tracing-socket.mjs";

const { flags, specs } = parseArgs(process.argv.slice(2));
const SAMPLES = Number(flags.samples ?? 200);
const CLIENTS = Math.min(Number(flags.clients ?? 20), SAMPLES);
const options = JSON.parse(flags.options ?? "{}");
const lib = await loadLib(specs[0]);

/** Delays (ms) from each 1012 close to the next socket created, for one client's trace. */
function delays(trace) {
  const out = [];
  for (const close of trace.closes) {
    if (close.code !== 1012) continue;
    const next = trace.created.find((t) => t >= close.at);
    if (next !== undefined) out.push(next - close.at);
  }
  return out;
}

const server = await startServer("restart-server.mjs", ["--lifetime", flags.lifetime ?? "20"]);
const url = `ws://127.0.0.1:${server.port}`;
const clients = [];
try {
  for (let i = 0; i < CLIENTS; i++) {
    const { WebSocket, trace } = tracingSocket();
    clients.push({ socket: lib.open(url, WebSocket, options), trace });
  }
  const collected = () => clients.reduce((n, c) => n + delays(c.trace).length, 0);
  // Bounded: at most 200 s even if a library waits its maximum every time.
  await waitFor(() => collected() >= SAMPLES, 200_000, `${SAMPLES} reconnects`, 10);
} finally {
  for (const c of clients) c.socket.close();
  server.stop();
}
const samples = clients.flatMap((c) => delays(c.trace)).slice(0, SAMPLES);
console.log(JSON.stringify({ lib: lib.name, samples_ms: samples.map((d) => +d.toFixed(2)) }));
process.exit(0);
