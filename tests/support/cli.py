"""Running `wsgen` in-process (typer's CliRunner) inside a throwaway project folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from generator.cli import app

runner = CliRunner()


def wsgen(*arguments: str) -> Result:
    """`wsgen ARGUMENTS...` in the current folder; stdout and stderr stay apart."""
    return runner.invoke(app, list(arguments), catch_exceptions=False, prog_name="wsgen")


def enter_project(root: Path, monkeypatch: pytest.MonkeyPatch, config: str | None = None) -> Path:
    """Make `root` a repository root (so the config search stops there), optionally with a
    pyproject.toml holding `config`, and work inside it."""
    (root / ".git").mkdir(exist_ok=True)
    if config is not None:
        (root / "pyproject.toml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def error_line(result: Result) -> str:
    """The one line a usage error prints; fails when there is more than one."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
