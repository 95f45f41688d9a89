"""Running `wsgen` in-process (typer's CliRunner) inside a throwaway project folder."""

from __future__ import annotations

import contextlib
from pathlib import Path
from unittest import mock

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from generator.cli import app

runner = CliRunner()

# typer's CliRunner builds the click command from the app on every invoke: 16 of the 22 ms an
# in-process `wsgen generate --check` took. The command holds no state between runs (click
# makes a new context each time), so it is built once; a typer without that hook builds it
# each time, as before.
_COMMAND = typer.main.get_command(app)


def wsgen(*arguments: str) -> Result:
    """`wsgen ARGUMENTS...` in the current folder; stdout and stderr stay apart."""
    built = (
        mock.patch.object(typer.testing, "_get_command", lambda _app: _COMMAND)
        if hasattr(typer.testing, "_get_command")
        else contextlib.nullcontext()
    )
    with built:
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
