// Runs one scenario of the generated module on a virtual clock, against a fake WebSocket, with
// a seeded Math.random, and prints what happened as JSON: nothing depends on the machine's speed.
//
//   node run.mjs <module.mjs>   (the scenario as JSON on stdin)
//
// Scenario: { seed, until, options, protocols, globals, attempts, actions }
// - attempts[i]: how connection attempt i+1 ends (the last entry repeats): { open: ms } opens
//   after ms; then { close: [ms, code, reason] } the server closes it ms after it opened, or
//   { drop: ms } the network drops it (1006, not clean). { refuse: ms } fails the handshake;
//   { hang: true } never answers.
// - actions: [{ at, do, ... }] at virtual ms: send (data), close (code, reason), reconnect,
//   message (data, from the server on the open socket), serverClose (code, reason), drop,
//   online, offline, show, hide.
// - globals: { online, hidden } fakes the browser's navigator.onLine, window events and document.
// Output: { log: [[t, kind, fields]], draws: [...], timers: the module's live timers at the end,
//   listeners: its window listeners at the end, readyState }.
import { pathToFileURL } from "node:url";
import { installVirtualClock } from "../../bench/js/virtual-clock.mjs";
import { seeded } from "./seeded-random.mjs";

const scenario = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));

const clock = installVirtualClock();
const log = [];
const note = (kind, fields = {}) => log.push([clock.now(), kind, fields]);

// Seeded random: every draw is recorded so tests compute the exact delays.
const draws = [];
const draw = seeded(scenario.seed ?? 1);
Math.random = () => {
  const value = draw();
  draws.push(value);
  return value;
};

// The module's live timers, counted by wrapping the clock's functions; the fake socket and the
// scenario use the clock's own (`set`), so `live` holds only what the module left pending.
const live = new Set();
const { setTimeout: set, clearTimeout: clear } = globalThis;
globalThis.setTimeout = (fn, ms, ...args) => {
  const id = set((...a) => {
    live.delete(id);
    fn(...a);
  }, ms, ...args);
  live.add(id);
  return id;
};
globalThis.clearTimeout = (id) => {
  live.delete(id);
  clear(id);
};

let listeners = 0;
if (scenario.globals) {
  const windowEvents = new EventTarget();
  // Counted, so a test sees whether the module removed what it added.
  globalThis.addEventListener = (...args) => {
    listeners += 1;
    windowEvents.addEventListener(...args);
  };
  globalThis.removeEventListener = (...args) => {
    listeners -= 1;
    windowEvents.removeEventListener(...args);
  };
  globalThis.dispatchEvent = windowEvents.dispatchEvent.bind(windowEvents);
  const document = new EventTarget();
  document.hidden = !!scenario.globals.hidden;
  globalThis.document = document;
  Object.defineProperty(globalThis, "navigator", {
    value: { onLine: scenario.globals.online ?? true },
    configurable: true,
    writable: true,
  });
}

const attempts = scenario.attempts ?? [{ open: 5 }];
let current = null;
let count = 0;

class FakeSocket extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  constructor(url, protocols) {
    super();
    this.url = url;
    this.protocol = "";
    this.extensions = "";
    this.bufferedAmount = 0;
    this.binaryType = "blob";
    this.readyState = 0;
    this.n = ++count;
    this.onopen = this.onmessage = this.onerror = this.onclose = null;
    const fate = attempts[Math.min(this.n, attempts.length) - 1];
    note("attempt", { n: this.n, url });
    current = this;
    if (fate.refuse !== undefined) {
      set(() => {
        if (this.readyState !== 0) return;
        this._fire("error");
        this._closed(1006, "", false);
      }, fate.refuse);
    } else if (!fate.hang) {
      set(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        note("opened", { n: this.n });
        this._fire("open");
        if (fate.close) {
          const [ms, code, reason = ""] = fate.close;
          set(() => this.serverClose(code, reason), ms);
        } else if (fate.drop !== undefined) {
          set(() => this.drop(), fate.drop);
        }
      }, fate.open ?? 5);
    }
  }

  send(data) {
    if (this.readyState !== 1) throw new Error(`send on a socket in state ${this.readyState}`);
    note("sent", { n: this.n, data });
  }

  close(code, reason) {
    note("socketClose", { n: this.n, code, reason });
    if (this.readyState >= 2) return;
    this.readyState = 2;
    set(() => this._closed(code ?? 1005, reason ?? "", true), 1);
  }

  terminate() {
    note("terminate", { n: this.n });
    if (this.readyState === 3) return;
    this.readyState = 2;
    set(() => this._closed(1006, "", false), 0);
  }

  serverClose(code, reason = "") {
    if (this.readyState !== 1) return;
    note("serverClose", { n: this.n, code, reason });
    this._closed(code, reason, true);
  }

  drop() {
    if (this.readyState !== 1) return;
    note("drop", { n: this.n });
    this._closed(1006, "", false);
  }

  message(data) {
    if (this.readyState === 1) this._fire("message", { data, origin: "" });
  }

  _fire(type, fields = {}) {
    const event = Object.assign(new Event(type), fields);
    if (typeof this[`on${type}`] === "function") this[`on${type}`](event);
    this.dispatchEvent(event);
  }

  _closed(code, reason, wasClean) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this._fire("close", { code, reason, wasClean });
  }
}

const { ReconnectingSocket } = await import(pathToFileURL(process.argv[2]).href);
const socket = new ReconnectingSocket(scenario.url ?? "ws://logic.test/", scenario.protocols, {
  ...scenario.options,
  WebSocket: FakeSocket,
});
for (const type of ["open", "reconnecting", "close", "error", "message"]) {
  socket.addEventListener(type, (event) => {
    const fields = { readyState: socket.readyState };
    for (const key of ["code", "reason", "wasClean", "attempt", "delay", "fromServer", "data"]) {
      if (event[key] !== undefined) fields[key] = event[key];
    }
    note(type, fields);
  });
}

const actions = {
  send: (a) => {
    try {
      socket.send(a.data);
    } catch (error) {
      note("sendError", { data: a.data, name: error.name });
    }
  },
  close: (a) => socket.close(a.code, a.reason),
  reconnect: () => socket.reconnect(),
  message: (a) => current && current.message(a.data),
  serverClose: (a) => current && current.serverClose(a.code, a.reason ?? ""),
  drop: () => current && current.drop(),
  online: () => {
    navigator.onLine = true;
    dispatchEvent(new Event("online"));
  },
  offline: () => {
    navigator.onLine = false;
    dispatchEvent(new Event("offline"));
  },
  show: () => {
    document.hidden = false;
    document.dispatchEvent(new Event("visibilitychange"));
  },
  hide: () => {
    document.hidden = true;
    document.dispatchEvent(new Event("visibilitychange"));
  },
};
for (const action of scenario.actions ?? []) {
  set(() => {
    note("do", action);
    actions[action.do](action);
  }, action.at);
}
await clock.runUntil(scenario.until ?? 60_000);
process.stdout.write(
  JSON.stringify({ log, draws, timers: live.size, listeners, readyState: socket.readyState }),
);
