"""Running the generated module in Node: find Node, install the harness's packages, and watch
one client process through the JSON lines `tests/node/client.mjs` prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.support.lateness import allow

NODE_DIR = Path(__file__).resolve().parent.parent / "node"
CLIENT = NODE_DIR / "client.mjs"


def ensure_node_packages() -> str:
    """Path of `node`, after installing the harness's pinned packages when they are missing."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is required for the behaviour tests (Node 20 or newer)")
    if not (NODE_DIR / "node_modules" / "ws").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300
        )
    return node


class NodeClient:
    """One `node client.mjs` process (or another harness `script` taking the same arguments);
    its events accumulate in `events` as they arrive."""

    def __init__(
        self,
        module: Path,
        config: dict[str, Any],
        script: Path = CLIENT,
        node_args: Sequence[str] = (),
    ) -> None:
        node = ensure_node_packages()
        self.events: list[dict[str, Any]] = []
        self.exited_at: float | None = None
        self.process = subprocess.Popen(
            [node, *node_args, str(script), str(module), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            event = json.loads(line)
            event["received_at"] = time.monotonic()
            self.events.append(event)
        # stdout closes when the process ends: the closest outside measure of its exit time.
        self.exited_at = time.monotonic()

    def of(self, event_type: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["type"] == event_type]

    def wait_for(self, event_type: str, count: int = 1, timeout: float = 10) -> dict[str, Any]:
        timeout = allow(timeout)
        deadline = time.monotonic() + timeout
        while len(self.of(event_type)) < count:
            if time.monotonic() > deadline or (
                self.process.poll() is not None and not (self._reader.is_alive())
            ):
                raise TimeoutError(
                    f"no {event_type} #{count} within {timeout} s; events: {self.events}"
                )
            time.sleep(0.01)
        return self.of(event_type)[count - 1]

    def command(self, action: dict[str, Any]) -> None:
        """Have the client perform `action` now (see client.mjs: send, close, reconnect,
        online, visible, report)."""
        assert self.process.stdin
        self.process.stdin.write(json.dumps(action) + "\n")
        self.process.stdin.flush()

    def wait_exit(self, timeout: float) -> int:
        """The exit code; raises TimeoutError (and kills the process) if it outlives `timeout`,
        stretched by the machine's load (a process exits late on a busy machine, not never)."""
        timeout = allow(timeout)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TimeoutError(
                f"node did not exit by itself within {timeout} s; events: {self.events}; "
                f"stderr: {self.stderr()!r}"
            ) from None
        self._reader.join(5)
        return code

    def stderr(self) -> str:
        assert self.process.stderr
        return self.process.stderr.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> NodeClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()


def client(module: Path, url: str, **config: Any) -> NodeClient:
    """`client.mjs` driving `module` against `url`; `config` adds its other keys (rules, random,
    options...)."""
    return NodeClient(module, {"url": url, **config})


INSPECT = NODE_DIR / "inspect.mjs"


def inspect_modules(modules: list[Path]) -> list[dict[str, Any]]:
    """Load each generated JavaScript module in one Node process (TypeScript files are read,
    not loaded) and return its exports and the values of its DEFAULTS and CLOSE_POLICY blocks
    (non-finite numbers as "Infinity" / "NaN")."""
    node = ensure_node_packages()
    jobs = [{"path": str(module), "load": module.suffix != ".ts"} for module in modules]
    result = subprocess.run(
        [node, str(INSPECT)], input=json.dumps(jobs), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    reports: list[dict[str, Any]] = json.loads(result.stdout)
    return reports
