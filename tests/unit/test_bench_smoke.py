"""The benchmark command runs on tiny inputs, so it cannot rot between full runs.

It checks that every benchmark produces its figures, never how fast they are."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

# Each group is one `bench/run.py --quick --only ...`, so xdist spreads the benchmarks that
# mostly wait (real servers' restarts, Chromium tabs) over its workers instead of one
# worker waiting them out in turn.
GROUPS = {
    "in-node": ["size", "throughput", "timing", "storm", "memory", "cli"],
    "restart": ["restart"],
    "share-tabs": ["share-tabs"],
    "hidden-holder": ["hidden-holder"],
}


def test_the_groups_cover_every_benchmark_once() -> None:
    usage = subprocess.run(
        [sys.executable, "bench/run.py", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    listed = re.search(r"subset of: ([\w, -]+?)\s*$", " ".join(usage.stdout.split()))
    assert listed, usage.stdout + usage.stderr
    grouped = [name for names in GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(listed.group(1).split(", "))


@pytest.mark.slow
@pytest.mark.parametrize("group", list(GROUPS))
def test_bench_quick_run_prints_every_table(tmp_path: Path, group: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--quick",
            "--only",
            ",".join(GROUPS[group]),
            "--out-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    sections = results.split("\n## ")[2:]  # after the preamble and the targets
    assert len(sections) == len(GROUPS[group]), [s.splitlines()[0] for s in sections]
    for section in sections:
        assert "|---|" in section, f"no table in: {section[:300]}"
    if group == "in-node":
        for anchor in ("reconnecting-websocket", "partysocket", "sockette", "websocket-ts"):
            assert anchor in results
        size = results.split("## Size", 1)[1]
        assert "not available" not in size.split("minimal")[0], "our default profile must measure"
