// Tabs of one browser profile on a virtual clock, for --share-tabs: each tab is a realm of its
// own (a node:vm context running the generated iife), with the browser APIs sharing rests on
// faked in the way browsers specify them, over one clock and one seeded Math.random:
// - navigator.locks: Web Locks (exclusive and shared modes, a FIFO queue per name, AbortSignal,
//   query()); a tab that closes releases what it held and drops what it asked for;
// - BroadcastChannel: delivery to every other channel of the name open when the message was
//   posted, as a task, in the order posted;
// - WebSocket: a fake server that records every connection, what it received and how it ended.
//
//   node tabs.mjs <module.iife.js>   (the scenario as JSON on stdin)
//
// Scenario: { seed, until, tabs, options, latency, closing, actions: [{ at, tab, do, ... }] }
// - latency: ms for a lock grant, a message, a handshake; closing: for a close's answer
// - tabs: how many tabs; options: the runtime options of every socket (an action may add its own)
// - do: open (url, options, urlFunction) | send (socket, data: one or a list) | close (socket, code, reason) | reconnect
//   (socket) | closeAndOpen (socket: closed, and a new one created in the same task) | online |
//   closeTab | serverClose (code, reason) | serverSend (data) | drop (the network drops the
//   connection: 1006) | refuse (ms: the server refuses connections for that long)
// Output: { log: [[t, tab, socket, type, fields]], draws, server: { connections, mostOpen },
//   states: per tab, per socket { readyState, bufferedAmount, url }, thrown: [[t, tab, name]] }
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { installVirtualClock } from "../../bench/js/virtual-clock.mjs";
import { seeded } from "./seeded-random.mjs";

const scenario = JSON.parse(readFileSync(0, "utf-8"));
const source = readFileSync(process.argv[2], "utf-8");
const clock = installVirtualClock();
const { setTimeout: later } = globalThis;
const LATENCY = scenario.latency ?? 1; // ms for a lock grant, a channel message, a handshake
const CLOSING = scenario.closing ?? LATENCY; // ms for the server to answer a close

const draw = seeded(scenario.seed ?? 1);
const draws = [];
const log = [];
const thrown = [];
const note = (tab, socket, type, fields = {}) => log.push([clock.now(), tab, socket, type, fields]);

// -- the server ---------------------------------------------------------------------------------
const server = { connections: [], openNow: 0, mostOpen: 0, refuseUntil: -1 };

// -- Web Locks ----------------------------------------------------------------------------------
const queues = new Map(); // name -> requests waiting, in order
const held = new Map(); // name -> granted requests
const abortError = () => new DOMException("aborted", "AbortError");

function grantable(request) {
  const holders = held.get(request.name) ?? [];
  const queue = queues.get(request.name) ?? [];
  const before = queue.slice(0, queue.indexOf(request));
  if (request.mode === "exclusive") return holders.length === 0 && before.length === 0;
  return holders.every((h) => h.mode === "shared") && before.every((r) => r.mode === "shared");
}

