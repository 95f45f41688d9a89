// Runs a generated module in Node against a real server and reports what it does, one JSON
// line per event on stdout, so pytest can check behaviour from the outside.
//
// usage: node client.mjs MODULE_PATH CONFIG_JSON   (a .cjs module is loaded with require)
// CONFIG_JSON: {
//   url, protocols?, options?,            passed to the constructor (options.WebSocket = ws)
//   binaryType?,                          set right after construction
//   random?: number,                      replaces Math.random, for exact delays
//   rules?: [{ on, count?, ...action }]   on the count-th event of type `on` (default 1), do
//                                          the action (below)
//   urlProvider?: [mode, ...]             pass a function as the URL; its n-th call does the
//                                          n-th mode (the last one repeats): "sync" returns
//                                          url?call=n, "async" resolves to it (after 10 ms;
//                                          "slow": after 1 s), "reject"
//                                          rejects, "throw" throws, "invalid" returns a bad URL
//   throwOnConstruct?: [n, ...]           the n-th `new WebSocket` (1-based) throws
//   hook?: { [code]: answer }              pass options.shouldReconnect, answering by code
//                                          (null stops; a code not listed answers undefined;
//                                          "throw" throws, "close" calls socket.close())
//   unsetOptions?: [name]                 options present with the value undefined
//   browser?: { online, visible }         fake a browser's navigator.onLine, window events
//                                          and document.visibilityState in Node
//   holdOpen?: true                       stdin keeps the process alive until the action
//                                          { release: true }, for tests that drive a client
//                                          waiting on no timer (offline, or closed)
// }
// An action is { send?: [string], close?: [code, reason], reconnect?: true, online?: boolean,
//   visible?: boolean, report?: true, release?: true }, done in that order. The same actions
//   can be written to stdin, one JSON object per line, for a test to do them when it chooses.
// The process is never told to exit: a test that waits for it to end proves that the module
// left no timer or socket behind (stdin is unref'd, so it keeps nothing alive, unless holdOpen).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const [modulePath, configText] = process.argv.slice(2);
const config = JSON.parse(configText);
const started = performance.now();

function report(type, fields) {
  const line = { type, t: Math.round((performance.now() - started) * 10) / 10, ...fields };
  process.stdout.write(JSON.stringify(line) + "\n");
}

process.on("uncaughtException", (error) => {
  report("uncaught", { message: String(error && error.stack) });
  process.exitCode = 70;
});
process.on("unhandledRejection", (error) => {
  report("unhandled-rejection", { message: String(error && error.stack) });
  process.exitCode = 71;
});

if (config.random !== undefined) Math.random = () => config.random;

// A stand-in for the browser globals the network-aware code reads; Node 20 has none of them.
const fakeBrowser = config.browser && {
  window: new EventTarget(),
  navigator: { onLine: config.browser.online !== false },
  document: Object.assign(new EventTarget(), {
    visibilityState: config.browser.visible === false ? "hidden" : "visible",
    hidden: config.browser.visible === false,
  }),
};
// Listeners the module holds on the fake window and document, so a test can see them go.
let listening = [];
if (fakeBrowser) {
  for (const target of [fakeBrowser.window, fakeBrowser.document]) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (type, listener) => {
      listening.push([target, type, listener]);
      add(type, listener);
    };
    target.removeEventListener = (type, listener) => {
      listening = listening.filter(([t, y, l]) => !(t === target && y === type && l === listener));
      remove(type, listener);
    };
  }
  globalThis.navigator = fakeBrowser.navigator;
  globalThis.document = fakeBrowser.document;
  globalThis.addEventListener = fakeBrowser.window.addEventListener;
  globalThis.removeEventListener = fakeBrowser.window.removeEventListener;
}

let constructed = 0;
class CountingWebSocket extends WebSocket {
  constructor(...args) {
    constructed += 1;
    report("construct", { n: constructed, url: String(args[0]) });
    if ((config.throwOnConstruct || []).includes(constructed)) {
      throw new TypeError(`construction ${constructed} refused by the test`);
    }
    super(...args);
  }
}

