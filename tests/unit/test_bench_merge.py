"""`bench/run.py --only X` rewrites X's section of RESULTS.md and keeps every other one, with the
targets each measured, as it was."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from common import Check, Section  # noqa: E402
from report import merge, render  # noqa: E402


def section(title: str, figure: str) -> Section:
    return Section(
        title, ["what", "figure"], [["x", figure]], [f"{title} note"], [Check(title, figure, True)]
    )


def test_only_the_sections_run_are_replaced() -> None:
    before = render([section("Size", "old size"), section("Throughput", "old rate")], False)
    after = merge(before, render([section("Size", "new size")], False, "python bench/run.py"))
    assert "new size" in after and "old size" not in after
    assert after.count("| old rate |") == 2, after  # its target row and its table row
    assert after.index("## Size") < after.index("## Throughput"), "sections keep their order"
    targets = after.split("## Targets")[1].split("\n## ")[0]
    assert targets.index("new size") < targets.index("old rate"), targets


def test_a_new_section_is_added_at_the_end() -> None:
    before = render([section("Size", "old size")], False)
    after = merge(before, render([section("Memory", "heap")], False))
    assert after.index("## Size") < after.index("## Memory")
    assert "| Size | old size | met | Size |" in after, after
    assert "| Memory | heap | met | Memory |" in after, after
