// Parses each file given as ECMAScript 2017 (modules for .js/.mjs, scripts otherwise) and
// exits 1 naming the first syntax a 2017 engine would reject (class fields, ?., ??, ...).
// usage: node parse-es2017.mjs module:FILE script:FILE ...
import { readFileSync } from "node:fs";
import { parse } from "acorn";

let failed = false;
for (const argument of process.argv.slice(2)) {
  const [sourceType, file] = argument.split(/:(.*)/s);
  try {
    parse(readFileSync(file, "utf8"), { ecmaVersion: 2017, sourceType });
  } catch (error) {
    console.log(`${file}: ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
