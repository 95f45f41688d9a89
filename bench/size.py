"""Size: each module bundled as users ship it, then compressed as a server would send it.

Every bundle is made the same way: `esbuild --bundle --minify --format=esm
--legal-comments=none` on an entry file that re-exports what a user imports (bench/entries/ for
the anchors, a generated one for ours). esbuild keeps `/*! ... */` license comments by default,
which would count one library's license text against it and not another's; stripped, every
bundle is code only. gzip is level 9 (as `gzip -9`); brotli is quality 11.

Our cost per feature: the minimal profile (every optional feature off), then minimal with each
feature on alone, the difference in min+gzip bytes. What the drop-in costs: the minimal profile
with one part of its WebSocket fidelity cut out (bench/drop_in_cost.py).
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

from common import (
    BENCH,
    NODE_MODULES,
    Check,
    Context,
    Section,
    Table,
    installed_version,
    run_node,
)
from drop_in_cost import drop_in_cost
from ours import FEATURES, PROFILES, Unavailable, minimal_plus, render

ESBUILD = NODE_MODULES / ".bin" / "esbuild"

# (label, npm package, entry file under bench/entries/, whether it queues and backs off): the
# last says whether it is the kind of library our size target compares against.
ANCHORS = [
    ("reconnecting-websocket", "reconnecting-websocket", "reconnecting-websocket.js", True),
    ("partysocket (its WebSocket class)", "partysocket", "partysocket.js", True),
    ("sockette", "sockette", "sockette.js", False),
    ("websocket-ts (defaults)", "websocket-ts", "websocket-ts.js", False),
    (
        "websocket-ts quickstart (queue + constant backoff)",
        "websocket-ts",
        "websocket-ts-quickstart.js",
        True,
    ),
    (
        "websocket-ts + queue + exponential backoff",
        "websocket-ts",
        "websocket-ts-queue-backoff.js",
        True,
    ),
]
TARGETS = {"default": 1950, "minimal": 1550}  # bytes, min+gzip


def bundle(entry: Path, out: Path) -> bytes:
    """Bundle and minify `entry` into `out`; returns the bundle's bytes."""
    command = [str(ESBUILD), str(entry), "--bundle", "--minify", "--format=esm"]
    command += ["--legal-comments=none"]
    command += [f"--outfile={out}", "--log-level=warning"]
    subprocess.run(command, cwd=BENCH, check=True, timeout=60)
    return out.read_bytes()


def our_entry(module: Path, tmp: Path, profile: str) -> Path:
    """An entry that re-exports our class, as a user's bundle would import it."""
    entry = tmp / f"entry-{profile}.js"
    entry.write_text(f"export {{ ReconnectingSocket }} from {json.dumps(str(module))};\n")
    return entry


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def run(ctx: Context) -> Section:
    section = Section("Size", ["module", "minified", "min+gzip", "min+brotli"])
    section.notes.append(
        "Each bundle: `esbuild --bundle --minify --format=esm --legal-comments=none` (license "
        "comments stripped from every bundle, ours and the anchors alike, so only code is "
        "counted); gzip -9; brotli q11."
    )
    names: list[str] = []
    bundles: list[Path] = []
    for profile, module in ctx.ours.items():
        names.append(f"**wsgen {profile}**")
        bundles.append(ctx.tmp / f"size-{profile}.min.js")
        bundle(our_entry(module, ctx.tmp, profile), bundles[-1])
    queue_and_backoff: list[str] = []
    for label, package, entry, queues in ANCHORS:
        names.append(f"{label} {installed_version(package)}")
        bundles.append(ctx.tmp / f"size-{entry}")
        bundle(BENCH / "entries" / entry, bundles[-1])
        if queues:
            queue_and_backoff.append(names[-1])

    brotli = run_node("brotli-size.mjs", *map(str, bundles))["sizes"]
    gzipped = {}
    for name, path, br in zip(names, bundles, brotli, strict=True):
        data = path.read_bytes()
        gzipped[name] = gzip_size(data)
        section.rows.append([name, f"{len(data):,} B", f"{gzipped[name]:,} B", f"{br:,} B"])

    smallest = min(queue_and_backoff, key=gzipped.__getitem__)
    for profile, limit in TARGETS.items():
        target = f"{profile} profile ≤ {limit:,} B min+gzip"
        size = gzipped.get(f"**wsgen {profile}**")
        if size is None:
            reason = ctx.missing.get(profile, "not rendered")
            section.checks.append(Check(target, f"not available yet ({reason})", None))
            continue
        section.checks.append(Check(target, f"{size:,} B", size <= limit))
        section.checks.append(
            Check(
                f"{profile} profile smaller than every anchor with a queue and backoff",
                f"{size:,} B vs {gzipped[smallest]:,} B ({smallest})",
                size < gzipped[smallest],
            )
        )
    section.notes.append(
        "Anchors with a queue and backoff (what the size targets compare against): "
        + ", ".join(queue_and_backoff)
        + ". websocket-ts's quickstart is its README's first example: `WebsocketBuilder` with "
        "`ArrayQueue` and `ConstantBackoff`."
    )
    for profile in PROFILES:
        if profile in ctx.missing:
            section.notes.append(f"wsgen {profile}: not available yet ({ctx.missing[profile]}).")
    per_feature(ctx, section)
    if "minimal" in ctx.ours:
        drop_in_cost(ctx, section, ctx.ours["minimal"], lambda module: bundled_size(ctx, module))
    return section


def bundled_size(ctx: Context, module: Path) -> int:
    """min+gzip bytes of `module` bundled as a user imports it."""
    entry = our_entry(module, ctx.tmp, module.stem)
    return gzip_size(bundle(entry, ctx.tmp / f"size-{module.stem}.min.js"))


def per_feature(ctx: Context, section: Section) -> None:
    """What each optional feature costs: minimal + that one feature, against minimal alone."""
    if "minimal" not in ctx.ours:
        return
    base = bundled_size(ctx, ctx.ours["minimal"])
    rows = []
    for feature, (on, _off) in FEATURES.items():
        label = f"`{' '.join(on)}`"
        try:
            module = render(minimal_plus(feature), ctx.tmp / f"wsgen-minimal-{feature}.js")
        except Unavailable as why:
            rows.append([label, f"not available yet ({why})", ""])
            continue
        size = bundled_size(ctx, module)
        rows.append([label, f"{size:,} B", f"{size - base:+,} B"])
    section.subtables.append(
        Table("Size per feature", ["feature on alone", "min+gzip", "cost vs minimal"], rows)
    )
    section.notes.append(
        f"Size per feature: the minimal profile ({base:,} B min+gzip) with that one feature on, "
        "bundled the same way. The costs need not add up to the full profile's size: gzip "
        "shares repeated strings between features."
    )
