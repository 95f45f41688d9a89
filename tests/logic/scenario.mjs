// One scenario of a generated module on the virtual clock, against a fake WebSocket and a
// seeded Math.random: what run.mjs (one scenario per process) and batch.mjs (many per process)
// share. `installWorld(clock)` wraps the clock's timers once; `play(ReconnectingSocket,
// scenario)` then runs one scenario from virtual time 0 and returns what happened.
//
// Scenario: { seed, until, url, options, protocols, globals, attempts, actions, hook, ping }
// - attempts[i]: how connection attempt i+1 ends (the last entry repeats): { open: ms } opens
//   after ms; then { close: [ms, code, reason] } the server closes it ms after it opened, or
//   { drop: ms } the network drops it (1006, not clean). { refuse: ms } fails the handshake;
//   { hang: true } never answers. Also { pong: ms }: the server answers each `ping` (the
//   scenario's heartbeat text) ms later; { answer: [code, reason] } or { answer: { silent: ms } }:
//   how the server answers the app's close() (default: it echoes the code 1 ms later).
// - actions: [{ at, do, ... }] at virtual ms: send (data), close (code, reason), reconnect,
//   message (data, from the server on the open socket), serverClose (code, reason), drop,
//   online, offline, show, hide.
// - url: a string, or { provider: [{ ms, fail, invalid }] }: a function as the URL, whose k-th
//   call (the last entry repeats) answers after ms (null: at once, without a Promise), fails,
//   or gives a URL with a fragment.
// - options: the constructor's options; "$undefined" and "$Infinity" stand for those values.
// - buffered: after each send action, log socket.bufferedAmount.
// - hook: options.shouldReconnect as data: { kind: "table" | "stop" | "delay" | "attempt" |
//   "codes", ms, codes: { [code]: ms or null } }; each call is logged.
// - globals: { online, hidden } fakes the browser's navigator.onLine, window events and document.
// Output: { log: [[t, kind, fields]], draws: [...], timers: the module's live timers at the end,
//   listeners: its window listeners at the end, readyState }.
import { seeded } from "./seeded-random.mjs";

const BROWSER_GLOBALS = ["addEventListener", "removeEventListener", "dispatchEvent", "document"];

