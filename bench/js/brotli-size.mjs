// Brotli size of each file named on the command line, at the highest quality a server would
// precompress with. Node's zlib is used because Python's `brotli` is not always installed.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const sizes = process.argv.slice(2).map((path) => {
  const data = readFileSync(path);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  };
  return brotliCompressSync(data, { params }).length;
});
console.log(JSON.stringify({ sizes }));
