"""The generated text: golden files, header, defaults block, policy rows, and `node --check`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from generator import __version__
from generator.codes import CLOSE_CODES
from generator.formats import Format
from generator.identifiers import NAMES_DECLARED_BY_MODULE, check_identifier
from generator.options import GeneratorOptions, build_options
from generator.outputs import plan_outputs
from generator.render import render_declarations, render_module
from tests.golden.cases import GOLDEN_CASES, GOLDEN_DIR, case_outputs, golden_files, render_case

# Each golden file, and the case it belongs to. Only the paths are worked out when the tests are
# collected; each text is rendered inside its test, so the test sees the generator as it is then
# (mutmut collects once, then runs each mutant's tests: a text rendered at collection would
# compare the unmutated generator with itself).
GOLDEN_FILES = {output.path: case for case in GOLDEN_CASES for output in case_outputs(case)}
JAVASCRIPT_GOLDEN_FILES = [path for path in GOLDEN_FILES if path.suffix in (".js", ".cjs")]


def rendered(path: Path) -> str:
    case = GOLDEN_FILES[path]
    [output] = [output for output in case_outputs(case) if output.path == path]
    return output.render(build_options(GOLDEN_CASES[case]))


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda path: path.name)
def test_output_matches_golden_file(path: Path) -> None:
    assert rendered(path) == path.read_text(encoding="utf-8"), (
        "template changed; if intended, run: python -m tests.golden.cases"
    )


def test_no_stale_golden_files() -> None:
    assert sorted(GOLDEN_DIR.iterdir()) == sorted(GOLDEN_FILES)


@pytest.mark.parametrize("path", JAVASCRIPT_GOLDEN_FILES, ids=lambda path: path.name)
def test_every_golden_output_parses_in_node(path: Path, node: str) -> None:
    result = subprocess.run(
        [node, "--check", str(path)], capture_output=True, text=True, timeout=30
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
    # Every option, but --share-tabs only when on (README: a file without it is what it was
    # before the switch existed); what is not recorded reads back as its default.
    every = options.to_flags()
    if not options.share_tabs:
        del every["share-tabs"]
    assert recorded == every
    assert build_options(recorded).to_flags() == options.to_flags()
    # The header alone is enough to rebuild the same files, the .d.ts included.
    rebuilt = build_options(recorded)
    for path, text in golden_files(case).items():
        assert text.splitlines()[1] == second
        [output] = [output for output in plan_outputs(rebuilt, path) if output.path == path]
        assert output.render(rebuilt) == text


def defaults_block(text: str) -> dict[str, str]:
    block = re.search(r"const DEFAULTS(?:: \w+)? = \{\n(.*?)\n\};", text, re.S)
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
            "stable-after": "750ms",
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
    text = render_module(GeneratorOptions())
    rows = policy_rows_in(text)
    assert (1000, 1000, "stop") in rows
    assert (1011, 1012, "restart") in rows
    # Only codes that do not retry need a row; the rest fall through to the retry default.
    assert rows == [
        (1000, 1000, "stop"),
        (1001, 1001, "restart"),
        (1002, 1003, "stop"),
        (1007, 1010, "stop"),
        (1011, 1012, "restart"),
        (1013, 1013, "retry-later"),
        (1015, 1015, "stop"),
        (3000, 3000, "stop"),
        (3003, 3003, "stop"),
    ]
    # ... and every code of the table still has its reason in a comment.
    for row in CLOSE_CODES:
        assert f"  // {row.label} {row.name}, {row.action}: {row.why}\n" in text


def test_overrides_replace_the_table_rows_they_cover() -> None:
    options = build_options({"stop-on": "4400-4499,1012", "retry-on": "1000"})
    text = render_module(options)
    rows = policy_rows_in(text)
    assert (1000, 1000, "stop") not in rows, "--retry-on 1000 leaves 1000 to the retry default"
    assert (1012, 1012, "stop") in rows and (1012, 1012, "restart") not in rows
    assert (4400, 4499, "stop") in rows
    assert "  // 4400-4499 overridden by --stop-on\n" in text
    ends = [edge for first, last, _ in rows for edge in (first, last)]
    assert ends == sorted(ends), "rows never overlap"


def test_no_template_syntax_leaks() -> None:
    for path in GOLDEN_FILES:
        text = rendered(path)
        assert not re.search(r"\{\{|\}\}|\{%|%\}|\{#|#\}", text), path


def test_output_is_deterministic_and_has_no_timestamp() -> None:
    first = render_module(GeneratorOptions())
    assert first == render_module(GeneratorOptions())
    assert not re.search(r"20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d", first)
    assert first.endswith("}\n") and not first.endswith("\n\n")


def test_class_name_is_the_export() -> None:
    text = render_module(build_options({"class-name": "AppSocket"}))
    assert "export class AppSocket extends /** @type {SocketBase} */ (EventTarget) {" in text
    assert "ReconnectingSocket {" not in text


def test_committed_output_is_current() -> None:
    committed = Path(__file__).parents[2] / "output" / "reconnecting-socket.js"
    assert committed.read_text(encoding="utf-8") == render_module(GeneratorOptions()), (
        "output/ drifted from the templates; run: wsgen generate"
    )


@pytest.mark.parametrize("format", list(Format))
def test_every_format_carries_the_same_policy_and_defaults(format: Format) -> None:
    options = build_options({"stop-on": "4401", "restart-delay": "2s-3s"})
    esm = render_module(options, Format.ESM)
    text = render_module(options, format)
    if format is Format.IIFE:
        # The iife indents the shared body by two spaces.
        text = re.sub(r"^  ", "", text, flags=re.M)
    assert defaults_block(text) == defaults_block(esm)
    assert policy_rows_in(text) == policy_rows_in(esm)


def test_cjs_exports_through_module_exports() -> None:
    text = render_module(build_options({"format": "cjs", "class-name": "AppSocket"}))
    assert "\nclass AppSocket extends /** @type {SocketBase} */ (EventTarget) {" in text
    assert text.endswith("\nmodule.exports = { AppSocket };\n")
    assert "export " not in text


def test_iife_defines_its_global_and_returns_the_class() -> None:
    options = build_options({"format": "iife", "class-name": "AppSocket", "global-name": "App"})
    text = render_module(options)
    assert "\nvar App = (function () {\n" in text
    assert text.endswith("\n  return AppSocket;\n})();\n")
    assert "export " not in text


def test_declarations_of_the_iife_declare_the_global() -> None:
    options = build_options({"format": "iife", "class-name": "AppSocket", "global-name": "App"})
    text = render_declarations(options, Format.IIFE)
    assert "  var App: GlobalClass;\n  type App = GlobalInstance;\n" in text


def top_level_names(text: str) -> set[str]:
    declaration = r"^(?:export )?(?:declare )?(?:const|function|type|interface|class|var) (\w+)"
    # A JSDoc type is a name too, for a project that type-checks its JavaScript (checkJs).
    typedef = r"@typedef \{.*?\} (\w+)"
    return set(re.findall(declaration, text, re.M)) | set(re.findall(typedef, text, re.S))


def test_every_name_the_module_declares_is_refused_as_a_class_name() -> None:
    options = build_options(
        {
            "format": "esm,cjs,iife,ts",
            "types": "true",
            "class-name": "Probe",
            "heartbeat": "30s",
            "share-tabs": "on",
        }
    )
    names: set[str] = set()
    for format in options.formats:
        names |= top_level_names(render_module(options, format))
        if format.is_javascript:
            names |= top_level_names(render_declarations(options, format))
    names -= {"Probe"}
    assert names <= NAMES_DECLARED_BY_MODULE, "add these to NAMES_DECLARED_BY_MODULE"
    assert names >= NAMES_DECLARED_BY_MODULE, "no longer declared: drop from the list"
    for name in names:
        with pytest.raises(ValueError, match="declares itself"):
            check_identifier(name)
