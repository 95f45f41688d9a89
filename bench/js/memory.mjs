// Memory: one client against a server that closes every connection with 1012 at once; heap
// after 10 reconnect cycles vs after --cycles (1,000), each read after a full GC. A leak per
// cycle (a listener, a timer, a closed socket kept alive) shows up as growth.
//
// usage: node --expose-gc memory.mjs --cycles 1000 [--options JSON] SPEC
//
// SPEC "floor" is no library: a bare `ws` socket recreated 1 ms after each close. Its growth
// is what V8 and `ws` themselves add over the run (lazy compilation, pools), so a library's
// own cost is its growth above the floor.
import { startServer } from "./child-server.mjs";
import { FAST_RETRY, loadLib, parseArgs, waitFor } from "./libs.mjs";
import WS from "ws";

const { flags, specs } = parseArgs(process.argv.slice(2));
const CYCLES = Number(flags.cycles ?? 1000);
const BASELINE = Math.min(10, CYCLES);
const lib = specs[0] === "floor" ? { name: "floor", open: reconnectLoop } : await loadLib(specs[0]);
const options = flags.options ? JSON.parse(flags.options) : (FAST_RETRY[lib.name] ?? {});

/** The least a reconnecting client can do, with the same surface as a library's socket. */
function reconnectLoop(url, WebSocket) {
  let ws;
  let stopped = false;
  const connect = () => {
    ws = new WebSocket(url);
    ws.onclose = () => stopped || setTimeout(connect, 1);
  };
  connect();
  return { close: () => ((stopped = true), ws.close()) };
}

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
/** Heap in use after collecting twice (the second pass frees what the first finalized). */
async function settledHeap() {
  for (let i = 0; i < 2; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

const server = await startServer("restart-server.mjs", ["--lifetime", "0"]);
// Only a count is kept: a per-cycle trace would itself be the growth we measure.
let opens = 0;
class CountingSocket extends WS {
  constructor(url, protocols) {
    super(url, protocols);
    this.addEventListener("open", () => opens++);
  }
}
const socket = lib.open(`ws://127.0.0.1:${server.port}`, CountingSocket, options);
let heapAtBaseline = 0;
let heapAtEnd = 0;
try {
  await waitFor(() => opens >= BASELINE, 30_000, `${BASELINE} cycles`);
  heapAtBaseline = await settledHeap();
  // Bounded: 1,000 cycles take a few seconds; 120 s means the library stopped retrying.
  await waitFor(() => opens >= CYCLES, 120_000, `${CYCLES} cycles`);
  heapAtEnd = await settledHeap();
} finally {
  socket.close();
  server.stop();
}
console.log(
  JSON.stringify({
    lib: lib.name,
    cycles: opens,
    heap_at_baseline: heapAtBaseline,
    heap_at_end: heapAtEnd,
    growth_bytes: heapAtEnd - heapAtBaseline,
  }),
);
process.exit(0);
