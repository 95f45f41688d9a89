"""What every benchmark shares: paths, running a Node script, and the shape of a result."""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NODE_MODULES = BENCH / "node_modules"


@dataclass(frozen=True)
class Check:
    """One target the project set itself and whether this run met it (None: not measured)."""

    target: str
    figure: str
    met: bool | None


@dataclass
class Table:
    """A further table in a section, under its own heading."""

    title: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """One benchmark's results: a table, the notes a reader needs, and the targets it checks."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    subtables: list[Table] = field(default_factory=list)


@dataclass
class Context:
    """What a run knows before any benchmark starts."""

    quick: bool
    tmp: Path
    out_dir: Path
    ours: dict[str, Path]  # profile name -> rendered module
    missing: dict[str, str]  # profile name -> why it could not be rendered
    cli_missing: str | None  # why `wsgen generate` cannot run here, if it cannot
    window: tuple[int, int] | None  # the default profile's 1012 window, in ms
    fast_restart: Path | None  # the default profile with a 1-2 ms 1012 window


def run_node(script: str, *args: str, timeout: float = 300, gc: bool = False) -> dict:
    """Run bench/js/<script> and return the JSON object it prints last."""
    command = ["node", *(["--expose-gc"] if gc else []), str(BENCH / "js" / script), *args]
    proc = subprocess.run(command, cwd=BENCH, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{script} failed ({proc.returncode}):\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def installed_version(package: str) -> str:
    """The version of an npm package installed under bench/node_modules."""
    manifest = NODE_MODULES / package / "package.json"
    return json.loads(manifest.read_text())["version"]


def median(values: list[float]) -> float:
    return statistics.median(values)


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB"


def not_available(section: Section, what: str, reason: str) -> None:
    """Note that our module could not be measured, instead of failing the whole run."""
    section.notes.append(f"{what}: not available yet ({reason}).")