export function installWorld(clock) {
  // The module's live timers, counted by wrapping the clock's functions; the fake socket and the
  // scenario use the clock's own (`set`), so `live` holds only what the module left pending.
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  let live = new Set();
  globalThis.setTimeout = (fn, ms, ...args) => {
    const timers = live;
    const id = set((...a) => {
      timers.delete(id);
      fn(...a);
    }, ms, ...args);
    timers.add(id);
    return id;
  };
  globalThis.clearTimeout = (id) => {
    live.delete(id);
    clear(id);
  };

  async function play(ReconnectingSocket, scenario) {
    live = new Set();
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

    let listeners = 0;
    for (const name of BROWSER_GLOBALS) delete globalThis[name];
    delete globalThis.navigator;
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
        const fate = (this.fate = attempts[Math.min(this.n, attempts.length) - 1]);
        note("attempt", { n: this.n, url });
        // An injected WebSocket class may refuse in its constructor, as a native one does a URL.
        if (fate.throws) throw new Error("constructor refused");
        current = this;
        if (fate.refuse !== undefined) {
          set(() => {
            if (this.readyState !== 0) return;
            note("refused", { n: this.n });
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
        if (this.fate.pong !== undefined && data === scenario.ping) {
          set(() => this.message("pong"), this.fate.pong);
        }
      }

      close(code, reason) {
        note("socketClose", { n: this.n, code, reason, state: this.readyState });
        if (this.readyState >= 2) return;
        const wasOpen = this.readyState === 1;
        this.readyState = 2;
        const answer = this.fate.answer;
        if (wasOpen && answer && answer.silent !== undefined) {
          // A peer that never answers: the socket gives up on it, as `ws` does after 30 s.
          set(() => this._closed(1006, "", false), answer.silent);
        } else if (wasOpen && answer) {
          set(() => this._closed(answer[0], answer[1] ?? "", true), 1);
        } else {
          set(() => this._closed(code ?? 1005, reason ?? "", true), 1);
        }
      }

      terminate() {
        note("terminate", { n: this.n, state: this.readyState });
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

    const options = { ...scenario.options, WebSocket: FakeSocket };
    for (const key in options) {
      if (options[key] === "$undefined") options[key] = undefined;
      if (options[key] === "$Infinity") options[key] = Infinity;
    }
    if (scenario.hook) options.shouldReconnect = hook(scenario.hook, note);

    const socket = new ReconnectingSocket(
      urlOf(scenario.url, note, set),
      scenario.protocols,
      options,
    );
    for (const type of ["open", "reconnecting", "close", "error", "message"]) {
      socket.addEventListener(type, (event) => {
        const fields = { readyState: socket.readyState };
        for (const key of ["code", "reason", "wasClean", "attempt", "delay", "fromServer", "data"]) {
          if (event[key] !== undefined) fields[key] = event[key];
        }
        note(type, fields);
      });
    }

    const tried = (what, call) => {
      try {
        call();
      } catch (error) {
        note(what, { name: error.name });
      }
    };
    const actions = {
      send: (a) => {
        try {
          socket.send(a.data);
        } catch (error) {
          note("sendError", { data: a.data, name: error.name });
        }
        if (scenario.buffered) note("buffered", { amount: socket.bufferedAmount });
      },
      close: (a) => tried("closeError", () => socket.close(a.code, a.reason)),
      reconnect: () => tried("reconnectError", () => socket.reconnect()),
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
    // What the constructor began in promises (a URL function's call) runs before any timer, as
    // it would on a real event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await clock.runUntil(scenario.until ?? 60_000);
    return { log, draws, timers: live.size, listeners, readyState: socket.readyState };
  }

  return { play };
}

/** The scenario's URL: a string, or a provider function that logs each call. */
function urlOf(url, note, set) {
  if (!url || typeof url === "string") return url ?? "ws://logic.test/";
  let calls = 0;
  return () => {
    const k = ++calls;
    note("urlCall", { k });
    const spec = url.provider[Math.min(k, url.provider.length) - 1];
    // A fragment is a URL the WebSocket constructor refuses (a SyntaxError).
    const href = `ws://logic.test/?k=${k}${spec.invalid ? "#fragment" : ""}`;
    if (spec.ms === null || spec.ms === undefined) {
      if (spec.fail) throw new Error("no token");
      return href;
    }
    return new Promise((resolve, reject) => {
      set(() => (spec.fail ? reject(new Error("no token")) : resolve(href)), spec.ms);
    });
  };
}

/** options.shouldReconnect from its description as data; every call is logged. */
function hook(spec, note) {
  return (event, attempt) => {
    const { code, reason, wasClean } = event;
    note("hook", { code, reason, wasClean, attempt });
    if (spec.kind === "stop") return null;
    if (spec.kind === "delay") return spec.ms;
    if (spec.kind === "attempt") return spec.ms * attempt;
    if (spec.kind === "codes" && String(code) in spec.codes) return spec.codes[String(code)];
    return undefined;
  };
}

/**
 * What the module decides on each close code, all at once: a connection opens and the server
 * closes it with the code at once, no timer firing in between; then reconnect() (a fresh
 * backoff) starts the next code's connection, or a new socket does after a final close.
 * Math.random returns `random` throughout. Returns { [code]: ["close" | "reconnecting",
 * delay or null] }.
 */
export function decide(ReconnectingSocket, { codes, random, options }) {
  Math.random = () => random;
  let made;
  class Instant {
    static OPEN = 1;
    constructor() {
      this.readyState = 0;
      this.protocol = this.extensions = "";
      this.bufferedAmount = 0;
      made = this;
    }
    send() {}
    close() {}
    terminate() {}
  }
  const decisions = {};
  let socket = null;
  let code;
  for (code of codes) {
    if (socket && socket.reconnect) {
      socket.reconnect();
    } else {
      if (socket) socket.close(); // its retry is not needed: the decision is made
      socket = new ReconnectingSocket("ws://logic.test/", undefined, {
        ...options,
        WebSocket: Instant,
      });
      socket.onreconnecting = (event) => (decisions[code] ??= ["reconnecting", event.delay]);
      socket.onclose = () => (decisions[code] ??= ["close", null]);
    }
    made.readyState = 1;
    made.onopen({});
    made.readyState = 3;
    made.onclose({ code, reason: "", wasClean: true });
    if (socket.readyState === 3) socket = null;
  }
  if (socket) socket.close();
  return decisions;
}
