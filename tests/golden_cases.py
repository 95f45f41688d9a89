"""The flag sets whose rendered output is kept byte for byte in tests/golden/.

Regenerate after an intended template change with: python -m tests.golden_cases
"""

from __future__ import annotations

from pathlib import Path

from generator.options import build_options
from generator.render import render_module

GOLDEN_DIR = Path(__file__).parent / "golden"

GOLDEN_CASES: dict[str, dict[str, str]] = {
    "default": {},
    "fast-restart": {"restart-delay": "250ms-1.5s", "backoff-initial": "100ms"},
    "strict-app": {
        "stop-on": "4401,4403-4499",
        "retry-on": "1000,1008",
        "max-retries": "10",
        "queue-limit": "50",
        "backoff-factor": "1.5",
        "class-name": "AppSocket",
    },
}


def golden_path(case: str) -> Path:
    return GOLDEN_DIR / f"{case}.js"


def render_case(case: str) -> str:
    return render_module(build_options(GOLDEN_CASES[case]))


if __name__ == "__main__":
    for name in GOLDEN_CASES:
        golden_path(name).write_text(render_case(name), encoding="utf-8")
        print(f"wrote {golden_path(name)}")
