"""CLI speed: the CPU time of `wsgen generate` against importing its two dependencies, paired.

Each pair runs `python -c "import typer, jinja2"` and `python -m generator generate --out FILE`
back to back, in alternating order, each in a fresh interpreter; the figure is the median of
the per-pair ratios of CPU time (user + system, from the child's rusage), so the machine's
load, which changes from second to second, hits both sides of a ratio alike.

`python bench/cli_speed.py` runs this section alone and prints it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, Check, Context, Section, median

TARGET = 1.3  # x the CPU time of `python -c "import typer, jinja2"`: wsgen's own start-up cost
# Render targets timed in-process: name -> flags for build_options.
RENDER_TARGETS: dict[str, dict[str, str]] = {"esm (default options)": {}}
BASELINE = ["-c", "import typer, jinja2"]


def cpu_time(arguments: list[str], cwd: Path) -> float:
    """Seconds of CPU (user + system) a fresh interpreter spends on `arguments` in `cwd`, with
    this checkout's generator importable."""
    process = subprocess.Popen(
        [sys.executable, *arguments],
        cwd=cwd,
        env=_environment(cwd),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            raise TimeoutError(" ".join(arguments))
        time.sleep(0.002)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} exited {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def paired_ratio(
    generate: list[str], pairs: int, cwd: Path
) -> tuple[float, list[float], list[float]]:
    """Median of per-pair CPU ratios generate / baseline, and both samples."""
    for warm_up in (generate, BASELINE):  # fill the bytecode caches (Python's, Jinja's) once
        cpu_time(warm_up, cwd)
    base, ours, ratios = [], [], []
    for number in range(pairs):
        if number % 2:
            mine, theirs = cpu_time(generate, cwd), cpu_time(BASELINE, cwd)
        else:
            theirs, mine = cpu_time(BASELINE, cwd), cpu_time(generate, cwd)
        base.append(theirs)
        ours.append(mine)
        ratios.append(mine / theirs)
    return median(ratios), base, ours


def _environment(cwd: Path) -> dict[str, str]:
    """This checkout's generator importable, and bytecode cached as an installed wheel has it
    (pip compiles on install): PYTHONDONTWRITEBYTECODE would make every run compile wsgen's
    modules from source. The cache goes beside the project folder, not into the checkout."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONPYCACHEPREFIX": str(cwd.parent / "pyc")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=cwd,
        env=_environment(cwd),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def import_profile(generate: list[str], cwd: Path, top: int = 6) -> list[tuple[str, float]]:
    """The modules whose import costs most beyond the baseline's (`-X importtime`, cumulative
    ms, only top-level entries: what `wsgen generate` imports that the baseline does not)."""
    result = _run(["-X", "importtime", *generate], cwd)
    baseline = _run(["-X", "importtime", *BASELINE], cwd)
    line = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)")
    seen = {match[3] for match in map(line.match, baseline.stderr.splitlines()) if match}
    costs = []
    for text in result.stderr.splitlines():
        match = line.match(text)
        if match and match[3] not in seen and len(match[2]) <= 2:
            costs.append((match[3], int(match[1]) / 1000))
    return sorted(costs, key=lambda item: -item[1])[:top]


def call_profile(generate: list[str], cwd: Path, top: int = 6) -> list[tuple[str, float]]:
    """The functions with the most cumulative time under the command (cProfile), wsgen's own
    and typer's, without the import machinery."""
    with tempfile.TemporaryDirectory() as folder:
        stats = Path(folder) / "profile"
        _run(["-m", "cProfile", "-o", str(stats), *generate], cwd)
        import pstats

        table = pstats.Stats(str(stats)).stats  # type: ignore[attr-defined]
    rows = []
    for (filename, line, function), (_cc, _nc, _tt, cumulative, _callers) in table.items():
        if "importlib" in filename or filename.startswith("<") or function == "<module>":
            continue
        place = f"{Path(filename).parent.name}/{Path(filename).name}:{line} {function}"
        rows.append((place, cumulative * 1000))
    rows.sort(key=lambda row: -row[1])
    return rows[2 : 2 + top]  # the first two are runpy and main(), which hold everything


def run(ctx: Context) -> Section:
    pairs = 4 if ctx.quick else 30
    section = Section("CLI speed", ["what", "median CPU", "runs"])
    target = f"`wsgen generate` ≤ {TARGET}x the CPU time of `import typer, jinja2`"
    if ctx.cli_missing:
        section.notes.append(f"wsgen generate: not available yet ({ctx.cli_missing}).")
        section.checks.append(Check(target, "not available yet", None))
        return section

    # An empty project folder, as a front-end project without a pyproject.toml: the checkout's
    # own pyproject.toml would add a TOML parse that a user's project does not have.
    project = ctx.tmp / "cli-project"
    (project / ".git").mkdir(parents=True, exist_ok=True)
    generate = ["-m", "generator", "generate", "--out", "src/vendor/socket.js"]
    ratio, base, ours = paired_ratio(generate, pairs, project)
    section.rows.append(['`python -c "import typer, jinja2"`', _ms(median(base)), str(pairs)])
    section.rows.append(
        ["`python -m generator generate --out FILE`", _ms(median(ours)), str(pairs)]
    )
    section.checks.append(Check(target, f"{ratio:.2f}x", ratio <= TARGET))
    section.notes.append(
        f"CPU time (user + system) of a fresh interpreter per run; {pairs} pairs, alternating "
        f"which runs first; the figure is the median of the per-pair ratios. "
        f"`python -m generator` is what the `wsgen` script runs, without the launcher. Run in "
        f"an empty project folder (no pyproject.toml to parse), templates compiled by an "
        f"earlier run (Jinja's bytecode cache in ~/.cache/wsgen)."
    )
    imports = ", ".join(f"{name} {ms:.1f} ms" for name, ms in import_profile(generate, project))
    section.notes.append(f"Imports beyond the baseline's (cumulative, -X importtime): {imports}.")
    calls = ", ".join(f"{place} {ms:.1f} ms" for place, ms in call_profile(generate, project))
    section.notes.append(f"Top cumulative calls (cProfile, its overhead included): {calls}.")

    sys.path.insert(0, str(REPO))  # this checkout's generator, as the timed runs use
    from generator.options import build_options
    from generator.render import render_module

    for name, flags in RENDER_TARGETS.items():
        options = build_options(flags)
        started = time.perf_counter()
        render_module(options)  # the first call in this process loads the template
        first = time.perf_counter() - started
        section.rows.append(
            [f"render {name}, first call (loads the template)", f"{first * 1000:.1f} ms", "1"]
        )
        samples = []
        for _ in range(pairs * 5):
            started = time.perf_counter()
            render_module(options)
            samples.append(time.perf_counter() - started)
        section.rows.append(
            [f"render {name}, imported", f"{median(samples) * 1000:.2f} ms", str(len(samples))]
        )
    return section


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as folder:
        ctx = Context(quick, Path(folder), Path(folder), {}, {}, None, None, None)
        section = run(ctx)
    print(f"## {section.title}\n")
    for row in section.rows:
        print(" | ".join(row))
    for check in section.checks:
        print(f"\n{check.target}: {check.figure} ({'met' if check.met else 'NOT met'})")
    for note in section.notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
