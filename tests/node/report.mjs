// What every Node harness shares: one JSON line per event on stdout (with the ms since start),
// and no error that escapes the module goes unseen: it is reported, and the exit code says so.
const started = performance.now();

/** Writes one event as a JSON line: { type, t, ...fields }. */
export function report(type, fields) {
  const line = { type, t: Math.round((performance.now() - started) * 10) / 10, ...fields };
  process.stdout.write(JSON.stringify(line) + "\n");
}

process.on("uncaughtException", (error) => {
  report("uncaught", { message: String(error && error.stack) });
  process.exitCode = 70;
});
process.on("unhandledRejection", (error) => {
  report("unhandled-rejection", { message: String(error && error.stack) });
  process.exitCode = 71;
});
