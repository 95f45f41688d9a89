// Loads generated modules and reports what they hold, so the hostile-input battery can compare
// the JavaScript with the values it asked for: many modules per process, to stay fast.
//
// usage: node inspect.mjs < JOBS_JSON      (a JSON array of { path, load })
// prints one JSON array, one entry per job, in order:
//   { exports: [names] | null, defaults: {...}, policy: [[first, last, action], ...] }
//   or { error: "..." } when the module does not load or a block does not evaluate.
// `load: false` (TypeScript source) evaluates the literal blocks without loading the file.
// Non-finite numbers, which JSON cannot carry, come out as the strings "Infinity" and "NaN".
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// The literal blocks every format carries (indented inside an iife, typed in ts); evaluating
// their text alone checks the literals themselves, whatever the file exports.
const BLOCKS = {
  defaults: /^( *)const DEFAULTS(?:: \w+)? = (\{\n[\s\S]*?\n\1\});$/m,
  policy: /^( *)const CLOSE_POLICY(?:: [^=]+)? = (\[\n[\s\S]*?\n\1\]);$/m,
};

function evaluateBlock(source, pattern) {
  const match = source.match(pattern);
  if (!match) throw new Error(`no block matching ${pattern}`);
  return new Function(`"use strict"; return ${match[2]};`)();
}

async function inspect({ path, load }) {
  try {
    const source = readFileSync(path, "utf8");
    const module = load ? await import(pathToFileURL(path).href) : null;
    return {
      exports: module ? Object.keys(module) : null,
      defaults: evaluateBlock(source, BLOCKS.defaults),
      policy: evaluateBlock(source, BLOCKS.policy),
    };
  } catch (error) {
    return { error: String(error && error.stack) };
  }
}

const jobs = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const job of jobs) results.push(await inspect(job));
process.stdout.write(
  JSON.stringify(results, (key, value) =>
    typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  ),
);
