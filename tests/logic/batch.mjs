// Many scenarios in one Node process, for properties that run hundreds of them: starting Node
// for each would cost more than every scenario together.
//
//   node batch.mjs   then one request per line on stdin: { module, scenario } or
//                    { module, decide: { codes, random, options } }
//
// Each answer is one line on stdout: what scenario.mjs's play() or decide() returns, or
// { error }. The virtual clock restarts at 0 for every scenario; each module file is imported
// once and kept.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { installVirtualClock } from "../../bench/js/virtual-clock.mjs";
import { decide, installWorld } from "./scenario.mjs";

const clock = installVirtualClock();
const world = installWorld(clock);
const settle = () => new Promise((resolve) => setImmediate(resolve));

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  let answer;
  try {
    const request = JSON.parse(line);
    const { ReconnectingSocket } = await import(pathToFileURL(request.module).href);
    clock.reset();
    answer = request.decide
      ? decide(ReconnectingSocket, request.decide)
      : await world.play(ReconnectingSocket, request.scenario);
  } catch (error) {
    answer = { error: String(error?.stack ?? error) };
  }
  // Promise chains left by this scenario settle before the next one starts; its timers go.
  await settle();
  clock.reset();
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
