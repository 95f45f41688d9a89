// A fleet of clients of one library on a real server that restarts under it: how many come
// back, when, and how many messages are lost on the way.
//
// usage: node restart-fleet.mjs --url ws://127.0.0.1:PORT --clients 200 --ws-from DIR
//          [--every 100] [--options JSON] [--quiet 1500] [--exit self|force] SPEC
//   --ws-from: a folder whose node_modules holds `ws` (tests/node or bench).
//   SPEC: as in libs.mjs ("label=path/to/module.js", "reconnecting-websocket", "partysocket").
//
// Every client sends "<client>:<seq>" every --every ms, from its first open until it is told
// to stop; the server echoes each. Lines on stdout, for the Python side that restarts the
// server: {"type":"ready"} once all are open, then, once the Python side has written "gone"
// on stdin (the old process has exited), {"type":"back"} when every client is open again,
// necessarily on the new process, then the report. After "back" each client sends "bye", which the server answers
// with 1000; attempts after it are counted for --quiet ms. With --exit self nothing is closed
// or cleared by force at the end: the process must end by itself (ours); with --exit force the
// clients are closed and the process exits (anchors that reconnect after 1000 forever).
//
// Times are Date.now() (ms), the clock the Python side also reads, so the two timelines align.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { loadLib, parseArgs } from "./libs.mjs";

const { flags, specs } = parseArgs(process.argv.slice(2));
const CLIENTS = Number(flags.clients ?? 200);
const EVERY = Number(flags.every ?? 100);
const QUIET = Number(flags.quiet ?? 1500);
const options = JSON.parse(flags.options ?? "{}");
const WS = createRequire(resolve(flags["ws-from"]) + "/")("ws");
const lib = await loadLib(specs[0]);

const say = (line) => process.stdout.write(JSON.stringify(line) + "\n");

// Event-loop lateness: how late a 10 ms timer fires, the worst seen. The bounds the Python side
// checks allow for it.
let lateness = 0;
let expected = Date.now() + 10;
let lagTimer = setInterval(() => {
  lateness = Math.max(lateness, Date.now() - expected);
  expected = Date.now() + 10;
}, 10);

const clients = [];
function traced(client) {
  // The underlying sockets, seen at the layer every library shares.
  return class TracedSocket extends WS {
    constructor(url, protocols) {
      super(url, protocols);
      const attempt = { at: Date.now(), opened: null, closed: null, code: null };
      client.attempts.push(attempt);
      this.addEventListener("open", () => (attempt.opened = Date.now()));
      this.addEventListener("close", (event) => {
        attempt.closed = Date.now();
        attempt.code = event.code;
      });
      // An "error" without a listener would crash; the libraries listen too.
      this.addEventListener("error", () => {});
    }

    send(data) {
      // What the library hands to a socket: from here on, only the network can lose it.
      super.send(data);
      const [, seq] = String(data).split(":");
      if (seq !== undefined) client.handed.push(Number(seq));
    }
  };
}

for (let i = 0; i < CLIENTS; i++) {
  const client = { id: i, attempts: [], sent: [], queued: [], handed: [], echoed: [], socket: null };
  client.socket = lib.open(flags.url, traced(client), options);
  client.socket.addEventListener("message", (event) => {
    const [, seq] = String(event.data).split(":");
    client.echoed.push(Number(seq));
  });
  clients.push(client);
}

const opened = (client) => client.attempts.filter((a) => a.opened !== null).length;
async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

let sending = true;
let seq = 0;
const sender = setInterval(() => {
  if (!sending) return;
  seq += 1;
  for (const client of clients) {
    if (opened(client) === 0) continue;
    const queued = client.socket.readyState !== 1;
    try {
      client.socket.send(`${client.id}:${seq}`);
    } catch {
      continue; // closed for good: nothing was taken
    }
    client.sent.push(seq);
    if (queued) client.queued.push(seq);
  }
}, EVERY);

if (!(await until(() => clients.every((c) => opened(c) >= 1), 20_000))) {
  say({ type: "error", error: "not every client opened" });
  process.exit(1);
}
say({ type: "ready", at: Date.now() });

// When the old process had exited, from the Python side: a connection it accepted in its
// last moments is not "back"; one opened after is on the new process.
let goneAt = Infinity;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text) => {
  if (text.includes("gone")) {
    goneAt = Date.now();
    process.stdin.destroy(); // nothing more to read; no handle left open
  }
});
const onNewServer = (c) => {
  const last = c.attempts[c.attempts.length - 1];
  return last.opened !== null && last.opened >= goneAt && last.closed === null;
};
const allBack = await until(() => clients.every(onNewServer), 60_000);
say({ type: "back", at: Date.now(), all: allBack });
// Let the queued messages' echoes arrive, then end each session from the server's side.
await new Promise((r) => setTimeout(r, 500));
sending = false;
clearInterval(sender);
const byeAt = Date.now();
for (const client of clients) {
  if (client.socket.readyState === 1) client.socket.send("bye");
}
// A loaded server answers the queued messages' echoes first; wait (bounded) for every 1000.
const ended = (c) => c.attempts.some((a) => a.code === 1000);
const allEnded = await until(() => clients.every(ended), 30_000);
await new Promise((r) => setTimeout(r, QUIET));
clearInterval(lagTimer);

const report = {
  type: "report",
  lib: lib.name,
  bye_at: byeAt,
  all_ended: allEnded,
  lateness_ms: lateness,
  clients: clients.map((c) => ({
    attempts: c.attempts.map((a) => [a.at, a.opened, a.closed, a.code]),
    sent: c.sent,
    queued: c.queued,
    handed: c.handed,
    echoed: c.echoed,
  })),
};
process.stdout.write(JSON.stringify(report) + "\n", () => {
  if (flags.exit === "force") {
    for (const client of clients) client.socket.close();
    setTimeout(() => process.exit(0), 100);
  }
  // --exit self: no timer is left of ours; every client closed on the server's 1000, so the
  // process ends when its last socket does.
});
