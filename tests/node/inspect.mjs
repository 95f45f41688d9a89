// Loads generated modules and reports what they hold, so the hostile-input battery can compare
// the JavaScript with the values it asked for: many modules per process, to stay fast.
//
// usage: node inspect.mjs < PATHS_JSON      (a JSON array of module paths)
// prints one JSON array, one entry per path, in order:
//   { exports: [names], defaults: {...}, policy: [[first, last, action], ...] }
//   or { error: "..." } when the module does not load.
// Non-finite numbers, which JSON cannot carry, come out as the strings "Infinity" and "NaN".
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// The literal blocks sit at the top of every generated module; evaluating their text alone
// checks the literals themselves, whatever the module's exports.
const BLOCKS = {
  defaults: /^const DEFAULTS = (Object\.freeze\(\{\n[\s\S]*?\n\}\));$/m,
  policy: /^const CLOSE_POLICY = (\[\n[\s\S]*?\n\]);$/m,
};

function evaluateBlock(source, pattern) {
  const match = source.match(pattern);
  if (!match) throw new Error(`no block matching ${pattern}`);
  return new Function(`"use strict"; return ${match[1]};`)();
}

async function inspect(path) {
  try {
    const source = readFileSync(path, "utf8");
    const module = await import(pathToFileURL(path).href);
    return {
      exports: Object.keys(module),
      defaults: evaluateBlock(source, BLOCKS.defaults),
      policy: evaluateBlock(source, BLOCKS.policy),
    };
  } catch (error) {
    return { error: String(error && error.stack) };
  }
}

const paths = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const path of paths) results.push(await inspect(path));
process.stdout.write(
  JSON.stringify(results, (key, value) =>
    typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  ),
);
