// Throughput: N small messages client->server, then N server->client, through each library
// over one local connection. Libraries take turns within each round, and each is compared with
// the raw `ws` client of the same round, because this machine is shared: absolute rates drift
// between rounds, ratios within a round hold.
//
// usage: node throughput.mjs --messages 100000 --rounds 5 raw reconnecting-websocket ours=path.js
import WS from "ws";
import { startServer } from "./child-server.mjs";
import { loadLib, parseArgs } from "./libs.mjs";

const { flags, specs } = parseArgs(process.argv.slice(2));
const N = Number(flags.messages ?? 100_000);
const ROUNDS = Number(flags.rounds ?? 5);
const PAYLOAD = "y".repeat(32);

/**
 * Send and receive N messages through one socket; resolves the elapsed ms of both phases and
 * this process's CPU time over them. The CPU time is the library's cost even when the server,
 * not the client, sets the pace.
 */
function oneRun(lib, url) {
  return new Promise((done, fail) => {
    const socket = lib.open(url, WS, {});
    const timer = setTimeout(() => fail(new Error(`${lib.name}: run took over 60 s`)), 60_000);
    let phase = "connecting";
    let received = 0;
    let started = 0;
    let upMs = 0;
    let cpu = null;
    socket.onerror = (e) => fail(new Error(`${lib.name}: ${e.message ?? "socket error"}`));
    socket.onopen = () => {
      if (phase !== "connecting") return;
      phase = "up";
      cpu = process.cpuUsage();
      started = performance.now();
      socket.send(`up ${N}`);
      for (let i = 0; i < N; i++) socket.send(PAYLOAD);
    };
    socket.onmessage = (e) => {
      if (phase === "up") {
        upMs = performance.now() - started;
        phase = "down";
        started = performance.now();
        socket.send(`down ${N}`);
      } else if (phase === "down" && ++received === N) {
        const downMs = performance.now() - started;
        const used = process.cpuUsage(cpu);
        phase = "done";
        clearTimeout(timer);
        socket.close();
        done({ upMs, downMs, cpuMs: (used.user + used.system) / 1000 });
      }
    };
  });
}

const libs = [];
for (const spec of specs) libs.push(await loadLib(spec));
const server = await startServer("count-server.mjs");
const url = `ws://127.0.0.1:${server.port}`;
try {
  // One unrecorded run each first, so the JIT has warmed every library's paths alike.
  for (const lib of libs) await oneRun(lib, url);
  const rates = Object.fromEntries(libs.map((l) => [l.name, []]));
  const ratios = Object.fromEntries(libs.map((l) => [l.name, []]));
  const cpuRatios = Object.fromEntries(libs.map((l) => [l.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const thisRound = {};
    const cpuThisRound = {};
    // Each round starts with a different library: whichever runs first after a pause is
    // measurably slower, and rotating spreads that over all of them.
    const order = libs.map((_, i) => libs[(i + round) % libs.length]);
    for (const lib of order) {
      const { upMs, downMs, cpuMs } = await oneRun(lib, url);
      thisRound[lib.name] = (2 * N) / ((upMs + downMs) / 1000);
      cpuThisRound[lib.name] = cpuMs;
      rates[lib.name].push(thisRound[lib.name]);
    }
    if ("raw" in thisRound) {
      for (const name in thisRound) {
        ratios[name].push(thisRound[name] / thisRound.raw);
        cpuRatios[name].push(cpuThisRound[name] / cpuThisRound.raw);
      }
    }
  }
  const median = (xs) => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  };
  const result = {};
  for (const lib of libs) {
    result[lib.name] = {
      msgs_per_s: median(rates[lib.name]),
      ratio_vs_raw: median(ratios[lib.name]),
      cpu_vs_raw: median(cpuRatios[lib.name]),
      rounds: rates[lib.name].map(Math.round),
    };
  }
  console.log(JSON.stringify({ messages_each_way: N, rounds: ROUNDS, libs: result }));
} finally {
  server.stop();
}