function grantWaiting(name) {
  for (const request of [...(queues.get(name) ?? [])]) {
    if (!grantable(request)) continue;
    queues.get(name).splice(queues.get(name).indexOf(request), 1);
    if (!held.has(name)) held.set(name, []);
    held.get(name).push(request);
    request.granted = true;
    request.tab.later(() => {
      let result;
      try {
        result = Promise.resolve(request.callback({ name, mode: request.mode }));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(request.resolve, request.reject).finally(() => release(request));
    }, LATENCY);
  }
}

function release(request) {
  const holders = held.get(request.name) ?? [];
  if (!holders.includes(request)) return;
  holders.splice(holders.indexOf(request), 1);
  later(() => grantWaiting(request.name), LATENCY);
}

function lockManager(tab) {
  return {
    request(name, options, callback) {
      if (typeof options === "function") [options, callback] = [{}, options];
      // WebIDL: a mode that is not a LockMode is a TypeError, as a rejected promise.
      const mode = options.mode ?? "exclusive";
      if (mode !== "exclusive" && mode !== "shared") {
        return Promise.reject(new TypeError(`'${mode}' is not a valid LockMode`));
      }
      return new Promise((resolve, reject) => {
        const { signal } = options;
        if (signal?.aborted) return reject(abortError());
        const request = { name, mode, tab, callback, resolve, reject };
        if (!queues.has(name)) queues.set(name, []);
        queues.get(name).push(request);
        signal?.addEventListener("abort", () => {
          const queue = queues.get(name);
          if (request.granted || !queue.includes(request)) return;
          queue.splice(queue.indexOf(request), 1);
          reject(abortError());
          later(() => grantWaiting(name), LATENCY);
        });
        later(() => grantWaiting(name), LATENCY);
      });
    },
    query() {
      const info = (r) => ({ name: r.name, mode: r.mode, clientId: String(r.tab.number) });
      const snapshot = {
        held: [...held.values()].flat().map(info),
        pending: [...queues.values()].flat().map(info),
      };
      return new Promise((resolve) => tab.later(() => resolve(snapshot), LATENCY));
    },
  };
}

// -- BroadcastChannel ---------------------------------------------------------------------------
const channels = new Set();

function channelClass(tab) {
  return class BroadcastChannel extends EventTarget {
    constructor(name) {
      super();
      this.name = name;
      this.onmessage = null;
      this.tab = tab;
      channels.add(this);
    }
    postMessage(message) {
      const copy = structuredClone(message);
      for (const channel of channels) {
        if (channel === this || channel.name !== this.name) continue;
        later(() => {
          if (!channels.has(channel) || !channel.tab.alive) return;
          channel.onmessage?.({ data: structuredClone(copy) });
        }, LATENCY);
      }
    }
    close() {
      channels.delete(this);
    }
  };
}

// -- WebSocket ----------------------------------------------------------------------------------
function socketClass(tab) {
  return class FakeSocket extends EventTarget {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url, protocols) {
      super();
      Object.assign(this, { url, protocol: "", extensions: "", bufferedAmount: 0 });
      this.binaryType = "blob";
      this.readyState = 0;
      this.onopen = this.onmessage = this.onerror = this.onclose = null;
      tab.sockets.add(this);
      later(() => {
        if (this.readyState !== 0) return;
        if (clock.now() < server.refuseUntil) {
          this.readyState = 3;
          this.fire("error");
          return this.fire("close", { code: 1006, reason: "", wasClean: false });
        }
        this.record = { n: server.connections.length + 1, tab: tab.number, url, received: [] };
        this.record.openedAt = clock.now();
        server.connections.push(this.record);
        server.openNow += 1;
        server.mostOpen = Math.max(server.mostOpen, server.openNow);
        this.readyState = 1;
        this.fire("open");
      }, LATENCY);
    }
    send(data) {
      if (this.readyState !== 1) throw new Error(`send in state ${this.readyState}`);
      this.record.received.push(typeof data === "string" ? data : `<${data.byteLength} bytes>`);
    }
    close(code, reason) {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      later(() => this.closed(code ?? 1005, reason ?? "", true), CLOSING);
    }
    // From the server's side, or the browser's when the tab goes.
    closed(code, reason, wasClean) {
      if (this.readyState === 3) return;
      const wasOpen = !!this.record && !this.record.closedAt;
      this.readyState = 3;
      tab.sockets.delete(this);
      if (wasOpen) {
        Object.assign(this.record, { closedAt: clock.now(), code });
        server.openNow -= 1;
      }
      if (tab.alive) this.fire("close", { code, reason, wasClean });
    }
    fire(type, fields = {}) {
      const event = Object.assign(new Event(type), fields);
      this[`on${type}`]?.(event);
      this.dispatchEvent(event);
    }
  };
}

// -- tabs ---------------------------------------------------------------------------------------
let ids = 0;

const listenerIds = new WeakMap();
const listenerId = (listener) => {
  if (!listenerIds.has(listener)) listenerIds.set(listener, ++listenerCount);
  return listenerIds.get(listener);
};
let listenerCount = 0;

function openTab(number) {
  const tab = { number, alive: true, sockets: new Set(), timers: new Set(), made: [], born: [], listening: new Set() };
  tab.later = (fn, ms) =>
    later(() => {
      if (tab.alive) fn();
    }, ms);
  const windowEvents = new EventTarget();
  const document = new EventTarget();
  document.hidden = false;
  const context = {
    setTimeout: (fn, ms, ...args) => {
      const id = setTimeout(() => {
        tab.timers.delete(id);
        if (tab.alive) fn(...args);
      }, ms);
      tab.timers.add(id);
      return id;
    },
    clearTimeout: (id) => {
      tab.timers.delete(id);
      clearTimeout(id);
    },
    // Counted: what the module leaves listening on the window once it is done.
    addEventListener: (type, listener, options) => {
      tab.listening.add(`${type} ${listenerId(listener)}`);
      windowEvents.addEventListener(type, listener, options);
    },
    removeEventListener: (type, listener, options) => {
      tab.listening.delete(`${type} ${listenerId(listener)}`);
      windowEvents.removeEventListener(type, listener, options);
    },
    dispatchEvent: windowEvents.dispatchEvent.bind(windowEvents),
    document,
    navigator: { onLine: true },
    crypto: { randomUUID: () => `id${++ids}` },
    EventTarget,
    Event,
    MessageEvent,
    DOMException,
    URL,
    Blob,
    AbortController,
    console,
  };
  context.globalThis = context;
  tab.realm = vm.createContext(context);
  context.random = () => {
    const value = draw();
    draws.push([tab.number, value]);
    return value;
  };
  vm.runInContext("Math.random = () => random();", tab.realm);
  context.navigator.locks = lockManager(tab);
  context.BroadcastChannel = channelClass(tab);
  context.WebSocket = socketClass(tab);
  vm.runInContext(source, tab.realm);
  tab.Socket = vm.runInContext("ReconnectingSocket", tab.realm);
  tab.windowEvents = windowEvents;
  return tab;
}

