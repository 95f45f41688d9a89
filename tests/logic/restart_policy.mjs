// Restart, hint and wake rules of the generated module on a virtual clock (issue 14).
//
// usage: node restart_policy.mjs MODULE JSON
//   JSON: { scenario, clients?, seed?, randoms?, ...the scenario's own fields }
// Prints one JSON line: what the scenario observed, in virtual milliseconds.
//
// The clock and the fake server are the bench's (bench/js): setTimeout, clearTimeout and
// Date.now are a priority queue, and every connection attempt opens or is refused 5 ms after it
// starts, as the fake server decides. Math.random is seeded (or scripted), so every delay is
// exact and the tests compare numbers, not ranges.
import { pathToFileURL } from "node:url";
import { fakeServer } from "../../bench/js/fake-socket.mjs";
import { installVirtualClock } from "../../bench/js/virtual-clock.mjs";
import { seeded } from "./seeded-random.mjs";

const clock = installVirtualClock();
const [modulePath, configText] = process.argv.slice(2);
const config = JSON.parse(configText);

if (config.randoms) {
  // A scripted sequence, repeating its last value: exact delays for one client.
  const values = config.randoms;
  let next = 0;
  Math.random = () => values[Math.min(next++, values.length - 1)];
} else {
  Math.random = seeded(config.seed ?? 14);
}

// The browser's wake-up sources, so "online" and "visibilitychange" can be fired at will.
const wakeListeners = [];
const listen = (target) => ({
  addEventListener: (type, fn) => wakeListeners.push({ target, type, fn }),
  removeEventListener: (type, fn) => {
    const at = wakeListeners.findIndex((l) => l.target === target && l.type === type && l.fn === fn);
    if (at >= 0) wakeListeners.splice(at, 1);
  },
});
Object.assign(globalThis, listen("window"));
globalThis.document = { hidden: false, ...listen("document") };
function wake(type) {
  for (const l of [...wakeListeners]) if (l.type === type) l.fn(new Event(type));
}

const { ReconnectingSocket } = await import(pathToFileURL(modulePath).href);
const server = fakeServer(clock.now);
const BaseSocket = server.WebSocket;

// Every attempt, per client, with the instant it started; the server is "down" (refuses) while
// `server.downUntil` is in the future.
const attempts = new Map(); // client -> [ms]
const refusals = new Map(); // client -> [ms]
server.downUntil = -1;
const accept = server.accept;
server.accept = (socket) => {
  if (socket.readyState !== 0) return;
  if (clock.now() < server.downUntil) {
    socket.readyState = 3;
    refusals.get(socket.url).push(clock.now());
    socket._fire("error");
    socket._fire("close", { code: 1006, reason: "", wasClean: false });
    return;
  }
  accept(socket);
  // A server that restarts under every connection as soon as it opens.
  if (server.closeOnOpen) setTimeout(() => socket._closed(1012, "", true), 0);
};
class TrackedSocket extends BaseSocket {
  constructor(url, protocols) {
    super(url, protocols);
    if (!attempts.has(url)) attempts.set(url, []), refusals.set(url, []);
    attempts.get(url).push(clock.now());
  }
}

function openFleet(count, options = {}) {
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const socket = new ReconnectingSocket(`ws://fake/${i}`, undefined, {
      WebSocket: TrackedSocket,
      ...options,
    });
    socket.events = [];
    for (const type of ["open", "reconnecting", "close"]) {
      socket.addEventListener(type, (event) =>
        socket.events.push({
          type,
          at: clock.now(),
          ...(type === "reconnecting"
            ? { code: event.code, delay: event.delay, fromServer: event.fromServer }
            : {}),
          ...(type === "close" ? { code: event.code, reason: event.reason } : {}),
        }),
      );
    }
    sockets.push(socket);
  }
  return sockets;
}

/** Close every open connection with `code` and `reason` now. */
function closeAll(code, reason) {
  for (const socket of [...server.open]) socket._closed(code, reason, true);
}

const SETTLE = 10_000; // every client open and past stableAfter
const HORIZON = config.horizon ?? 120_000;

