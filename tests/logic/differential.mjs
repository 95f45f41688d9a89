// Differential harness: runs one generated module through fixed scenarios on a virtual clock,
// against a fake WebSocket and with a seeded Math.random, and prints everything user code or
// a server could observe as one JSON object { scenario: [entries] }. Two modules that print
// the same object behave the same in every scenario (tests/logic/test_differential.py).
//
// usage: node differential.mjs MODULE.mjs
//
// An entry is [virtual ms, what, ...details]:
//   ["event", via, type, fields]  an event reached a listener ("listener") or an on* handler
//   ["shape", {keys, tag, constants}]  the instance as user code can enumerate it
//   ["state", step, {readyState, bufferedAmount, binaryType, url, protocol, extensions}]
//   ["threw", call, error name]   a call threw (only the name: messages may be reworded)
//   ["ws", index, what, ...]      the fake WebSocket saw: new (url, protocols), send, close,
//                                 terminate; the server side of the story
//   ["uncaught", name]            an error thrown from a timer or a listener
//   ["listening", window, document]  listeners held on the fake browser globals
import { pathToFileURL } from "node:url";
import { installVirtualClock } from "../../bench/js/virtual-clock.mjs";
import { seeded } from "./seeded-random.mjs";

const clock = installVirtualClock();
const realSetImmediate = setImmediate;

let trace = [];
const log = (...entry) => trace.push([clock.now(), ...entry]);

// Timers: an error thrown in a timer is recorded rather than ending the run, and setInterval
// (which the virtual clock lacks) is built on its setTimeout, sharing the id space as browsers do.
const virtualSet = globalThis.setTimeout;
const virtualClear = globalThis.clearTimeout;
const intervals = new Map(); // interval id -> current timeout id
const guarded = (fn, args) => () => {
  try {
    fn(...args);
  } catch (error) {
    log("uncaught", error?.name ?? String(error));
  }
};
globalThis.setTimeout = (fn, ms, ...args) => virtualSet(guarded(fn, args), ms);
globalThis.setInterval = (fn, ms, ...args) => {
  const id = virtualSet(() => {}, 0);
  virtualClear(id);
  const arm = () => intervals.set(id, virtualSet(tick, ms));
  const tick = () => {
    arm();
    guarded(fn, args)();
  };
  arm();
  return id;
};
globalThis.clearTimeout = globalThis.clearInterval = (id) => {
  if (intervals.has(id)) {
    virtualClear(intervals.get(id));
    intervals.delete(id);
  } else virtualClear(id);
};
// A module may time with performance.now() rather than Date.now(): the same virtual clock.
Object.defineProperty(performance, "now", { value: () => clock.now(), configurable: true });
process.on("uncaughtException", (error) => log("uncaught", error?.name ?? String(error)));

// ---------------------------------------------------------------------------------------------
// The fake WebSocket: every socket is in `sockets`; a scenario plays the server through them.

let sockets = [];
// How the fake server answers a new connection 5 ms after it arrives: "wait" (the scenario
// decides), "accept", or "refuse" (error, then close 1006, as a server that is down gives).
let answer = "wait";

class FakeSocket extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  constructor(url, protocols) {
    super();
    this.index = sockets.length;
    sockets.push(this);
    this.url = String(url);
    this.protocol = "";
    this.extensions = "";
    this.readyState = 0;
    this.bufferedAmount = 0;
    this.binaryType = "blob";
    this.onopen = this.onmessage = this.onerror = this.onclose = null;
    log("ws", this.index, "new", this.url, protocols ?? null);
    setTimeout(() => {
      if (answer === "accept") this.accept();
      if (answer === "refuse") this.fail();
    }, 5);
  }

  send(data) {
    if (this.readyState !== 1) throw new DOMException("not open", "InvalidStateError");
    const size = typeof data === "string" ? data.length : (data.byteLength ?? data.size ?? 0);
    this.bufferedAmount += size; // never drained: a peer that reads slowly
    log("ws", this.index, "send", describe(data));
  }

  close(code, reason) {
    log("ws", this.index, "close", code ?? null, reason ?? null);
    if (this.readyState >= 2) return;
    const wasConnecting = this.readyState === 0;
    this.readyState = 2;
    // The peer answers the close frame a moment later (or the attempt is dropped).
    setTimeout(() => (wasConnecting ? this.fail() : this.closed(code ?? 1005, reason ?? "")), 1);
  }

  terminate() {
    log("ws", this.index, "terminate");
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.fire("close", { code: 1006, reason: "", wasClean: false }), 0);
  }

  fire(type, fields = {}) {
    const event =
      type === "message"
        ? new MessageEvent("message", { data: fields.data, origin: "ws://fake.test" })
        : Object.assign(new Event(type), fields);
    if (typeof this[`on${type}`] === "function") this[`on${type}`](event);
    this.dispatchEvent(event);
  }

  // --- the server's side
  accept(protocol = "") {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.protocol = protocol;
    this.extensions = "permessage-deflate";
    this.fire("open");
  }
  message(data) {
    if (this.readyState === 1) this.fire("message", { data });
  }
  closed(code, reason = "", wasClean = true) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire("close", { code, reason, wasClean });
  }
  fail() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire("error");
    this.fire("close", { code: 1006, reason: "", wasClean: false });
  }
}

