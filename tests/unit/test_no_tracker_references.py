"""Nothing a user reads cites the project's internal issue tracker ("(issue 14)", "#14"): they
have no such tracker, so the reason belongs in the sentence. Checked in the files users read
(the package, its demo, docs, README, CONTRIBUTING, the benchmarks, the offered pre-commit hook,
the committed module) and in what wsgen generates from them (every golden case's files, `wsgen
codes`, `wsgen explain`, the demo page, every --help)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.codes import CLOSE_CODES
from generator.demo.page import build_site
from generator.options import build_options
from generator.outputs import plan_outputs
from tests.golden.cases import GOLDEN_CASES

ROOT = Path(__file__).resolve().parents[2]

# "issue 14", "Issues 6 and 16", "PR 3", "pull request #12", "bug #4"; and a bare "#14" after a
# space or a bracket ("(#14)", "see #14"), but not an ordinal the text itself explains
# ("[[tool.wsgen.targets]] #2", the config table a message points at) nor a colour ("#1d2330").
TRACKER_REFERENCE = re.compile(
    r"\b(?:issues?|bugs?|tickets?|PRs?|pull requests?)\s*#?\d+\b"
    r"|(?<![\w&/\]])(?<!\]\] )#\d+\b(?![\w-])",
    re.IGNORECASE,
)

USER_FACING = [
    "generator/**/*",
    "templates/**/*.j2",
    "output/*",
    "docs/**/*",
    "README.md",
    "CONTRIBUTING.md",
    "bench/*.py",
    "bench/*.md",
    "bench/js/*.mjs",
    ".pre-commit-hooks.yaml",
    "pyproject.toml",
]


def _references(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if TRACKER_REFERENCE.search(line)]


def _files() -> list[Path]:
    found = {path for pattern in USER_FACING for path in ROOT.glob(pattern) if path.is_file()}
    return sorted(path for path in found if path.suffix not in {".png", ".pyc"})


@pytest.mark.parametrize(
    "text",
    ["as measured (issue 14)", "Issues 6 and 16 set", "see #14", "(#3)", "PR 12", "bug #4"],
)
def test_the_pattern_finds_tracker_references(text: str) -> None:
    assert _references(text)


@pytest.mark.parametrize(
    "text",
    [
        "pyproject.toml: [[tool.wsgen.targets]] #2 out: ...",
        "--ink: #1d2330;",
        "retry-after=5 sent with the 1012",
        "issuer 3",
    ],
)
def test_the_pattern_leaves_other_numbers_alone(text: str) -> None:
    assert not _references(text)


def test_files_users_read_cite_no_tracker() -> None:
    cited = {}
    for path in _files():
        name = str(path.relative_to(ROOT))
        if found := _references(path.read_text(encoding="utf-8", errors="replace")):
            cited[name] = found
    assert not cited, cited


def test_generated_files_cite_no_tracker() -> None:
    cited = {}
    for case, flags in GOLDEN_CASES.items():
        options = build_options(flags)
        for output in plan_outputs(options):
            if found := _references(output.render(options)):
                cited[f"{case}: {output.path}"] = found
    site = build_site(build_options({}), {})
    page = site["/"].body.decode("utf-8")
    if found := _references(page):
        cited["demo page"] = found
    assert not cited, cited


def test_what_the_commands_print_cites_no_tracker() -> None:
    runner = CliRunner()
    commands = [
        ["codes"],
        ["codes", "--json"],
        *(["explain", str(row.code)] for row in CLOSE_CODES),
        *([name, "--help"] for name in ("generate", "update", "codes", "explain", "demo")),
        ["--help"],
    ]
    cited = {}
    for command in commands:
        result = runner.invoke(app, command, terminal_width=200)
        assert result.exit_code == 0, (command, result.output)
        if found := _references(result.output):
            cited[" ".join(command)] = found
    assert not cited, cited
