"""Size: each module bundled as users ship it, then compressed as a server would send it.

Every bundle is made the same way: `esbuild --bundle --minify --format=esm` on an entry file
that re-exports the library's main class (bench/entries/ for the anchors, a generated one for
ours). gzip is level 9 (as `gzip -9`); brotli is quality 11.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

from common import BENCH, NODE_MODULES, Check, Context, Section, installed_version, run_node
from ours import PROFILES

ESBUILD = NODE_MODULES / ".bin" / "esbuild"

# (label, npm package, entry file under bench/entries/)
ANCHORS = [
    ("reconnecting-websocket", "reconnecting-websocket", "reconnecting-websocket.js"),
    ("partysocket (its WebSocket class)", "partysocket", "partysocket.js"),
    ("sockette", "sockette", "sockette.js"),
    ("websocket-ts (defaults)", "websocket-ts", "websocket-ts.js"),
    ("websocket-ts + queue + backoff", "websocket-ts", "websocket-ts-queue-backoff.js"),
]
TARGETS = {"default": 1600, "minimal": 750}  # bytes, min+gzip (issue 6)


def bundle(entry: Path, out: Path) -> bytes:
    """Bundle and minify `entry` into `out`; returns the bundle's bytes."""
    command = [str(ESBUILD), str(entry), "--bundle", "--minify", "--format=esm"]
    command += [f"--outfile={out}", "--log-level=warning"]
    subprocess.run(command, cwd=BENCH, check=True, timeout=60)
    return out.read_bytes()


def our_entry(module: Path, tmp: Path, profile: str) -> Path:
    """An entry that re-exports our class, as a user's bundle would import it."""
    entry = tmp / f"entry-{profile}.js"
    entry.write_text(f"export {{ ReconnectingSocket }} from {json.dumps(str(module))};\n")
    return entry


def run(ctx: Context) -> Section:
    section = Section("Size", ["module", "minified", "min+gzip", "min+brotli"])
    section.notes.append(
        "Each bundle: `esbuild --bundle --minify --format=esm`; gzip -9; brotli q11."
    )
    names: list[str] = []
    bundles: list[Path] = []
    for profile, module in ctx.ours.items():
        names.append(f"**wsgen {profile}**")
        bundles.append(ctx.tmp / f"size-{profile}.min.js")
        bundle(our_entry(module, ctx.tmp, profile), bundles[-1])
    for label, package, entry in ANCHORS:
        names.append(f"{label} {installed_version(package)}")
        bundles.append(ctx.tmp / f"size-{entry}")
        bundle(BENCH / "entries" / entry, bundles[-1])

    brotli = run_node("brotli-size.mjs", *map(str, bundles))["sizes"]
    gzipped = {}
    for name, path, br in zip(names, bundles, brotli, strict=True):
        data = path.read_bytes()
        gzipped[name] = len(gzip.compress(data, compresslevel=9, mtime=0))
        section.rows.append([name, f"{len(data):,} B", f"{gzipped[name]:,} B", f"{br:,} B"])

    for profile, limit in TARGETS.items():
        target = f"{profile} profile ≤ {limit:,} B min+gzip"
        size = gzipped.get(f"**wsgen {profile}**")
        if size is None:
            reason = ctx.missing.get(profile, "not rendered")
            section.checks.append(Check(target, f"not available yet ({reason})", None))
        else:
            section.checks.append(Check(target, f"{size:,} B", size <= limit))
    for profile in PROFILES:
        if profile in ctx.missing:
            section.notes.append(f"wsgen {profile}: not available yet ({ctx.missing[profile]}).")
    return section
