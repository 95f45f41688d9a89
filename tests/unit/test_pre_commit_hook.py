"""The pre-commit hook, run by the real `pre-commit` (pinned in the test extra) in throwaway git
repositories: the hook this repository offers (.pre-commit-hooks.yaml), and each
.pre-commit-config.yaml docs/vendoring.md shows, copied verbatim. A commit whose vendored file is
stale is stopped with the reason and the command that fixes it; a current one goes through."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.options import build_options
from generator.render import render_module

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
VENDORING = ROOT / "docs" / "vendoring.md"

CONFIG = """\
[tool.wsgen]
out = "src/vendor/socket.js"
restart-delay = "500ms-3s"
"""
STALE = "src/vendor/socket.js would change: options differ: restart-delay 500ms-3s -> 1s-2s"


def _git(cwd: Path, *arguments: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=.git/hooks",
            *arguments,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
        env=env,
    )
    return (result.stdout + result.stderr).strip() if not check else result.stdout.strip()


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


def _documented_configs() -> dict[str, str]:
    """Each .pre-commit-config.yaml docs/vendoring.md shows, by the `language:` of its hook."""
    blocks = re.findall(r"```yaml\n(.*?)```", VENDORING.read_text(encoding="utf-8"), re.S)
    configs = [block for block in blocks if block.lstrip().startswith("# .pre-commit-config")]
    return {re.search(r"language: (\w+)", config)[1]: config for config in configs}  # type: ignore[index]


class Project:
    """A fresh git repository vendoring the module, with `config` as its
    .pre-commit-config.yaml, installed as its pre-commit hook."""

    def __init__(self, folder: Path, config: str, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.vendored = folder / "src" / "vendor" / "socket.js"
        self.vendored.parent.mkdir(parents=True)
        (folder / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
        self.vendored.write_text(
            render_module(build_options({"restart-delay": "500ms-3s"})), encoding="utf-8"
        )
        (folder / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
        _git(folder, "init", "-q")
        subprocess.run(
            [sys.executable, "-m", "pre_commit", "install"],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def commit(self) -> tuple[bool, str]:
        """`git add -A && git commit`: whether it went through, and what the hook printed."""
        _git(self.folder, "add", "-A")
        before = _git(self.folder, "rev-list", "--all", "--count")
        output = _git(
            self.folder, "commit", "--allow-empty", "-m", "change", env=self.env, check=False
        )
        return _git(self.folder, "rev-list", "--all", "--count") != before, output

    def regenerate(self, *flags: str) -> None:
        """What the user runs to fix it: this checkout's `wsgen generate`."""
        subprocess.run(
            [sys.executable, "-m", "generator", "generate", *flags],
            cwd=self.folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
            timeout=60,
        )


def _environment(home: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **extra,
    }


def _assert_stale_commit_blocked_then_fixed(project: Project) -> None:
    went_through, output = project.commit()
    assert went_through, output
    assert "wsgen generated files are current" in output and "Passed" in output

    # The config changes and the vendored file is not regenerated: the commit is stopped.
    (project.folder / "pyproject.toml").write_text(
        CONFIG.replace("500ms-3s", "1s-2s"), encoding="utf-8"
    )
    went_through, output = project.commit()
    assert not went_through, output
    assert "Failed" in output
    assert STALE in output
    assert "wsgen: to fix, run `wsgen generate`" in output

    project.regenerate()
    went_through, output = project.commit()
    assert went_through, output


def test_the_hook_this_repository_offers_blocks_a_stale_commit_and_names_the_fix(
    tmp_path: Path,
) -> None:
    hook_repo = tmp_path / "wsgen"
    rev = _snapshot_of_this_checkout(hook_repo)
    config = f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: wsgen-check\n"
    project = Project(tmp_path / "project", config, _environment(tmp_path / "home"))
    _assert_stale_commit_blocked_then_fixed(project)

    # A hand edit: the reason, the diff undoing it, and --force as the fix.
    project.vendored.write_text(
        project.vendored.read_text(encoding="utf-8").replace("1012", "1013", 1), encoding="utf-8"
    )
    went_through, output = project.commit()
    assert not went_through, output
    assert "src/vendor/socket.js would change: edited by hand since wsgen generated it" in output
    assert re.search(r"^-.*1013", output, re.M), "the diff shows the edit undone"
    assert "wsgen: to fix, run `wsgen generate --force`, which replaces the hand edits" in output
    project.regenerate("--force")
    assert project.commit()[0]


def test_offered_hook_names_no_placeholder_repository() -> None:
    offered = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "OWNER" not in offered and "github.com" not in offered


def test_docs_show_both_configs_and_pin_this_version() -> None:
    configs = _documented_configs()
    assert set(configs) == {"python", "unsupported"}
    assert f'"wsgen=={__version__}"' in configs["python"], "the pin follows the release"
    for config in configs.values():
        assert "repo: local" in config


def test_documented_config_running_the_installed_wsgen_works_verbatim(tmp_path: Path) -> None:
    # `wsgen` on PATH is this checkout, as `pip install .` of it would make it.
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    shim = bin_folder / "wsgen"
    shim.write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m generator "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    env = _environment(tmp_path / "home", PATH=f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    project = Project(tmp_path / "project", _documented_configs()["unsupported"], env)
    _assert_stale_commit_blocked_then_fixed(project)


def test_documented_config_installing_wsgen_from_the_index_works_verbatim(tmp_path: Path) -> None:
    # The package index offers this checkout as wsgen (a wheel beside the configured index).
    source = tmp_path / "wsgen"
    _snapshot_of_this_checkout(source)
    wheels = tmp_path / "wheels"
    build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)]
    subprocess.run(
        [sys.executable, "-m", "pip", *build],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = _environment(tmp_path / "home", PIP_FIND_LINKS=str(wheels))
    project = Project(tmp_path / "project", _documented_configs()["python"], env)
    _assert_stale_commit_blocked_then_fixed(project)