function closeTab(tab) {
  tab.alive = false;
  for (const id of tab.timers) clearTimeout(id);
  for (const channel of channels) if (channel.tab === tab) channels.delete(channel);
  for (const [name, queue] of queues) {
    queues.set(name, queue.filter((request) => request.tab !== tab));
  }
  for (const [name, holders] of held) {
    for (const request of holders.filter((r) => r.tab === tab)) release(request);
    later(() => grantWaiting(name), LATENCY);
  }
  // The browser closes the tab's connections as it goes: 1001 Going Away.
  for (const socket of [...tab.sockets]) socket.closed(1001, "", true);
}

const tabs = Array.from({ length: scenario.tabs ?? 1 }, (_, number) => openTab(number));

function create(tab, url, options = {}, urlFunction = false, protocols, binaryType) {
  url ??= "ws://tabs.test/";
  const index = tab.made.length;
  try {
    const socket = new tab.Socket(urlFunction ? () => url : url, protocols, {
      ...scenario.options,
      ...options,
    });
    for (const type of ["open", "message", "error", "reconnecting", "close"]) {
      socket.addEventListener(type, (event) => {
        const fields = { readyState: socket.readyState };
        for (const key of ["code", "reason", "wasClean", "attempt", "delay", "data"]) {
          if (event[key] !== undefined) fields[key] = event[key];
        }
        if (event.data !== undefined && typeof event.data !== "string") {
          // Binary: its class and size, which JSON can show.
          fields.data = `${Object.prototype.toString.call(event.data)} of ${
            event.data.size ?? event.data.byteLength
          } bytes`;
        }
        note(tab.number, index, type, fields);
      });
    }
    if (binaryType) socket.binaryType = binaryType;
    tab.made.push(socket);
    // What the app reads right after `new`, before any event.
    tab.born.push({ readyState: socket.readyState, url: socket.url });
  } catch (error) {
    thrown.push([clock.now(), tab.number, error.name]);
  }
}

const live = () => [...tabs.flatMap((tab) => [...tab.sockets])].filter((s) => s.readyState === 1);

const actions = {
  open: (tab, a) => create(tab, a.url, a.options, a.urlFunction, a.protocols, a.binaryType),
  send: (tab, a) => [a.data].flat().forEach((data) => tab.made[a.socket ?? 0].send(data)),
  close: (tab, a) => tab.made[a.socket ?? 0].close(a.code, a.reason),
  reconnect: (tab, a) => tab.made[a.socket ?? 0].reconnect(),
  closeAndOpen: (tab, a) => {
    tab.made[a.socket ?? 0].close();
    create(tab, a.url, a.options);
  },
  online: (tab) => tab.windowEvents.dispatchEvent(new Event("online")),
  // A page that begins to go (closed, navigating) fires "pagehide", then runs on a moment.
  pagehide: (tab) => tab.windowEvents.dispatchEvent(new Event("pagehide")),
  pageshow: (tab) => tab.windowEvents.dispatchEvent(new Event("pageshow")),
  closeTab: (tab) => closeTab(tab),
  serverClose: (_, a) => live().forEach((s) => s.closed(a.code, a.reason ?? "", true)),
  serverSend: (_, a) =>
    live().forEach((s) => {
      // A binary message arrives as the socket's binaryType says, as in a browser.
      const bytes = new TextEncoder().encode(a.data);
      const binary = s.binaryType === "arraybuffer" ? bytes.buffer : new Blob([bytes]);
      s.fire("message", { data: a.binary ? binary : a.data, origin: "" });
    }),
  drop: () => live().forEach((s) => s.closed(1006, "", false)),
  refuse: (_, a) => (server.refuseUntil = clock.now() + a.ms),
};

for (const action of scenario.actions ?? []) {
  later(() => {
    const tab = tabs[action.tab ?? 0];
    note(tab.number, null, "do", action);
    try {
      actions[action.do](tab, action);
    } catch (error) {
      thrown.push([clock.now(), tab.number, error.name]);
    }
  }, action.at);
}
await clock.runUntil(scenario.until ?? 30_000);

const states = tabs.map((tab) =>
  tab.made.map(({ readyState, bufferedAmount, url }) => ({ readyState, bufferedAmount, url })),
);
process.stdout.write(
  JSON.stringify({
    log,
    draws,
    server,
    states,
    thrown,
    timers: tabs.map((t) => t.timers.size),
    born: tabs.map((t) => t.born),
    // Per tab still open: window listeners and BroadcastChannels the module left.
    left: tabs.map((t) => ({
      listeners: [...t.listening].map((entry) => entry.split(" ")[0]).sort(),
      channels: [...channels].filter((channel) => channel.tab === t).length,
    })),
  }),
);