const last = () => sockets[sockets.length - 1];

function describe(value) {
  if (value === null || ["string", "number", "boolean", "undefined"].includes(typeof value)) {
    return value === undefined ? "<undefined>" : value;
  }
  if (value instanceof ArrayBuffer) return `<ArrayBuffer ${value.byteLength}>`;
  if (ArrayBuffer.isView(value)) return `<${value.constructor.name} ${value.byteLength}>`;
  if (typeof Blob !== "undefined" && value instanceof Blob) return `<Blob ${value.size}>`;
  return `<${Object.prototype.toString.call(value)}>`;
}

// ---------------------------------------------------------------------------------------------
// Observing the module under test.

const TYPES = ["open", "message", "error", "close", "reconnecting"];
const FIELDS = ["code", "reason", "wasClean", "attempt", "delay", "fromServer", "data", "origin"];

function fields(event) {
  const seen = { tag: Object.prototype.toString.call(event) };
  for (const name of FIELDS) if (event[name] !== undefined) seen[name] = describe(event[name]);
  return seen;
}

function state(socket, step) {
  const read = (name) => {
    try {
      return describe(socket[name]);
    } catch (error) {
      return `<threw ${error.name}>`;
    }
  };
  log("state", step, {
    readyState: read("readyState"),
    bufferedAmount: read("bufferedAmount"),
    binaryType: read("binaryType"),
    url: read("url"),
    protocol: read("protocol"),
    extensions: read("extensions"),
  });
}

/** Calls `fn`, recording the error's name if it throws; returns its result. */
function attempt(call, fn) {
  try {
    return fn();
  } catch (error) {
    log("threw", call, error?.name ?? String(error));
    return undefined;
  }
}

const settle = () => new Promise((resolve) => realSetImmediate(resolve));

/** Lets `ms` of virtual time pass, promise chains settling after every timer. */
async function wait(ms) {
  await settle();
  await clock.runUntil(clock.now() + ms);
  await settle();
}

const OPTIONS = { WebSocket: FakeSocket };

function create(RS, options = {}, url = "ws://fake.test/feed", protocols = undefined) {
  const socket = attempt("constructor", () => new RS(url, protocols, { ...OPTIONS, ...options }));
  if (!socket) return socket;
  for (const type of TYPES) {
    socket.addEventListener(type, (event) => log("event", "listener", type, fields(event)));
    socket[`on${type}`] = (event) => log("event", "handler", type, fields(event));
  }
  log("shape", {
    keys: Object.keys(socket),
    tag: Object.prototype.toString.call(socket),
    constants: ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].map((name) => [RS[name], socket[name]]),
  });
  state(socket, "constructed");
  return socket;
}

// ---------------------------------------------------------------------------------------------
// Scenarios: each plays a server and an app through one story; every step ends with `state`.

