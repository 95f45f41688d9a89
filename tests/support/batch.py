"""Many virtual-clock scenarios through one Node process (tests/logic/batch.mjs), and the
generated modules they load, rendered once per set of options.

A property that runs hundreds of scenarios cannot start Node for each (about 50 ms apiece); one
process answers them in a few ms each. Every wait on it is bounded."""

from __future__ import annotations

import hashlib
import json
import os
import select
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from generator.options import GeneratorOptions
from generator.render import render_module
from tests.support.logic import Run, node_binary

BATCH = Path(__file__).resolve().parent.parent / "logic" / "batch.mjs"
ANSWER_WITHIN = 30.0  # seconds; one scenario takes milliseconds


class LogicBatch:
    """One Node process running scenarios one at a time; `close()` ends it."""

    def __init__(self, modules: Path) -> None:
        self.modules = modules
        self._rendered: dict[str, Path] = {}
        # Node's own complaints go to a file: a pipe nobody reads could fill and stall it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        self._process = subprocess.Popen(
            [node_binary(), str(BATCH)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._pending = b""

    def module(self, options: GeneratorOptions) -> Path:
        """The esm module of `options`, rendered on first use and kept for the session."""
        key = hashlib.sha256(json.dumps(options.to_flags(), sort_keys=True).encode()).hexdigest()
        path = self._rendered.get(key)
        if path is None:
            path = self.modules / f"{key[:16]}.mjs"
            path.write_text(render_module(options), encoding="utf-8")
            self._rendered[key] = path
        return path

    def run(self, module: Path, scenario: dict[str, Any]) -> Run:
        """Play `scenario` (see tests/logic/scenario.mjs) against `module`."""
        data = self._ask({"module": str(module), "scenario": scenario})
        return Run(
            [tuple(row) for row in data["log"]],
            data["draws"],
            data["timers"],
            data["listeners"],
            data["readyState"],
        )

    def decide(
        self, module: Path, codes: list[int], random: float, options: dict[str, Any]
    ) -> dict[int, tuple[str, int | None]]:
        """What `module` constructed with `options` does when an open connection closes with
        each of `codes`, Math.random returning `random`: ("close", None) or ("reconnecting",
        delay)."""
        request = {"codes": codes, "random": random, "options": options}
        data = self._ask({"module": str(module), "decide": request})
        return {int(code): (kind, delay) for code, (kind, delay) in data.items()}

    def _ask(self, request: dict[str, Any]) -> Any:
        assert self._process.stdin is not None
        self._process.stdin.write((json.dumps(request) + "\n").encode())
        self._process.stdin.flush()
        data = json.loads(self._read_line())
        if isinstance(data, dict) and "error" in data:
            raise AssertionError(f"the batch harness failed: {data['error']}")
        return data

    def _read_line(self) -> bytes:
        assert self._process.stdout is not None
        stream = self._process.stdout.fileno()
        while b"\n" not in self._pending:
            ready, _, _ = select.select([stream], [], [], ANSWER_WITHIN)
            chunk = os.read(stream, 1 << 16) if ready else b""
            if not chunk:
                self.close()
                self._stderr.seek(0)
                stderr = self._stderr.read().decode(errors="replace")
                raise AssertionError(
                    f"no answer from {BATCH.name} within {ANSWER_WITHIN} s: {stderr}"
                )
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=10)
        self._stderr.close()
