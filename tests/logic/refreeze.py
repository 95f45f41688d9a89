"""Freeze the modules the differential test (test_differential.py) compares the current render
against, one per profile, into tests/logic/reference/.

    python -m tests.logic.refreeze

Run it right before a size-only refactor of the templates, never after: the frozen files are
the behaviour the refactor must keep, so refreezing after it would compare the new module with
itself. A change that is meant to alter behaviour refreezes once it has landed, on its own.
"""

from __future__ import annotations

from pathlib import Path

from generator.options import build_options
from generator.render import render_module
from tests.golden.cases import every_feature_off

REFERENCE_DIR = Path(__file__).parent / "reference"

# The profiles compared: the defaults, every optional feature off, and every one on.
PROFILES: dict[str, dict[str, str]] = {
    "default": {},
    "minimal": every_feature_off(),
    "full": {"heartbeat": "30s", "share-tabs": "on"},
}


def render(profile: str) -> str:
    """The module (esm) this checkout renders for `profile`."""
    return render_module(build_options(PROFILES[profile]))


def reference_path(profile: str) -> Path:
    # .mjs: Node loads it as an ES module wherever it sits.
    return REFERENCE_DIR / f"{profile}.mjs"


def main() -> None:
    REFERENCE_DIR.mkdir(exist_ok=True)
    for profile in PROFILES:
        reference_path(profile).write_text(render(profile), encoding="utf-8")
        print(f"froze {reference_path(profile)}")


if __name__ == "__main__":
    main()
