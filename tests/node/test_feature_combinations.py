"""Every combination of the optional features renders a module that loads (as ESM, CommonJS and
a classic script), and every pair of them (all-pairs rows) passes a behaviour smoke test in
Node: 1012 comes back, 1000 stops.

The switches are found in OPTION_SPECS by type (every boolean option), so a new one joins the
matrix by itself. Optional features that are not booleans (a heartbeat interval, 'off' by
default) join as on/off axes through FEATURE_VALUES."""

from __future__ import annotations

import itertools
import json
import subprocess
import typing
from pathlib import Path
from typing import Any

import pytest

from generator.formats import Format
from generator.options import OPTION_SPECS, SPECS_BY_FLAG, GeneratorOptions, build_options
from generator.render import render_module
from tests.support.node import NODE_DIR, NodeClient
from tests.support.pairwise import all_pairs
from tests.support.servers import Script, ScriptedServer

# The JavaScript formats, by the suffix load-modules.mjs loads each by (TypeScript is
# type-checked by tests/types/test_tsc_and_prettier.py).
LOADABLE_FORMATS = {Format.ESM: ".mjs", Format.CJS: ".cjs", Format.IIFE: ".iife.js"}

# Non-boolean features, by flag, with the value that turns each on for the matrix.
FEATURE_VALUES: dict[str, tuple[Any, Any]] = {"heartbeat": ("off", "150ms")}

SMOKE_FLAGS = {"restart-delay": "50ms-100ms", "backoff-initial": "50ms", "connect-timeout": "2s"}


def feature_axes() -> list[tuple[str, Any, Any]]:
    """(flag, off value, on value) for every optional feature the generator has now."""
    hints = typing.get_type_hints(GeneratorOptions)
    axes = [
        (spec.flag, spec.format(False), spec.format(True))
        for spec in OPTION_SPECS
        if hints[spec.field] is bool
    ]
    axes += [(flag, *values) for flag, values in FEATURE_VALUES.items() if flag in SPECS_BY_FLAG]
    return axes


AXES = feature_axes()


def flags_for(row: tuple[bool, ...]) -> dict[str, Any]:
    pairs = zip(AXES, row, strict=True)
    return {flag: on if enabled else off for (flag, off, on), enabled in pairs}


def row_id(row: tuple[bool, ...]) -> str:
    enabled = [flag for (flag, _, _), value in zip(AXES, row, strict=True) if value]
    return "+".join(enabled) or "none"


def test_the_pairwise_rows_cover_every_pair_of_features() -> None:
    rows = all_pairs(len(AXES))
    for i, j in itertools.combinations(range(len(AXES)), 2):
        assert {(row[i], row[j]) for row in rows} == {
            (False, False),
            (False, True),
            (True, False),
            (True, True),
        }


@pytest.mark.node
@pytest.mark.heavy
def test_every_feature_combination_renders_a_module_that_loads_in_every_js_format(
    tmp_path: Path, node: str
) -> None:
    paths = []
    for number, row in enumerate(itertools.product((False, True), repeat=len(AXES))):
        options = build_options(flags_for(row))
        for format, suffix in LOADABLE_FORMATS.items():
            path = tmp_path / f"{number}{suffix}"
            path.write_text(render_module(options, format), encoding="utf-8")
            paths.append(str(path))
    # One process loads them all: a syntax error, a bad import or a throw at load time fails.
    result = subprocess.run(
        [node, str(NODE_DIR / "load-modules.mjs"), "ReconnectingSocket", *paths],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["function"] * len(paths)


@pytest.mark.node
@pytest.mark.heavy
@pytest.mark.parametrize("row", all_pairs(len(AXES)), ids=row_id)
def test_each_pairwise_feature_row_comes_back_after_1012_and_stops_at_1000(
    tmp_path: Path, node: str, row: tuple[bool, ...]
) -> None:
    module = tmp_path / "module.mjs"
    options = build_options({**SMOKE_FLAGS, **flags_for(row)})
    module.write_text(render_module(options), encoding="utf-8")
    scripts = [Script(after=0.1, code=1012, echo=True), Script(after=0.1, code=1000, echo=True)]
    with ScriptedServer(scripts) as server:
        with NodeClient(module, {"url": server.url}) as running:
            assert running.wait_exit(10) == 0, running.stderr()
        assert len(server.connections) == 2
    lifecycle = [
        (event["type"], event.get("code"))
        for event in running.events
        if event["type"] in ("open", "reconnecting", "close")
    ]
    assert lifecycle == [("open", None), ("reconnecting", 1012), ("open", None), ("close", 1000)]
    assert running.of("uncaught") == running.of("unhandled-rejection") == []
