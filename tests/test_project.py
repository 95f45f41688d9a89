"""The project as a whole: lint, types, and that an installed wheel renders what the source does."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import venv
from pathlib import Path

from generator.options import GeneratorOptions
from generator.render import render_module

ROOT = Path(__file__).parent.parent


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    folders = [name for name in ("generator", "tests", "bench") if (ROOT / name).is_dir()]
    result = run(sys.executable, "-m", "ruff", "check", *folders)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = run(sys.executable, "-m", "mypy", "generator")
    assert result.returncode == 0, result.stdout + result.stderr


def test_runtime_dependencies_are_jinja2_and_typer_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = sorted(requirement.split(">")[0] for requirement in project["dependencies"])
    assert names == ["jinja2", "typer"]


def test_installed_wheel_renders_the_same_bytes_as_the_source_tree(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "dist"
    built = run(
        sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(wheel_dir), "."
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = wheel_dir.glob("*.whl")
    # The venv sees the suite's own jinja2 and typer, so nothing is downloaded; the wheel's
    # `generator` shadows nothing because the command runs outside the source tree.
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)
    python = environment / "bin" / "python"
    installed = run(str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    out = tmp_path / "socket.js"
    generated = run(str(environment / "bin" / "wsgen"), "generate", "--out", str(out), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    located = run(str(python), "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert str(environment) in located.stdout, "the wheel, not the source tree, was imported"
    assert out.read_text(encoding="utf-8") == render_module(GeneratorOptions())
