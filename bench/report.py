"""The results as Markdown: printed to the terminal and written to RESULTS.md alike."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

from common import REPO, Section, installed_version

MARK = {True: "met", False: "**missed**", None: "not measured"}
PACKAGES = ["esbuild", "ws", "reconnecting-websocket", "partysocket", "sockette", "websocket-ts"]


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores"


def output_of(command: list[str]) -> str:
    try:
        return subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, timeout=30
        ).stdout.strip()
    except OSError:
        return "?"


def versions() -> str:
    try:
        from generator import __version__ as wsgen
    except ImportError:
        wsgen = "?"
    commit = output_of(["git", "rev-parse", "--short", "HEAD"])
    parts = [
        f"wsgen {wsgen} ({commit})",
        f"Python {platform.python_version()}",
        f"Node {output_of(['node', '--version'])}",
    ]
    parts += [f"{name} {installed_version(name)}" for name in PACKAGES]
    return ", ".join(parts)


def render(sections: list[Section], quick: bool) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python bench/run.py" + (" --quick" if quick else "")
    out = [
        "# wsgen benchmarks",
        "",
        f"`{command}` on {now}."
        + (" **Quick run: tiny inputs, figures not meaningful.**" if quick else ""),
        "",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        "",
        "## Targets (issue 6)",
        "",
        table(
            ["target", "measured", "result"],
            [[c.target, c.figure, MARK[c.met]] for s in sections for c in s.checks],
        ),
    ]
    for section in sections:
        out += ["", f"## {section.title}"]
        if section.rows:
            out += ["", table(section.headers, section.rows)]
        if section.notes:
            out += ["", *(f"- {note}" for note in section.notes)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit("run bench/run.py instead")
