"""The README's usage commands work as written, in an empty folder and in an `npm init -y`
project: every line of a ```sh block that starts with `wsgen` is run there, through a `wsgen`
on PATH that is this checkout's console script (issue 15: the first command a new user typed
failed with "folder does not exist").

A `# writes PATH ...` comment after a command is checked too: each path it names exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

# `wsgen demo` serves until Ctrl-C; tests/unit/test_demo_server.py covers it.
LONG_RUNNING = ("wsgen demo",)


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", text, re.S)
    lines = [line.strip().removeprefix("$ ") for block in blocks for line in block.splitlines()]
    return [
        line for line in lines if re.match(r"wsgen\s", line) and not line.startswith(LONG_RUNNING)
    ]


COMMANDS = readme_commands()


def test_the_readme_shows_commands_to_run() -> None:
    assert any(command.startswith("wsgen generate") for command in COMMANDS), COMMANDS


def _wsgen_on_path(folder: Path) -> dict[str, str]:
    """An environment whose `wsgen` runs this checkout's generator, as the installed script."""
    bin_folder = folder / "bin"
    bin_folder.mkdir()
    script = bin_folder / "wsgen"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n')
    script.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }


def _project(tmp_path: Path, kind: str) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    if kind == "npm init -y":
        npm = shutil.which("npm")
        assert npm, "npm is needed to make the project a new user has"
        subprocess.run(
            [npm, "init", "-y"], cwd=project, capture_output=True, timeout=120, check=True
        )
    return project


def _run(command: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("kind", ["empty folder", "npm init -y"])
@pytest.mark.parametrize("command", COMMANDS)
def test_each_readme_command_works_as_written(tmp_path: Path, kind: str, command: str) -> None:
    env = _wsgen_on_path(tmp_path)
    project = _project(tmp_path, kind)
    # A command that reads what an earlier one wrote (update, --check) gets those run first.
    if command.startswith("wsgen update") or "--check" in command:
        for earlier in COMMANDS[: COMMANDS.index(command)]:
            _run(earlier, project, env)
    result = _run(command, project, env)
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    said = re.search(r"#\s*writes\s+(.*)$", command)
    if said:
        for path in re.findall(r"[\w./-]+\.[a-z.]+", said[1]):
            assert (project / path).is_file(), f"{command}: {path} not written"
