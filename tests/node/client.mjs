// Runs a generated module in Node against a real server and reports what it does, one JSON
// line per event on stdout, so pytest can check behaviour from the outside.
//
// usage: node client.mjs MODULE_PATH CONFIG_JSON   (a .cjs module is loaded with require)
// CONFIG_JSON: {
//   url, protocols?, options?,            passed to the constructor (options.WebSocket = ws)
//   binaryType?,                          set right after construction
//   random?: number,                      replaces Math.random, for exact delays
//   rules?: [{ on, count?, send?, close? }] on the count-th event of type `on` (default 1):
//                                          send each string in `send`, then close(...close)
// }
// The process is never told to exit: a test that waits for it to end proves that the module
// left no timer or socket behind.
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

// CommonJS users `require` the file; load it the way they would.
const moduleExports = modulePath.endsWith(".cjs")
  ? createRequire(import.meta.url)(modulePath)
  : await import(pathToFileURL(modulePath).href);
const SocketClass = moduleExports[config.className || "ReconnectingSocket"];
const socket = new SocketClass(config.url, config.protocols, {
  WebSocket,
  ...config.options,
});
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
      return { code: event.code, reason: event.reason, attempt: event.attempt, delay: event.delay };
    default:
      return {};
  }
}

for (const type of ["open", "message", "error", "close", "reconnecting"]) {
  socket.addEventListener(type, (event) => {
    counts[type] = (counts[type] || 0) + 1;
    report(type, { ...describe(event), readyState: socket.readyState });
    for (const rule of rules) {
      if (rule.on !== type || (rule.count || 1) !== counts[type]) continue;
      for (const data of rule.send || []) {
        try {
          socket.send(data);
          report("sent", { data });
        } catch (error) {
          report("send-error", { data, name: error.name, message: error.message });
        }
      }
      if (rule.close) socket.close(...rule.close);
    }
  });
}
