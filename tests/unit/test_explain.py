"""`wsgen codes` and `wsgen explain CODE`: drawn from the one code table, with what the module
does under the options in effect; 1000 and 1012 say what the product's brief says."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from generator.codes import CLOSE_CODES
from generator.options import GeneratorOptions, build_options
from generator.policy import action_for
from tests.support.cli import enter_project, error_line, wsgen

ROOT = Path(__file__).parents[2]


def flat(text: str) -> str:
    """The text with its wrapping undone, so a phrase split across lines still matches."""
    return " ".join(text.split())


def test_explain_1000_says_the_session_is_complete_and_nothing_reconnects() -> None:
    result = wsgen("explain", "1000")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert text.startswith("1000 Normal Closure ")
    for fact in (
        "close code of the WebSocket protocol",
        "closed cleanly: the purpose it was opened for is fulfilled",
        "both endpoints agree the session is complete",
        "Both sides finished exchanging data and closed gracefully",
        "the expected code at the end of a successful session",
        "Nothing to fix: everything worked as intended",
        "look for a premature close() call",
        "What the generated module does: stop: fire close and never reconnect.",
    ):
        assert fact in text, fact


def test_explain_1012_says_restart_reconnect_after_a_short_delay() -> None:
    result = wsgen("explain", "1012")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert text.startswith("1012 Service Restart ")
    for fact in (
        "close code of the WebSocket protocol",
        "terminating the connection because it is restarting",
        "the client should reconnect after a brief delay",
        "A planned restart, such as a deployment or a configuration reload",
        "available again shortly",
        "On SIGTERM uvicorn sends it",
        "closes each open socket with 1012 before the server stops",
        "Reconnect automatically after a short delay (1 to 5 seconds)",
        "succeeds once the server is back up",
        "What the generated module does: reconnect after a random 1.0-5.0 s.",
    ):
        assert fact in text, fact


def test_explain_follows_the_flags_and_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nrestart-delay = "250ms-1500ms"\n')
    from_config = wsgen("explain", "1012")
    assert "reconnect after a random 0.25-1.5 s." in flat(from_config.stdout)
    from_flag = wsgen("explain", "1012", "--restart-delay", "2s-3s")
    assert "reconnect after a random 2.0-3.0 s." in flat(from_flag.stdout)
    stopped = wsgen("explain", "1012", "--stop-on", "1012")
    assert "stop: fire close and never reconnect. Set by --stop-on." in flat(stopped.stdout)


def test_explain_names_each_target_when_their_options_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = (
        '[tool.wsgen]\n[[tool.wsgen.targets]]\nout = "a.js"\n'
        '[[tool.wsgen.targets]]\nout = "b.js"\nretry-on = "1000"\n'
    )
    enter_project(tmp_path, monkeypatch, config)
    text = flat(wsgen("explain", "1000").stdout)
    assert "a.js: stop: fire close and never reconnect." in text
    assert "b.js: retry with backoff" in text
    assert "Set by --retry-on." in text


def test_explain_a_private_use_code_as_application_defined() -> None:
    result = wsgen("explain", "4401")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert text.startswith("4401 Application-defined (one of 4000-4999)")
    assert "private-use close code: each application defines its own" in text
    assert "mark fatal codes with --stop-on" in text
    assert "retry with backoff" in text
    stopped = flat(wsgen("explain", "4401", "--stop-on", "4400-4410").stdout)
    assert "stop: fire close and never reconnect. Set by --stop-on." in stopped


@pytest.mark.parametrize("code", [row.code for row in CLOSE_CODES])
def test_every_code_of_the_table_is_explained(code: int) -> None:
    result = wsgen("explain", str(code))
    assert result.exit_code == 0
    row = next(row for row in CLOSE_CODES if row.covers(code))
    text = flat(result.stdout)
    for field in (row.name, row.description, row.when, row.fix):
        assert flat(field) in text


def test_what_the_commands_print_points_to_no_file_the_wheel_lacks() -> None:
    """An installed wsgen has no docs/, tests/ or bench/ beside it: explain and codes say what
    to do in their own words, not where in the repository it is written."""
    outputs = [wsgen("explain", str(row.code)).stdout for row in CLOSE_CODES]
    outputs += [wsgen("codes").stdout, wsgen("codes", "--json").stdout]
    for text in outputs:
        assert not re.search(r"\b(?:docs|tests|bench|generator|templates)/", text), text
    assert "on SIGTERM, closes each open socket with 1012" in flat(wsgen("explain", "1012").stdout)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("abc", "expected a close code such as 1012, got 'abc'"),
        ("", "expected a close code such as 1012, got ''"),
        ("10.12", "expected a close code such as 1012, got '10.12'"),
        ("-1000", "expected a close code such as 1012, got '-1000'"),
        ("999", "close codes run from 1000 to 4999 (RFC 6455 §7.4), got 999"),
        ("5000", "close codes run from 1000 to 4999 (RFC 6455 §7.4), got 5000"),
        ("2000", "2000 is not in wsgen's close-code table (it knows 1000-1015,3000,3003,3008,"),
        ("3001", "the generated module treats unknown codes as: retry with backoff"),
    ],
)
def test_explain_rejects_invalid_and_unknown_codes(code: str, message: str) -> None:
    result = wsgen("explain", "--", code)
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith("wsgen: error: CODE: ")
    assert message in line
    assert result.stdout == ""


def test_codes_prints_every_row_with_its_action_and_a_legend() -> None:
    result = wsgen("codes")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "action"]
    table = {line.split()[0]: line for line in lines[1 : len(CLOSE_CODES) + 1]}
    assert list(table) == [row.label for row in CLOSE_CODES]
    for row in CLOSE_CODES:
        assert row.name in table[row.label]
        assert table[row.label].endswith(row.action.value)
    assert "restart      reconnect after a random 1.0-5.0 s" in lines
    assert "stop         fire close and never reconnect" in lines


def test_codes_shows_overrides_and_marks_what_set_them() -> None:
    result = wsgen("codes", "--stop-on", "1012,4401,4403-4499,2000", "--retry-on", "1000")
    lines = result.stdout.splitlines()
    by_label = {line.split()[0]: line for line in lines if line[:1].isdigit()}
    assert by_label["1000"].endswith("retry (--retry-on)")
    assert by_label["1012"].endswith("stop (--stop-on)")
    assert by_label["2000"].split()[1] == "Unassigned"
    assert by_label["4401"].endswith("stop (--stop-on)")
    assert by_label["4403-4499"].endswith("stop (--stop-on)")
    assert "4402" not in " ".join(by_label)
    labels = list(by_label)
    assert labels.index("4000-4999") < labels.index("4401") < labels.index("4403-4499")


def test_codes_json_agrees_with_the_policy_for_every_code() -> None:
    result = wsgen("codes", "--json", "--stop-on", "4401", "--retry-on", "1008")
    data = json.loads(result.stdout)
    [target] = data["targets"]
    options = build_options({"stop-on": "4401", "retry-on": "1008"})
    assert target["options"] == options.to_flags()
    for entry in target["codes"]:
        if entry["code"] == entry["last"]:
            assert entry["action"] == action_for(options, entry["code"]).value, entry
        for key in ("name", "does", "decided_by", "description", "when", "fix", "why"):
            assert key in entry
    first = target["codes"][0]
    assert (first["code"], first["name"], first["action"]) == (1000, "Normal Closure", "stop")
    assert first["does"] == "stop: fire close and never reconnect"
    assert {entry["code"] for entry in target["codes"]} >= {row.code for row in CLOSE_CODES}


def test_codes_with_a_bad_flag_is_a_usage_error() -> None:
    result = wsgen("codes", "--restart-delay", "soon")
    assert result.exit_code == 2
    assert error_line(result).startswith("wsgen: error: --restart-delay: ")


def test_default_options_are_the_codes_default_actions() -> None:
    data = json.loads(wsgen("codes", "--json").stdout)
    actions = {entry["code"]: entry["action"] for entry in data["targets"][0]["codes"]}
    assert actions == {row.code: row.action.value for row in CLOSE_CODES}
    assert data["targets"][0]["options"] == GeneratorOptions().to_flags()


# --- help and shell completion ---------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["generate"], ["update"], ["codes"], ["explain"]])
def test_every_help_shows_an_example(command: list[str]) -> None:
    result = wsgen(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert "wsgen " + " ".join(command) in result.stdout


def complete(words: str) -> list[str]:
    """What bash completion offers for `words` (the last word being the one typed)."""
    environment = {
        **os.environ,
        "_WSGEN_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "generator"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
def test_shell_completion_offers_commands_flags_and_codes() -> None:
    assert complete("wsgen ex") == ["explain"]
    assert complete("wsgen up") == ["update"]
    assert complete("wsgen explain 101") == [str(code) for code in range(1010, 1016)]
    offered = complete("wsgen generate --")
    for flag in ("--check", "--diff", "--force", "--config", "--restart-delay", "--stop-on"):
        assert flag in offered
    assert "--json" in complete("wsgen codes --")


def test_completion_script_is_printed_for_the_shell_it_is_typed_in() -> None:
    """`wsgen --show-completion` takes no shell name: typer finds the shell among the
    process's parents. So it runs under bash here, as a user types it (in-process, the
    parents are pytest's and the shell found varies from run to run)."""
    result = subprocess.run(
        # A list, not one command: bash would replace itself with a lone command.
        ["bash", "-c", f"{shlex.quote(sys.executable)} -m generator --show-completion; exit $?"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "_WSGEN_COMPLETE=complete_bash" in result.stdout