function urlProvider(modes) {
  let calls = 0;
  return () => {
    calls += 1;
    const mode = modes[Math.min(calls, modes.length) - 1];
    const url = `${config.url}?call=${calls}`;
    report("url-call", { call: calls, mode });
    switch (mode) {
      case "async":
        return new Promise((resolve) => setTimeout(() => resolve(url), 10));
      case "slow":
        return new Promise((resolve) => setTimeout(() => resolve(url), 1000));
      case "reject":
        return Promise.reject(new Error(`token service down (call ${calls})`));
      case "throw":
        throw new Error(`url provider threw (call ${calls})`);
      case "invalid":
        return "not a websocket url";
      default:
        return url;
    }
  };
}

function shouldReconnect(event, attempt) {
  const answer = Object.hasOwn(config.hook, event.code) ? config.hook[event.code] : undefined;
  // Two answers act instead: a hook with a bug, and a hook that ends the session itself.
  if (answer === "throw") throw new Error("bug in the hook");
  if (answer === "close") {
    socket.close();
    return undefined;
  }
  report("hook", { code: event.code, reason: event.reason, attempt, answer: answer === undefined ? "undefined" : answer });
  return answer;
}

// CommonJS users `require` the file; load it the way they would.
const moduleExports = modulePath.endsWith(".cjs")
  ? createRequire(import.meta.url)(modulePath)
  : await import(pathToFileURL(modulePath).href);
const SocketClass = moduleExports[config.className || "ReconnectingSocket"];
const options = { WebSocket: CountingWebSocket, ...config.options };
if (config.hook) options.shouldReconnect = shouldReconnect;
// An option present but undefined, as an unset config value arrives.
for (const name of config.unsetOptions || []) options[name] = undefined;
const url = config.urlProvider ? urlProvider(config.urlProvider) : config.url;
const socket = new SocketClass(url, config.protocols, options);
if (config.binaryType) socket.binaryType = config.binaryType;

// The on-handler is counted on its own: "close" must reach it exactly once too.
socket.onclose = (event) => report("onclose", { code: event.code });

const counts = {};
const rules = config.rules || [];

function describe(event) {
  switch (event.type) {
    case "message":
      return {
        data: typeof event.data === "string" ? event.data : `<${event.data.constructor.name}>`,
      };
    case "close":
      return { code: event.code, reason: event.reason, wasClean: event.wasClean };
    case "reconnecting":
      return {
        code: event.code,
        reason: event.reason,
        attempt: event.attempt,
        delay: event.delay,
        fromServer: event.fromServer,
      };
    case "open":
      return { url: socket.url };
    default:
      return {};
  }
}

for (const type of ["open", "message", "error", "close", "reconnecting"]) {
  socket.addEventListener(type, (event) => {
    counts[type] = (counts[type] || 0) + 1;
    report(type, { ...describe(event), readyState: socket.readyState });
    for (const rule of rules) {
      if (rule.on === type && (rule.count || 1) === counts[type]) perform(rule);
    }
  });
}

function perform(action) {
  for (const data of action.send || []) {
    try {
      socket.send(data);
      report("sent", { data });
    } catch (error) {
      report("send-error", { data, name: error.name, message: error.message });
    }
  }
  if (action.close) {
    try {
      socket.close(...action.close);
    } catch (error) {
      report("close-error", { name: error.name, readyState: socket.readyState });
    }
  }
  if (action.reconnect) {
    try {
      socket.reconnect();
      report("reconnect-called", { readyState: socket.readyState });
    } catch (error) {
      report("reconnect-error", { name: error.name, message: error.message });
    }
  }
  if (action.online !== undefined) {
    fakeBrowser.navigator.onLine = action.online;
    fakeBrowser.window.dispatchEvent(new Event(action.online ? "online" : "offline"));
  }
  if (action.visible !== undefined) {
    fakeBrowser.document.visibilityState = action.visible ? "visible" : "hidden";
    fakeBrowser.document.hidden = !action.visible;
    fakeBrowser.document.dispatchEvent(new Event("visibilitychange"));
  }
  if (action.report) {
    report("state", { readyState: socket.readyState, constructed, listeners: listening.length });
  }
  if (action.release) process.stdin.unref();
}

// Commands from the test, one JSON action per line; unref'd (unless holdOpen) so an idle stdin
// never holds the process open.
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    if (line.trim()) perform(JSON.parse(line));
  }
});
if (!config.holdOpen) process.stdin.unref();
