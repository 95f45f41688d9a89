"""CLI speed: `wsgen generate` against importing its two dependencies, in the same run."""

from __future__ import annotations

import subprocess
import sys
import time

from common import REPO, Check, Context, Section, median

TARGET = 1.5  # × the time of `python -c "import typer, jinja2"` (issue 6)
# Render targets timed in-process: name -> flags for build_options. One output format today.
RENDER_TARGETS: dict[str, dict[str, str]] = {"esm (default options)": {}}


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


def run(ctx: Context) -> Section:
    repeats = 2 if ctx.quick else 15
    section = Section("CLI speed", ["what", "median", "runs"])
    target = f"`wsgen generate` ≤ {TARGET}× `import typer, jinja2`"
    if ctx.cli_missing:
        section.notes.append(f"wsgen generate: not available yet ({ctx.cli_missing}).")
        section.checks.append(Check(target, "not available yet", None))
        return section

    baseline = [sys.executable, "-c", "import typer, jinja2"]
    generate = [sys.executable, "-m", "generator", "generate", "--out", str(ctx.tmp / "cli.js")]
    times: dict[str, list[float]] = {"import": [], "generate": []}
    for _ in range(repeats):  # interleaved, so both see the same machine load
        times["import"].append(wall_time(baseline))
        times["generate"].append(wall_time(generate))
    ratio = median(times["generate"]) / median(times["import"])
    section.rows.append(
        ['`python -c "import typer, jinja2"`', f"{median(times['import']) * 1000:.0f} ms", str(repeats)]
    )
    section.rows.append(
        ["`python -m generator generate --out FILE`", f"{median(times['generate']) * 1000:.0f} ms", str(repeats)]
    )
    section.checks.append(Check(target, f"{ratio:.2f}×", ratio <= TARGET))
    section.notes.append(
        "Wall time of a fresh interpreter each run, the two commands alternating. "
        "`python -m generator` is what the `wsgen` script runs, without the launcher."
    )

    from generator.options import build_options
    from generator.render import render_module

    for name, flags in RENDER_TARGETS.items():
        options = build_options(flags)
        render_module(options)  # the first call compiles the template; time the steady state
        samples = []
        for _ in range(repeats * 10):
            started = time.perf_counter()
            render_module(options)
            samples.append(time.perf_counter() - started)
        section.rows.append([f"render {name}, imported", f"{median(samples) * 1000:.2f} ms", str(len(samples))])
    return section
