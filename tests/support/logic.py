"""The virtual-clock harness (tests/logic/run.mjs) from Python: one scenario in, what the module
did out, with virtual times in ms. Needs only `node`: no network, no packages."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).resolve().parent.parent / "logic" / "run.mjs"


def node_binary() -> str:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is required for the logic tests (Node 20 or newer)")
    return node


@dataclass
class Run:
    """What one scenario did: `log` rows are (virtual ms, kind, fields)."""

    log: list[tuple[int, str, dict[str, Any]]]
    draws: list[float]
    timers: int
    listeners: int
    ready_state: int

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [{"t": t, **fields} for t, what, fields in self.log if what == kind]

    def times(self, kind: str) -> list[float]:
        return [t for t, what, _ in self.log if what == kind]


def node_json(*arguments: str, stdin: str | None = None) -> Any:
    """What `node *arguments` printed, as JSON; a non-zero exit fails with Node's stderr."""
    result = subprocess.run(
        [node_binary(), *arguments], input=stdin, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def run_module_script(script: str) -> Any:
    """What an ES module `script` (run with `node -e`) printed, as JSON."""
    return node_json("--input-type=module", "-e", script)


def _run_node(runner: Path, module: Path, scenario: dict[str, Any]) -> Any:
    """What the Node `runner` printed, as JSON, for `scenario` against `module`."""
    return node_json(str(runner), str(module), stdin=json.dumps(scenario))


def run_scenario(module: Path, **scenario: Any) -> Run:
    """Run `scenario` (see run.mjs) against the generated esm `module`."""
    data = _run_node(RUNNER, module, scenario)
    return Run(
        [tuple(row) for row in data["log"]],
        data["draws"],
        data["timers"],
        data["listeners"],
        data["readyState"],
    )


TABS_RUNNER = Path(__file__).resolve().parent.parent / "logic" / "tabs.mjs"


@dataclass
class TabsRun:
    """What one scenario of tests/logic/tabs.mjs did: `log` rows are (virtual ms, tab, socket,
    kind, fields); `server` has `connections` (n, tab, url, received, openedAt, closedAt, code)
    and `mostOpen`; `states` the attributes of every socket at the end, per tab."""

    log: list[tuple[int, int, int | None, str, dict[str, Any]]]
    draws: list[tuple[int, float]]
    server: dict[str, Any]
    states: list[list[dict[str, Any]]]
    thrown: list[tuple[int, int, str]]
    timers: list[int]
    born: list[list[dict[str, Any]]]
    """Per tab, what each socket showed right after `new`: readyState and url."""
    left: list[dict[str, Any]]
    """Per tab at the end: `listeners` left on the window (their types), `channels` left open."""

    def of(self, kind: str, tab: int | None = None, socket: int = 0) -> list[dict[str, Any]]:
        """The `kind` events of one socket (`tab`, `socket`), or of every tab's first socket."""
        return [
            {"t": t, "tab": where, **fields}
            for t, where, which, what, fields in self.log
            if what == kind and which == socket and tab in (None, where)
        ]

    @property
    def connections(self) -> list[dict[str, Any]]:
        connections: list[dict[str, Any]] = self.server["connections"]
        return connections


def run_tabs(module: Path, **scenario: Any) -> TabsRun:
    """Run `scenario` (see tabs.mjs) against the generated iife `module`, in several tabs."""
    data = _run_node(TABS_RUNNER, module, scenario)
    return TabsRun(
        [tuple(row) for row in data["log"]],
        [tuple(draw) for draw in data["draws"]],
        data["server"],
        data["states"],
        [tuple(row) for row in data["thrown"]],
        data["timers"],
        data["born"],
        data["left"],
    )
