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


def render(sections: list[Section], quick: bool, command: str = "python bench/run.py") -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = output_of(["git", "rev-parse", "--short", "HEAD"])
    command += " --quick" if quick else ""
    out = [
        "# wsgen benchmarks",
        "",
        f"Last run: `{command}` on {now}; each section says when it was measured."
        + (" **Quick run: tiny inputs, figures not meaningful.**" if quick else ""),
        "",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        "",
        TARGETS_HEADING,
        "",
        table(
            TARGET_HEADERS,
            [[c.target, c.figure, MARK[c.met], s.title] for s in sections for c in s.checks],
        ),
    ]
    for section in sections:
        stamp = f"_Measured {now} at {commit} on {machine()} (`{command}`)._"
        out += ["", f"## {section.title}", "", stamp]
        if section.rows:
            out += ["", table(section.headers, section.rows)]
        for sub in section.subtables:
            out += ["", f"### {sub.title}", "", table(sub.headers, sub.rows)]
        if section.notes:
            out += ["", *(f"- {note}" for note in section.notes)]
    return "\n".join(out) + "\n"


TARGETS_HEADING = "## Targets"
TARGET_HEADERS = ["target", "measured", "result", "benchmark"]


def _split(text: str) -> tuple[str, list[str], dict[str, str]]:
    """A RESULTS.md as its preamble, its target rows and its sections by title (in order)."""
    preamble, *chunks = text.split("\n## ")
    targets: list[str] = []
    sections: dict[str, str] = {}
    for chunk in chunks:
        title = chunk.splitlines()[0]
        if title.startswith("Targets"):
            targets = [line for line in chunk.splitlines() if line.startswith("| ")][1:]
        else:
            sections[title] = "## " + chunk.rstrip("\n")
    return preamble, targets, sections


def merge(previous: str, current: str) -> str:
    """`current` (a run of some benchmarks) over `previous`: its sections and targets replace
    theirs, every other section and its targets stay as they were measured."""
    preamble, new_targets, new_sections = _split(current)
    _, old_targets, sections = _split(previous)
    for title, text in new_sections.items():
        sections[title] = text  # in place when it was there, else at the end

    def owner(row: str) -> str:
        return row.rstrip(" |").rsplit(" | ", 1)[-1]

    kept = [row for row in old_targets if owner(row) not in new_sections]
    order = {title: i for i, title in enumerate(sections)}
    rows = sorted(kept + new_targets, key=lambda row: order.get(owner(row), len(order)))
    header = table(TARGET_HEADERS, []).rstrip("\n")
    out = [preamble.rstrip("\n"), "", TARGETS_HEADING, "", header, *rows]
    for text in sections.values():
        out += ["", text]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit("run bench/run.py instead")
