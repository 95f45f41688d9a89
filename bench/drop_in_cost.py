"""What being a drop-in WebSocket costs: the minimal profile with one part of that fidelity cut
out of its text, bundled as the size benchmark bundles, against the minimal profile whole.

These cuts are measurements only, never a build users get: each removes behaviour the
WPT-derived suite requires (tests/browser/test_wpt_conformance.py). They answer what a size
target set before the module matched a native WebSocket this closely would demand be given up.
A cut whose text is no longer in the module is an error, not a zero: update its pattern when
the template changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from common import Context, Section, Table

Cut = Callable[[str], str]


def _replace(pattern: str, replacement: str, times: int = 1) -> Cut:
    def cut(text: str) -> str:
        changed, found = re.subn(pattern, replacement, text, flags=re.S)
        if found != times:
            raise ValueError(f"drop-in cost: {pattern!r} matched {found} times, not {times}")
        return changed

    return cut


# (what is cut, how); each cut keeps the module loadable so esbuild can bundle it.
CUTS: list[tuple[str, Cut]] = [
    (
        "WebIDL shape: constants on class and prototype, `on<type>` accessors in listener "
        "order, `[object WebSocket]`, `length` 1",
        _replace(r"\n  // What a WebSocket shows of itself.*?\n  static \{\n.*?\n  \}\n", "\n"),
    ),
    (
        "URL resolved as `new WebSocket()` does (relative, http→ws, SyntaxError)",
        _replace(r"this\.#target = absoluteUrl\(url\)", "this.#target = String(url)"),
    ),
    (
        "`close()` argument checks ([Clamp] code, 123-byte reason)",
        _replace(
            r"    // The arguments checked first.*?\n(    if \(this\.#readyState > OPEN\) return;)",
            r"\1",
        ),
    ),
    (
        "real MessageEvent / CloseEvent, read-only fields",
        _replace(
            r"(  #emit\(type, fields\) \{\n).*?\n  \}\n",
            r"\1    this.dispatchEvent(Object.assign(new Event(type), fields));\n  }\n",
        ),
    ),
    (
        "TypeError for `new` and `send()` without an argument",
        _replace(r"    if \(!arguments\.length\) \{\n.*?\n    \}\n", "", times=2),
    ),
    (
        "`bufferedAmount` counting the queue",
        _replace(r"    for \(const data of this\.#queue\) \{\n.*?\n    \}\n", ""),
    ),
]


def drop_in_cost(
    ctx: Context, section: Section, minimal: Path, size_of: Callable[[Path], int]
) -> None:
    """Adds the table: each cut's saving, and the minimal profile with every cut made."""
    text = minimal.read_text(encoding="utf-8")
    whole = size_of(minimal)
    rows = []
    every_cut = text
    for index, (label, cut) in enumerate(CUTS):
        variant = ctx.tmp / f"drop-in-cut-{index}.js"
        variant.write_text(cut(text), encoding="utf-8")
        rows.append([label, f"{size_of(variant) - whole:+,} B"])
        every_cut = cut(every_cut)
    variant = ctx.tmp / "drop-in-cut-all.js"
    variant.write_text(every_cut, encoding="utf-8")
    remaining = size_of(variant)
    rows.append(["**all of the above**", f"{remaining - whole:+,} B (leaves {remaining:,} B)"])
    section.subtables.append(
        Table("What the drop-in costs (minimal profile)", ["cut out", "min+gzip"], rows)
    )
    section.notes.append(
        f"What the drop-in costs: the minimal profile ({whole:,} B min+gzip) with one part of "
        "its WebSocket fidelity cut out of the text, bundled the same way. A measurement only "
        "(bench/drop_in_cost.py): each cut breaks checks of the WPT-derived suite."
    )
