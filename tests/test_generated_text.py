"""The generated text: golden files, header, defaults block, policy rows, and `node --check`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from generator import __version__
from generator.codes import CLOSE_CODES
from generator.options import GeneratorOptions, build_options
from generator.render import render_module
from tests.golden_cases import GOLDEN_CASES, golden_path, render_case


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_output_matches_golden_file(case: str) -> None:
    assert render_case(case) == golden_path(case).read_text(encoding="utf-8"), (
        "template changed; if intended, run: python -m tests.golden_cases"
    )


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_every_golden_output_parses_in_node(case: str, node: str) -> None:
    result = subprocess.run(
        [node, "--check", str(golden_path(case))], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_first_line_is_the_generated_marker() -> None:
    first = render_module(GeneratorOptions()).splitlines()[0]
    assert re.fullmatch(r"// Code generated .* DO NOT EDIT\.", first)


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_second_line_records_version_and_every_option(case: str) -> None:
    second = render_case(case).splitlines()[1]
    match = re.fullmatch(r"// wsgen (\S+) (\{.*\})", second)
    assert match, second
    assert match[1] == __version__
    recorded = json.loads(match[2])
    options = build_options(GOLDEN_CASES[case])
    assert recorded == options.to_flags()
    # The header alone is enough to rebuild the same file.
    assert render_module(build_options(recorded)) == render_case(case)


def defaults_block(text: str) -> dict[str, str]:
    block = re.search(r"const DEFAULTS = Object\.freeze\(\{\n(.*?)\n\}\);", text, re.S)
    assert block, "no DEFAULTS block"
    return dict(re.findall(r"^  (\w+): ([^,]+),", block[1], re.M))


def test_flag_values_land_in_the_defaults_block() -> None:
    options = build_options(
        {
            "restart-delay": "250ms-1.5s",
            "backoff-initial": "2s",
            "backoff-max": "45s",
            "backoff-factor": "1.5",
            "max-retries": "7",
            "connect-timeout": "3s",
            "stable-after": "750",
            "queue-limit": "12",
        }
    )
    assert defaults_block(render_module(options)) == {
        "restartDelayMin": "250",
        "restartDelayMax": "1500",
        "backoffInitial": "2000",
        "backoffFactor": "1.5",
        "backoffMax": "45000",
        "maxRetries": "7",
        "connectTimeout": "3000",
        "stableAfter": "750",
        "queueLimit": "12",
    }


def test_unlimited_retries_are_infinity() -> None:
    assert defaults_block(render_module(GeneratorOptions()))["maxRetries"] == "Infinity"


def policy_rows_in(text: str) -> list[tuple[int, int, str]]:
    return [
        (int(first), int(last), action)
        for first, last, action in re.findall(r'^  \[(\d+), (\d+), "([a-z-]+)"\],', text, re.M)
    ]


def test_policy_has_the_1000_stop_and_1012_restart_branches() -> None:
    rows = policy_rows_in(render_module(GeneratorOptions()))
    assert (1000, 1000, "stop") in rows
    assert (1012, 1012, "restart") in rows
    assert len(rows) == len(CLOSE_CODES)


def test_overrides_come_before_the_table_so_they_win() -> None:
    options = build_options({"stop-on": "4400-4499,1012", "retry-on": "1000"})
    rows = policy_rows_in(render_module(options))
    assert rows[:3] == [(1000, 1000, "retry"), (1012, 1012, "stop"), (4400, 4499, "stop")]


def test_no_template_syntax_leaks() -> None:
    for case in GOLDEN_CASES:
        text = render_case(case)
        assert not re.search(r"\{\{|\}\}|\{%|%\}|\{#|#\}", text), case


def test_output_is_deterministic_and_has_no_timestamp() -> None:
    first = render_module(GeneratorOptions())
    assert first == render_module(GeneratorOptions())
    assert not re.search(r"20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d", first)
    assert first.endswith(";\n") and not first.endswith("\n\n")


def test_class_name_is_the_export() -> None:
    text = render_module(build_options({"class-name": "AppSocket"}))
    assert "export class AppSocket extends EventTarget {" in text
    assert "ReconnectingSocket {" not in text


def test_committed_output_is_current() -> None:
    committed = Path(__file__).parent.parent / "output" / "reconnecting-socket.js"
    assert committed.read_text(encoding="utf-8") == render_module(GeneratorOptions()), (
        "output/ drifted from the templates; run: wsgen generate"
    )
