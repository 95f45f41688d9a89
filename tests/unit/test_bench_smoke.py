"""The benchmark command runs on tiny inputs, so it cannot rot between full runs.

It checks that every benchmark produces its figures, never how fast they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


# Slow, not heavy: it mostly waits on real servers' restarts (~12 s of CPU in ~50 s), so it
# shares the machine rather than queueing behind the soaks.
@pytest.mark.slow
def test_bench_quick_run_prints_every_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    for anchor in ("reconnecting-websocket", "partysocket", "sockette", "websocket-ts"):
        assert anchor in results
    assert "not available" not in results.split("minimal")[0], "our default profile must measure"
