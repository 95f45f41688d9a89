// The leak test's client: one ReconnectingSocket reconnects CYCLES times in one process (the
// server closes or drops every connection at once), then closes. It reports, as JSON lines:
// - per cycle, what the old socket still holds (its listeners) and how many timers are active;
// - the listeners on the ReconnectingSocket itself, at the start and at the end;
// - the heap after garbage collection, half-way and at the end (the first half warms V8 up);
// - how many of the WebSocket objects it made are still alive after a final collection.
//
// usage: node --expose-gc leak.mjs MODULE_PATH CONFIG_JSON   (CONFIG_JSON: { url, cycles })
import { getEventListeners } from "node:events";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { report } from "./report.mjs";

const [modulePath, configText] = process.argv.slice(2);
const config = JSON.parse(configText);
const HALF_WAY = Math.ceil(config.cycles / 2);
const EVENT_TYPES = ["open", "message", "error", "close", "reconnecting"];


const activeTimers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

function heapAfterCollection() {
  global.gc();
  return process.memoryUsage().heapUsed;
}

// Every WebSocket the module makes, held weakly: a leak would keep them alive.
const made = [];
let latest = null;
class WatchedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    made.push(new WeakRef(this));
    latest = this;
  }
}

const { ReconnectingSocket } = await import(pathToFileURL(modulePath).href);
const socket = new ReconnectingSocket(config.url, undefined, { WebSocket: WatchedWebSocket });
const ownListeners = () =>
  EVENT_TYPES.reduce((sum, type) => sum + getEventListeners(socket, type).length, 0);

let cycles = 0;
let maxTimersOpen = 0;
let maxTimersReconnecting = 0;
const listenersLeft = {};
let halfHeap = 0;
let listenersAtStart = 0;

socket.addEventListener("open", () => {
  maxTimersOpen = Math.max(maxTimersOpen, activeTimers());
});

socket.addEventListener("reconnecting", () => {
  cycles += 1;
  // The socket that just closed: the module has let it go, and must have unhooked itself.
  for (const type of ["open", "message", "close", "error"]) {
    listenersLeft[type] = Math.max(listenersLeft[type] || 0, latest.listenerCount(type));
  }
  maxTimersReconnecting = Math.max(maxTimersReconnecting, activeTimers());
  if (cycles === HALF_WAY) halfHeap = heapAfterCollection();
  if (cycles === config.cycles) socket.close();
});

socket.addEventListener("close", (event) => {
  latest = null;
  report("cycles", {
    cycles,
    code: event.code,
    maxTimersOpen,
    maxTimersReconnecting,
    listenersLeft,
    timersAfterClose: activeTimers(),
    listenersAtStart,
    listenersAtEnd: ownListeners(),
  });
  // A later task, so that nothing from this one keeps the last socket alive.
  setTimeout(() => {
    const endHeap = heapAfterCollection();
    const alive = made.filter((reference) => reference.deref() !== undefined).length;
    report("heap", { halfHeap, endHeap, made: made.length, alive });
  }, 0);
});

// Counted once the harness's own listeners are in place.
listenersAtStart = ownListeners();