async function restart() {
  // Clients connect, the server restarts with `code`, its port stays closed for `down` ms.
  const sockets = openFleet(config.clients ?? 1, config.options);
  await clock.runUntil(SETTLE);
  for (const list of attempts.values()) list.length = 0;
  server.downUntil = SETTLE + (config.down ?? 0);
  closeAll(config.code ?? 1012, config.reason ?? "");
  if (config.dropAfterOpen !== undefined) {
    // Once everyone is back, a plain drop: the restart's window must not linger.
    await clock.runUntil(SETTLE + config.dropAfterOpen);
    closeAll(1006, "");
  }
  await clock.runUntil(SETTLE + HORIZON);
  const relative = (list) => list.map((ms) => ms - SETTLE);
  return {
    back: server.open.size,
    attempts: [...attempts.values()].map(relative),
    refusals: [...refusals.values()].map(relative),
    reconnecting: sockets.map((s) =>
      s.events.filter((e) => e.type === "reconnecting").map((e) => [e.code, e.delay, e.fromServer]),
    ),
  };
}

async function wakeDuringWait() {
  // One client; the server closes with `code`/`reason` (optionally refusing the next attempts);
  // `wakeAt` ms later the page fires `wakeType`. Reports when the next attempts started.
  const [socket] = openFleet(1, config.options);
  await clock.runUntil(SETTLE);
  for (const list of attempts.values()) list.length = 0;
  server.downUntil = SETTLE + (config.down ?? 0);
  closeAll(config.code, config.reason ?? "");
  for (const at of config.wakeAt) {
    await clock.runUntil(SETTLE + at);
    if (config.wakeType === "visibilitychange") {
      globalThis.document.hidden = false;
    }
    wake(config.wakeType);
  }
  await clock.runUntil(SETTLE + HORIZON);
  return {
    attempts: attempts.get("ws://fake/0").map((ms) => ms - SETTLE),
    refusals: refusals.get("ws://fake/0").map((ms) => ms - SETTLE),
    delays: socket.events.filter((e) => e.type === "reconnecting").map((e) => e.delay),
  };
}

async function closeWhileServerTalks() {
  // The peer keeps sending after the app's close() and never answers it; Node's ws gives up on
  // such a close after 30 s with 1006. Nothing of the heartbeat may run meanwhile.
  const sent = [];
  let talking;
  class TalkingSocket extends TrackedSocket {
    send(data) {
      sent.push([clock.now(), data]);
    }
    close() {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      setTimeout(() => this._closed(1006, "", false), 30_000);
    }
  }
  const socket = new ReconnectingSocket("ws://fake/0", undefined, {
    WebSocket: TalkingSocket,
    ...config.options,
  });
  const closes = [];
  const reconnects = [];
  socket.addEventListener("close", (e) => closes.push([clock.now(), e.code, e.reason]));
  socket.addEventListener("reconnecting", () => reconnects.push(clock.now()));
  await clock.runUntil(100);
  const peer = [...server.open][0];
  // It talks every 200 ms from `talkFrom` (default: now) until `talkUntil`, then falls silent
  // (gone, or ignoring our close).
  const talk = () => {
    if (peer.readyState <= 2) peer._fire("message", { data: "tick" });
    if (clock.now() + 200 < config.talkUntil) talking = setTimeout(talk, 200);
  };
  if ((config.talkFrom ?? 100) > 100) talking = setTimeout(talk, config.talkFrom - 100);
  else talk();
  await clock.runUntil(config.closeAt);
  socket.close(...config.closeArgs);
  await clock.runUntil(40_000);
  clearTimeout(talking);
  return { sent, closes, reconnects, attempts: attempts.get("ws://fake/0").length };
}

async function restartEveryOpen() {
  // Every connection gets 1012 as soon as it opens, `cycles` times: each open must reset the
  // widening, so every wait is the plain window again.
  const [socket] = openFleet(1, config.options);
  await clock.runUntil(SETTLE);
  server.closeOnOpen = true;
  closeAll(1012, "");
  await clock.runUntil(SETTLE + HORIZON);
  return {
    delays: socket.events.filter((e) => e.type === "reconnecting").map((e) => e.delay),
  };
}

const SCENARIOS = { restart, wakeDuringWait, closeWhileServerTalks, restartEveryOpen };
const result = await SCENARIOS[config.scenario]();
// Exit only once the line is written: a pipe takes large output in pieces.
process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
