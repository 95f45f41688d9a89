"""The optional features in the generated types: `tsc --strict` accepts typed code that uses
them, and refuses it when the features are trimmed away."""

from __future__ import annotations

import difflib
import itertools
from pathlib import Path

import pytest

from generator.formats import Format
from generator.options import build_options
from generator.outputs import plan_outputs
from generator.render import render_declarations, render_module
from tests.golden.test_trimming import EVERY_FEATURE_OFF, OPTIONAL_FEATURES
from tests.support.tools import TYPES_DIR, run_prettier_check, run_tsc

pytestmark = pytest.mark.tools


@pytest.mark.parametrize(
    ("usage", "flags"),
    [
        ("usage-features.ts", {"heartbeat": "30s", "share-tabs": "on"}),
        (
            "usage-minimal.ts",
            {flag.replace("_", "-"): value for flag, value in EVERY_FEATURE_OFF.items()},
        ),
    ],
)
@pytest.mark.parametrize("format", [Format.ESM, Format.TS])
def test_typed_code_sees_exactly_the_features_generated(
    tmp_path: Path, usage: str, flags: dict[str, str], format: Format, typescript: str
) -> None:
    options = build_options({**flags, "format": format.value})
    files = ["usage.ts"]
    if format is Format.TS:
        (tmp_path / "socket.ts").write_text(render_module(options), encoding="utf-8")
        files.append("socket.ts")
    else:
        (tmp_path / "socket.js").write_text(render_module(options), encoding="utf-8")
        (tmp_path / "socket.d.ts").write_text(
            render_declarations(options, format), encoding="utf-8"
        )
        files.append("socket.d.ts")
    (tmp_path / "usage.ts").write_text((TYPES_DIR / usage).read_text(encoding="utf-8"))
    result = run_tsc(tmp_path, typescript=typescript, files=files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "flags",
    [
        # The longest message a literal may be, with quotes of both kinds and escapes.
        {
            "heartbeat": "30s",
            "heartbeat-message": '{"t":"p","n":"it\'s <\\\\> \\n","pad":"' + "x" * 2 + '"}',
            "share-tabs": "on",
        },
        {flag.replace("_", "-"): value for flag, value in EVERY_FEATURE_OFF.items()},
    ],
    ids=["every-feature-on", "every-feature-off"],
)
def test_every_feature_profile_passes_prettier_check(tmp_path: Path, flags: dict[str, str]) -> None:
    options = build_options({**flags, "format": "esm,cjs,iife,ts", "types": "true"})
    outputs = plan_outputs(options, tmp_path / "socket.js")
    for output in outputs:
        output.path.write_text(output.render(options), encoding="utf-8")
    result = run_prettier_check([output.path for output in outputs])
    assert result.returncode == 0, result.stdout + result.stderr


def _without_header(text: str) -> str:
    """The text Prettier formats, less the one-line header comment (which it leaves alone)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("// wsgen "))


def _lines_changed(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def test_every_combination_of_features_passes_prettier_check(tmp_path: Path) -> None:
    """Where Prettier breaks a line depends on the code around it: a feature switched off can
    leave a neighbour short enough for one line. Every combination, in every format, in one
    Prettier run. A text already checked is not checked twice (many declaration files are
    the same), nor is CommonJS: its body is the ES module's, which this test asserts for
    every combination, so the same code at the same indent is formatted the same."""
    files, checked, wrappers = [], set(), set()
    for index, combination in enumerate(itertools.product(*OPTIONAL_FEATURES.values())):
        flags = dict(zip(OPTIONAL_FEATURES, combination, strict=True))
        options = build_options({**flags, "format": "esm,cjs,iife,ts", "types": "true"})
        bodies = {}
        for output in plan_outputs(options, tmp_path / f"socket-{index}.js"):
            text = output.render(options)
            body = bodies[output.path.name.split(".", 1)[1]] = _without_header(text)
            if output.path.suffix == ".cjs" or body in checked:
                continue
            checked.add(body)
            output.path.write_text(text, encoding="utf-8")
            files.append(output.path)
        assert len(bodies) == 7  # 4 formats and 3 .d.ts
        wrappers.add(tuple(_lines_changed(bodies["js"], bodies["cjs"])))
    assert len(wrappers) == 1, "CommonJS differs from the ES module by more than its wrapper"
    assert len(files) >= 2 ** len(OPTIONAL_FEATURES) * 3  # esm, iife and TypeScript, all distinct
    result = run_prettier_check(files)
    assert result.returncode == 0, result.stdout + result.stderr
