"""The pre-commit hook this repository offers (.pre-commit-hooks.yaml), run by the real
`pre-commit` from the registry in a throwaway project: it installs this checkout as a Python hook
repository, so the test proves the hook's entry, its language and the package build together."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.options import build_options
from generator.render import render_module

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
[tool.wsgen]
out = "src/vendor/socket.js"
restart-delay = "500ms-3s"
"""


def _git(cwd: Path, *arguments: str) -> str:
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            *arguments,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def _snapshot_of_this_checkout(into: Path) -> str:
    """A git repository holding this checkout's files as they are now (committed or not), so the
    hook under test is the working tree's; returns its commit for `rev:`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not name.startswith(("tests/", "bench/", "output/")):
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(into, "init", "-q")
    _git(into, "add", "-A")
    _git(into, "commit", "-q", "-m", "snapshot")
    return _git(into, "rev-parse", "HEAD")


def _pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )


def test_hook_passes_when_current_and_fails_with_the_reason_on_a_hand_edit(
    tmp_path: Path,
) -> None:
    hook_repo = tmp_path / "wsgen"
    rev = _snapshot_of_this_checkout(hook_repo)

    project = tmp_path / "project"
    (project / "src" / "vendor").mkdir(parents=True)
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    vendored = project / "src" / "vendor" / "socket.js"
    vendored.write_text(
        render_module(build_options({"restart-delay": "500ms-3s"})), encoding="utf-8"
    )
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: wsgen-check\n",
        encoding="utf-8",
    )
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    current = _pre_commit(project, home)
    assert current.returncode == 0, current.stdout + current.stderr
    assert "wsgen generated files are current" in current.stdout
    assert "Passed" in current.stdout

    vendored.write_text(
        vendored.read_text(encoding="utf-8").replace("1012", "1013", 1), encoding="utf-8"
    )
    _git(project, "add", "-A")
    edited = _pre_commit(project, home)
    assert edited.returncode == 1, edited.stdout + edited.stderr
    assert "Failed" in edited.stdout
    assert "src/vendor/socket.js would change: edited by hand since wsgen generated it" in (
        edited.stdout
    )
    # --diff shows the hand edit being undone.
    assert "-" in edited.stdout and "1013" in edited.stdout
