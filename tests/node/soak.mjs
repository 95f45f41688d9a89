// The Node side of the soak: one process per client, so each one's exit proves the module left
// no timer or socket behind. Events go to stdout as JSON lines, like client.mjs.
//
// usage: node soak.mjs MODULE_PATH CONFIG_JSON   (CONFIG_JSON: see runSoakClient, minus the classes)
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { report } from "./report.mjs";
import { runSoakClient } from "./soak-client.mjs";

const [modulePath, configText] = process.argv.slice(2);
const config = JSON.parse(configText);

const moduleExports = await import(pathToFileURL(modulePath).href);
runSoakClient(
  { ...config, SocketClass: moduleExports[config.className || "ReconnectingSocket"], WebSocket },
  report,
);
