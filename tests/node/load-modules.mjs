// Loads generated modules of each JavaScript format and prints, as one JSON array, the typeof
// of the class each one defines: "function" for every file that parses, links and loads.
// ES modules (.mjs) by import(), CommonJS (.cjs) by require(), and the iife (.iife.js) as a
// classic script, which must define its global.
//
// usage: node load-modules.mjs CLASS_NAME FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

const [className, ...paths] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const loaded = [];
for (const path of paths) {
  if (path.endsWith(".mjs")) {
    loaded.push(typeof (await import(pathToFileURL(path).href))[className]);
  } else if (path.endsWith(".cjs")) {
    loaded.push(typeof require(path)[className]);
  } else {
    globalThis[className] = undefined;
    vm.runInThisContext(readFileSync(path, "utf8"), { filename: path });
    loaded.push(typeof globalThis[className]);
  }
}
console.log(JSON.stringify(loaded));
