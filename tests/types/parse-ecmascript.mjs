// Parses each file given as one edition of ECMAScript (modules for .js/.mjs, scripts otherwise)
// and exits 1 naming the first syntax an engine of that edition would reject.
// usage: node parse-ecmascript.mjs YEAR module:FILE script:FILE ...
import { readFileSync } from "node:fs";
import { parse } from "acorn";

const [year, ...files] = process.argv.slice(2);
let failed = false;
for (const argument of files) {
  const [sourceType, file] = argument.split(/:(.*)/s);
  try {
    parse(readFileSync(file, "utf8"), { ecmaVersion: Number(year), sourceType });
  } catch (error) {
    console.log(`${file}: ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
