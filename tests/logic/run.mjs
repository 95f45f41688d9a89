// Runs one scenario of the generated module on a virtual clock, against a fake WebSocket, with
// a seeded Math.random, and prints what happened as JSON: nothing depends on the machine's speed.
//
//   node run.mjs <module.mjs>   (the scenario as JSON on stdin; scenario.mjs says its shape)
//
// batch.mjs runs many scenarios in one process, for the model-based properties.
import { pathToFileURL } from "node:url";
import { installVirtualClock } from "../../bench/js/virtual-clock.mjs";
import { installWorld } from "./scenario.mjs";

const scenario = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));

const world = installWorld(installVirtualClock());
const { ReconnectingSocket } = await import(pathToFileURL(process.argv[2]).href);
process.stdout.write(JSON.stringify(await world.play(ReconnectingSocket, scenario)));
