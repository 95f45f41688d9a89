"""CLI speed: `wsgen generate` against importing its two dependencies, in the same run."""

from __future__ import annotations

import subprocess
import sys
import time

from common import REPO, Check, Context, Section, median

TARGET = 1.5  # x the time of `python -c "import typer, jinja2"` (issue 6)
# Render targets timed in-process: name -> flags for build_options. One output format today.
RENDER_TARGETS: dict[str, dict[str, str]] = {"esm (default options)": {}}


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


def run(ctx: Context) -> Section:
    repeats = 2 if ctx.quick else 15
    section = Section("CLI speed", ["what", "median", "runs"])
    target = f"`wsgen generate` ≤ {TARGET}x `import typer, jinja2`"
    if ctx.cli_missing:
        section.notes.append(f"wsgen generate: not available yet ({ctx.cli_missing}).")
        section.checks.append(Check(target, "not available yet", None))
        return section

    baseline_row = '`python -c "import typer, jinja2"`'
    generate_row = "`python -m generator generate --out FILE`"
    commands = {
        baseline_row: ["-c", "import typer, jinja2"],
        # typer imports pydantic while it parses arguments, which `import typer` alone does not:
        # this row is the floor under any typer command that takes options.
        "the same + `from pydantic import TypeAdapter`": [
            "-c",
            "import typer, jinja2; from pydantic import TypeAdapter",
        ],
        generate_row: ["-m", "generator", "generate", "--out", str(ctx.tmp / "cli.js")],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):  # interleaved, so all see the same machine load
        for name, args in commands.items():
            times[name].append(wall_time([sys.executable, *args]))
    for name, samples in times.items():
        section.rows.append([name, f"{median(samples) * 1000:.0f} ms", str(repeats)])
    ratio = median(times[generate_row]) / median(times[baseline_row])
    section.checks.append(Check(target, f"{ratio:.2f}x", ratio <= TARGET))
    section.notes.append(
        "Wall time of a fresh interpreter each run, the commands alternating. "
        "`python -m generator` is what the `wsgen` script runs, without the launcher."
    )

    from generator.options import build_options
    from generator.render import render_module

    for name, flags in RENDER_TARGETS.items():
        options = build_options(flags)
        started = time.perf_counter()
        render_module(options)  # the first call in this process compiles the template
        first = time.perf_counter() - started
        section.rows.append(
            [f"render {name}, first call (compiles the template)", f"{first * 1000:.1f} ms", "1"]
        )
        samples = []
        for _ in range(repeats * 10):
            started = time.perf_counter()
            render_module(options)
            samples.append(time.perf_counter() - started)
        section.rows.append(
            [f"render {name}, imported", f"{median(samples) * 1000:.2f} ms", str(len(samples))]
        )
    return section
