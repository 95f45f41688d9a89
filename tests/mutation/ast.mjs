// Prints the ESTree syntax tree (acorn, the newest ECMAScript) of each file given, as one JSON
// array, for tests/mutation/sites.py. Files ending in .cjs or .iife.js are scripts, the rest
// modules. acorn comes from the pinned tests/types harness.
// usage: node ast.mjs FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../types/package.json", import.meta.url));
const { parse } = require("acorn");

const trees = process.argv.slice(2).map((file) => {
  const sourceType = /\.(cjs|iife\.js)$/.test(file) ? "script" : "module";
  return parse(readFileSync(file, "utf8"), { ecmaVersion: "latest", sourceType });
});
process.stdout.write(JSON.stringify(trees));
