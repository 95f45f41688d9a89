"""Run every benchmark; print the results table and write RESULTS.md.

    npm ci --prefix bench                 # the anchors, esbuild and ws, pinned
    pip install -r bench/requirements.txt # matplotlib, for the storm histogram
    python bench/run.py                   # full run, ~5 min; writes bench/RESULTS.md + storm.png
    python bench/run.py --quick           # tiny inputs, ~30 s; writes into a temp folder
    python bench/run.py --only size       # some benchmarks; their sections replace those in
                                          # RESULTS.md, the others stay as they were measured

Our module is rendered by this checkout's CLI (`python -m generator generate`) in each
profile; where it cannot be yet, its rows say "not available yet" and the rest still runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH, NODE_MODULES, REPO, Context

sys.path.insert(0, str(REPO))  # `generator` from this checkout, as the CLI runs it

import cli_speed
import hidden_holder
import memory
import ours
import report
import restart
import share_tabs
import size
import storm
import throughput
import timing

BENCHMARKS = {
    "size": size.run,
    "throughput": throughput.run,
    "timing": timing.run,
    "storm": storm.run,
    "restart": restart.run,
    "share-tabs": share_tabs.run,
    "hidden-holder": hidden_holder.run,
    "memory": memory.run,
    "cli": cli_speed.run,
}


def prepare(quick: bool, tmp: Path, out_dir: Path, module: Path | None) -> Context:
    """Render our module in every profile this CLI knows, noting why any cannot be."""
    ctx = Context(quick, tmp, out_dir, {}, {}, cli_missing=None, window=None, fast_restart=None)
    for profile, flags in ours.PROFILES.items():
        if flags is None:
            ctx.missing[profile] = "the CLI has no flags for this profile yet"
            continue
        try:
            ctx.ours[profile] = ours.render(flags, tmp / f"wsgen-{profile}.js")
        except ours.Unavailable as why:
            ctx.missing[profile] = str(why)
    ctx.cli_missing = ctx.missing.get("default")
    if module is not None:
        ctx.ours["default"] = module.resolve()
        ctx.missing.pop("default", None)
    try:
        ctx.fast_restart = ours.render(ours.FAST_RESTART, tmp / "wsgen-fast-restart.js")
    except ours.Unavailable as why:
        ctx.missing["fast-restart"] = str(why)
    if "default" in ctx.ours:
        try:
            ctx.window = ours.restart_window(ctx.ours["default"])
        except ours.Unavailable as why:
            ctx.missing["window"] = str(why)
    return ctx


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs: a smoke test")
    parser.add_argument("--module", type=Path, help="measure this file as the default profile")
    parser.add_argument("--out-dir", type=Path, help="where RESULTS.md and storm.png go")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()

    if not (NODE_MODULES / "ws").is_dir():
        print("bench/node_modules is missing: run `npm ci --prefix bench` first", file=sys.stderr)
        return 2
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="wsgen-bench-") as scratch:
        tmp = Path(scratch)
        # A quick run is a smoke test: it must not overwrite the committed results.
        out_dir = args.out_dir or (tmp if args.quick else BENCH)
        out_dir.mkdir(parents=True, exist_ok=True)
        ctx = prepare(args.quick, tmp, out_dir, args.module)
        sections = []
        for name in chosen:
            started = time.perf_counter()
            sections.append(BENCHMARKS[name](ctx))
            print(f"[{name}: {time.perf_counter() - started:.1f} s]", file=sys.stderr)
        command = "python bench/run.py" + (f" --only {args.only}" if args.only else "")
        text = report.render(sections, args.quick, command)
        print(text)
        if args.out_dir or not args.quick:
            results = out_dir / "RESULTS.md"
            if args.only and results.exists():
                text = report.merge(results.read_text(encoding="utf-8"), text)
            results.write_text(text, encoding="utf-8")
            print(f"wrote {out_dir / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
