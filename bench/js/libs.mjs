// One way to open each library's socket, so every benchmark drives all of them alike.
//
// A spec is either an anchor's name ("raw", "reconnecting-websocket", "partysocket") or
// "label=path/to/module.js" for a module exporting ReconnectingSocket (ours, in any profile).
// Modules are imported lazily, so a benchmark can replace globals (the storm's virtual clock)
// before any library code runs.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ANCHORS = {
  raw: async () => (url, WS) => new WS(url),
  "reconnecting-websocket": async () => {
    const { default: RWS } = await import("reconnecting-websocket");
    return (url, WS, options) => new RWS(url, undefined, { WebSocket: WS, ...options });
  },
  partysocket: async () => {
    const { default: PartySocket } = await import("partysocket/ws");
    return (url, WS, options) => new PartySocket(url, undefined, { WebSocket: WS, ...options });
  },
};

// Options that make each anchor retry within a millisecond, for the memory benchmark's
// 1,000 cycles. Ours gets its equivalent from the caller (it depends on the profile's flags).
export const FAST_RETRY = {
  "reconnecting-websocket": { minReconnectionDelay: 1, maxReconnectionDelay: 1 },
  partysocket: { minReconnectionDelay: 1, maxReconnectionDelay: 1 },
};

/** Load a spec; returns { name, open(url, WebSocketClass, options) }. */
export async function loadLib(spec) {
  const eq = spec.indexOf("=");
  if (eq < 0) {
    if (!ANCHORS[spec]) throw new Error(`unknown library ${spec}`);
    return { name: spec, open: await ANCHORS[spec]() };
  }
  const name = spec.slice(0, eq);
  const mod = await import(pathToFileURL(resolve(spec.slice(eq + 1))).href);
  if (typeof mod.ReconnectingSocket !== "function") {
    throw new Error(`${spec} does not export ReconnectingSocket`);
  }
  const open = (url, WS, options) =>
    new mod.ReconnectingSocket(url, undefined, { WebSocket: WS, ...options });
  return { name, open };
}

/** Parse "--key value" pairs and bare words (specs) from argv. */
export function parseArgs(argv) {
  const flags = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) flags[argv[i].slice(2)] = argv[++i];
    else rest.push(argv[i]);
  }
  return { flags, specs: rest };
}

/** Resolve when `check()` is true, polling every `everyMs`; reject after `timeoutMs`. */
export function waitFor(check, timeoutMs, what, everyMs = 1) {
  const started = Date.now();
  return new Promise((done, fail) => {
    const poll = () => {
      if (check()) return done();
      if (Date.now() - started > timeoutMs) return fail(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, everyMs);
    };
    poll();
  });
}
