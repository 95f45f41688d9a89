"""The project as a whole: lint, types, and that an installed wheel renders what the source does."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from generator.options import GeneratorOptions
from generator.render import render_module

ROOT = Path(__file__).parents[2]


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    folders = [name for name in ("generator", "tests", "bench") if (ROOT / name).is_dir()]
    result = run(sys.executable, "-m", "ruff", "check", *folders)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = run(sys.executable, "-m", "mypy", "generator")
    assert result.returncode == 0, result.stdout + result.stderr


def test_runtime_dependencies_are_jinja2_and_typer_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = sorted(requirement.split(">")[0] for requirement in project["dependencies"])
    assert names == ["jinja2", "typer"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel_dir = tmp_path_factory.mktemp("dist")
    built = run(
        sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(wheel_dir), "."
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [path] = wheel_dir.glob("*.whl")
    return path


def install(environment: Path, *requirements: str) -> Path:
    """pip-install into `environment`; returns its python."""
    python = environment / "bin" / "python"
    installed = run(
        str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


def test_wheel_carries_the_module_templates_and_the_demo_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generator/templates/reconnecting-socket/body.js.j2" in names
    for asset in ("index.html.j2", "demo.js", "demo.css"):
        assert f"generator/demo/assets/{asset}" in names
    assert "generator/demo/server.py" in names


@pytest.mark.slow
def test_installed_wheel_renders_the_same_bytes_as_the_source_tree(
    tmp_path: Path, wheel: Path
) -> None:
    # The venv sees the suite's own jinja2 and typer, so nothing is downloaded; the wheel's
    # `generator` shadows nothing because the commands run outside the source tree.
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)
    python = install(environment, "--no-deps", str(wheel))
    out = tmp_path / "socket.js"
    generated = run(str(environment / "bin" / "wsgen"), "generate", "--out", str(out), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    located = run(str(python), "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert str(environment) in located.stdout, "the wheel, not the source tree, was imported"
    assert out.read_text(encoding="utf-8") == render_module(GeneratorOptions())


@pytest.mark.slow
def test_oldest_supported_jinja2_and_typer_render_the_same_bytes(
    tmp_path: Path, wheel: Path
) -> None:
    """The lower bounds in pyproject.toml are the versions this test installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    oldest = [requirement.replace(">=", "==") for requirement in project["dependencies"]]
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    install(environment, *oldest, str(wheel))
    wsgen = str(environment / "bin" / "wsgen")
    out = tmp_path / "socket.js"
    generated = run(wsgen, "generate", "--out", str(out), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    assert out.read_text(encoding="utf-8") == render_module(GeneratorOptions())
    refused = run(wsgen, "generate", "--out", str(out), "--backoff-factor", "0", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith("wsgen: error: --backoff-factor:")