const SCENARIOS = {
  async "open, message, send"(RS) {
    attempt("constructor without a url", () => new RS(undefined, undefined, OPTIONS)?.close());
    const s = create(RS, {}, "ws://fake.test/feed", ["chat", "v2"]);
    await wait(5);
    last().accept("chat");
    state(s, "opened");
    last().message("hello");
    last().message(new Uint8Array([1, 2, 3]).buffer);
    attempt("send text", () => s.send("a"));
    attempt("send bytes", () => s.send(new Uint8Array(4)));
    attempt("send nothing", () => s.send());
    state(s, "sent");
  },

  async "queue while connecting and when full"(RS) {
    const s = create(RS, { queueLimit: 2 });
    attempt("send q1", () => s.send("q1"));
    attempt("send q2", () => s.send("q2"));
    attempt("send q3", () => s.send("q3"));
    state(s, "queued");
    s.onopen = () => {
      log("app", "onopen sends");
      s.send("from-onopen");
    };
    await wait(5);
    last().accept();
    state(s, "opened");
  },

  async "close 1000 stops"(RS) {
    const s = create(RS);
    last().accept();
    last().closed(1000, "bye");
    state(s, "closed by server");
    await wait(60_000);
    attempt("send after close", () => s.send("late"));
    attempt("close after close", () => s.close());
    state(s, "after a minute");
  },

  async "1012 reconnects inside the restart window"(RS) {
    const s = create(RS);
    for (let i = 0; i < 3; i++) {
      last().accept();
      attempt("send", () => s.send(`m${i}`));
      last().closed(1012, "service restart");
      state(s, `restart ${i}`);
      attempt("send while reconnecting", () => s.send(`queued${i}`));
      await wait(6_000);
      state(s, `after wait ${i}`);
    }
    last().accept();
    state(s, "back");
  },

  async "1006 backs off, and a stable connection resets it"(RS) {
    const s = create(RS);
    answer = "refuse";
    await wait(120_000);
    state(s, "server down");
    answer = "accept";
    await wait(40_000);
    state(s, "back");
    await wait(6_000);
    last().closed(1006, "", false);
    state(s, "dropped after stable");
    // Exactly stableAfter (5 s) open resets the backoff; 1 ms less does not.
    answer = "wait";
    for (const openFor of [5_000, 4_999, 5_000]) {
      await wait(4_000); // past the largest delay these attempts can draw (2 s)
      last().accept();
      await wait(openFor);
      last().closed(1006, "", false);
    }
    await wait(5_000);
    s.close();
  },

  async "1008 stops"(RS) {
    const s = create(RS);
    last().accept();
    last().closed(1008, "policy");
    await wait(60_000);
    state(s, "after a minute");
  },

  async "1013 waits out the window, a retry-after hint"(RS) {
    const s = create(RS);
    answer = "accept";
    await wait(5);
    last().closed(1013, "try again later");
    await wait(10_000);
    state(s, "back");
    last().closed(1011, "overloaded; retry-after=7");
    state(s, "hinted");
    await wait(10_000);
    state(s, "after");
    last().closed(1001, "retry-after=90"); // more than backoffMax (30 s)
    await wait(35_000);
    state(s, "after a long hint");
    s.close(4000, "done");
  },

  async "maxRetries gives up"(RS) {
    const s = create(RS, { maxRetries: 3 });
    answer = "refuse";
    await wait(120_000);
    state(s, "given up");
  },

  async "close() while connecting"(RS) {
    const s = create(RS);
    attempt("close long reason", () => s.close(1000, "x".repeat(124)));
    attempt("close 1001", () => s.close(1001));
    attempt("close undefined code", () => s.close(undefined, "bye"));
    attempt("close", () => s.close());
    state(s, "closing");
    await wait(100);
    state(s, "closed");
  },

  async "close() while open and while reconnecting"(RS) {
    const s = create(RS);
    last().accept();
    attempt("close 4000", () => s.close(4000, "done"));
    state(s, "closing");
    await wait(100);
    state(s, "closed");
    const t = create(RS);
    last().accept();
    last().closed(1001, "going away");
    attempt("close while reconnecting", () => t.close());
    state(t, "closing");
    await wait(60_000);
    state(t, "closed");
  },

  async "connect timeout"(RS) {
    const s = create(RS, { connectTimeout: 3_000 });
    await wait(3_000);
    state(s, "timed out");
    answer = "accept";
    await wait(10_000);
    state(s, "opened");
  },

  async "binaryType survives a reconnect"(RS) {
    const s = create(RS);
    attempt("binaryType arraybuffer", () => (s.binaryType = "arraybuffer"));
    last().accept();
    attempt("binaryType bogus", () => (s.binaryType = "bogus"));
    state(s, "set");
    answer = "accept";
    last().closed(1011, "oops");
    await wait(60_000);
    state(s, "reconnected");
    log("ws-binaryType", last().binaryType);
  },

  async "reconnect() and the hooks"(RS) {
    // shouldReconnect answers by code: null stops, a number is the delay, "close" closes the
    // socket from inside the hook; other codes answer undefined (the table decides).
    const answers = { 4001: null, 4002: 250, 4004: "close" };
    let socket;
    const hook = (event, n) => {
      log("app", "shouldReconnect", event.code, n);
      if (answers[event.code] !== "close") return answers[event.code];
      socket.close(4000, "from the hook");
      return 100;
    };
    let calls = 0;
    const provider = () => `ws://fake.test/feed?call=${++calls}`;
    const s = (socket = create(RS, { shouldReconnect: hook }, provider));
    await wait(10);
    last().accept();
    last().closed(4003, "the table retries");
    await wait(2_000);
    log("app", "has reconnect()", typeof s.reconnect);
    // A reconnect() resets the attempt count: the next close is attempt 1 again.
    if (typeof s.reconnect === "function") attempt("reconnect", () => s.reconnect());
    await wait(10);
    last().accept();
    last().closed(4002, "the hook says 250 ms");
    await wait(1_000);
    last().accept();
    last().closed(4001, "the hook says stop");
    await wait(1_000);
    state(s, "stopped");
    if (typeof s.reconnect === "function") attempt("reconnect after close", () => s.reconnect());
    const t = (socket = create(RS, { shouldReconnect: hook }));
    await wait(10);
    last().accept();
    last().closed(4004, "the hook closes");
    await wait(1_000);
    state(t, "closed from the hook");
  },

  async "heartbeat"(RS) {
    const s = create(RS);
    last().accept();
    await wait(20_000);
    last().message("pong");
    await wait(35_000);
    last().message("pong");
    await wait(60_000);
    state(s, "silent peer");
    answer = "accept";
    await wait(60_000);
    state(s, "after");
  },

  async "offline, online and a visible page"(RS) {
    const window = new EventTarget();
    const document = Object.assign(new EventTarget(), { hidden: true, visibilityState: "hidden" });
    const navigator = { onLine: false };
    const globals = {
      addEventListener: window.addEventListener.bind(window),
      removeEventListener: window.removeEventListener.bind(window),
      dispatchEvent: window.dispatchEvent.bind(window),
      navigator,
      document,
    };
    const counts = { window: 0, document: 0 };
    for (const [name, target] of [["window", window], ["document", document]]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      const hold = (delta, fn) => (...args) => ((counts[name] += delta), fn(...args));
      if (name === "window") {
        globals.addEventListener = hold(1, add);
        globals.removeEventListener = hold(-1, remove);
      } else {
        target.addEventListener = hold(1, add);
        target.removeEventListener = hold(-1, remove);
      }
    }
    for (const [name, value] of Object.entries(globals)) {
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
    try {
      const s = create(RS);
      log("listening", counts.window, counts.document);
      last().fail();
      await wait(60_000);
      state(s, "offline");
      navigator.onLine = true;
      window.dispatchEvent(new Event("online"));
      await wait(5);
      state(s, "online");
      last().fail();
      document.hidden = false;
      document.visibilityState = "visible";
      document.dispatchEvent(new Event("visibilitychange"));
      await wait(5);
      state(s, "visible");
      last().accept();
      s.close();
      await wait(100);
      log("listening", counts.window, counts.document);
    } finally {
      for (const name of Object.keys(globals)) delete globalThis[name];
    }
  },
};

// ---------------------------------------------------------------------------------------------

const [modulePath] = process.argv.slice(2);
const mod = await import(pathToFileURL(modulePath).href);
const RS = mod.ReconnectingSocket ?? mod.default;
const traces = {};
let seed = 1;
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  clock.reset();
  intervals.clear();
  sockets = [];
  answer = "wait";
  trace = [];
  Math.random = seeded(seed++);
  try {
    await scenario(RS);
  } catch (error) {
    log("scenario threw", error?.name ?? String(error));
  }
  // Whatever the module left running, two virtual minutes more against a server that is down.
  answer = "refuse";
  await wait(120_000);
  log("ws-readyStates", sockets.map((socket) => socket.readyState));
  traces[name] = trace;
}
// Exit once the pipe has taken it all: a bare exit() would cut the output at 64 KiB.
process.stdout.write(JSON.stringify(traces) + "\n", () => process.exit(0));
