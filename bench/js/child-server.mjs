// Start a benchmark server in its own Node process, so its work and its heap never count
// against the client being measured. The server prints its port as its first line.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Run js/<script> with args; resolves { port, stop() } once it listens on 127.0.0.1. */
export function startServer(script, args = []) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [path, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const stop = () => child.kill();
  // A crashed benchmark must not leave a server behind.
  process.once("exit", stop);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start in 10 s`)), 10_000);
    child.once("exit", (code) => fail(new Error(`${script} exited with ${code}`)));
    child.stdout.once("data", (chunk) => {
      clearTimeout(timer);
      done({ port: Number(String(chunk).trim()), stop });
    });
  });
}
