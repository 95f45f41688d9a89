"""The flag sets whose rendered output is kept byte for byte in tests/golden/expected/.

A case writes every file `wsgen generate --out tests/golden/expected/<case>.js` would write with its
flags: one per format, and the .d.ts files when --types is on.
Regenerate after an intended template change with: python -m tests.golden.cases
"""

from __future__ import annotations

from pathlib import Path

from generator.options import FEATURE_FLAGS, build_options
from generator.outputs import Output, plan_outputs

GOLDEN_DIR = Path(__file__).parent / "expected"


def every_feature_off() -> dict[str, str]:
    """The flags (as a config or `build_options` takes them) of the minimal profile."""
    return dict.fromkeys(FEATURE_FLAGS, "off")


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
    "every-format": {"format": "esm,cjs,iife,ts", "types": "true"},
    # The optional features (issue 5): each off emits none of its code.
    "every-feature-off": every_feature_off(),
    "every-feature-on": {
        "heartbeat": "30s",
        "heartbeat-timeout": "5s",
        "share-tabs": "on",
        "format": "esm,ts",
    },
    # Framework bindings beside the esm module (with .d.ts) and the ts source (issue 17).
    "frameworks": {"framework": "react,vue", "format": "esm,ts", "types": "true"},
    "named-global": {
        "format": "iife,cjs",
        "types": "true",
        "class-name": "LiveSocket",
        "global-name": "Live",
    },
}


def case_outputs(case: str) -> list[Output]:
    return plan_outputs(build_options(GOLDEN_CASES[case]), GOLDEN_DIR / f"{case}.js")


def golden_files(case: str) -> dict[Path, str]:
    """Each file of the case and its expected text."""
    options = build_options(GOLDEN_CASES[case])
    return {output.path: output.render(options) for output in case_outputs(case)}


def golden_path(case: str) -> Path:
    """The case's first module file."""
    return case_outputs(case)[0].path


def render_case(case: str) -> str:
    return golden_files(case)[golden_path(case)]


if __name__ == "__main__":
    for name in GOLDEN_CASES:
        for path, text in golden_files(name).items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
