// The Node side of the soak: one process per client, so each one's exit proves the module left
// no timer or socket behind. Events go to stdout as JSON lines, like client.mjs.
//
// usage: node soak.mjs MODULE_PATH CONFIG_JSON   (CONFIG_JSON: see runSoakClient, minus the classes)
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { runSoakClient } from "./soak-client.mjs";

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

const moduleExports = await import(pathToFileURL(modulePath).href);
runSoakClient(
  { ...config, SocketClass: moduleExports[config.className || "ReconnectingSocket"], WebSocket },
  report,
);
