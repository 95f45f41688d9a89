"""The project as a whole: lint, types, and that an installed wheel renders what the source does."""

from __future__ import annotations

import os
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
    assert "wsgen/templates/reconnecting-socket/body.js.j2" in names
    for asset in ("index.html.j2", "demo.js", "demo.css"):
        assert f"wsgen/demo/assets/{asset}" in names
    assert "wsgen/demo/server.py" in names


def test_wheel_installs_one_top_level_package_named_wsgen(wheel: Path) -> None:
    """Not `generator`: PyPI has an unrelated package of that name, and apps have their own
    generator/ folder, either of which would stand in for wsgen's."""
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("wsgen-")}
    assert top_level == {"wsgen"}


@pytest.mark.slow
def test_installed_wheel_renders_the_same_bytes_as_the_source_tree(
    tmp_path: Path, wheel: Path
) -> None:
    # The venv sees the suite's own jinja2 and typer, so nothing is downloaded.
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)
    python = install(environment, "--no-deps", str(wheel))
    out = tmp_path / "socket.js"
    generated = run(str(environment / "bin" / "wsgen"), "generate", "--out", str(out), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    located = run(str(python), "-c", "import wsgen; print(wsgen.__file__)", cwd=tmp_path)
    assert str(environment) in located.stdout, "the wheel, not the source tree, was imported"
    assert out.read_text(encoding="utf-8") == render_module(GeneratorOptions())


@pytest.mark.slow
def test_an_apps_own_generator_folder_does_not_shadow_the_installed_wsgen(
    tmp_path: Path, wheel: Path
) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)
    python = install(environment, "--no-deps", str(wheel))
    app = tmp_path / "app"
    (app / "generator").mkdir(parents=True)
    (app / "generator" / "__init__.py").write_text('raise SystemExit("the app\'s generator")\n')
    shadowed = {**os.environ, "PYTHONPATH": "."}
    for command in ([str(environment / "bin" / "wsgen")], [str(python), "-m", "wsgen"]):
        result = subprocess.run(
            [*command, "--version"], cwd=app, env=shadowed, capture_output=True, text=True
        )
        assert (result.returncode, result.stderr) == (0, ""), command
        assert result.stdout.startswith("wsgen "), command


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


def test_an_editable_install_imports_the_source_folder_as_wsgen(tmp_path: Path) -> None:
    """`pip install -e .` (as .ci/setup does) maps the import name onto a checkout's
    generator/, so edits take effect under the name users import (hatch_build.py). (The
    checkout installed, which for a scratch copy of this one is the original.)"""
    located = run(sys.executable, "-c", "import wsgen.cli; print(wsgen.cli.__file__)", cwd=tmp_path)
    assert located.returncode == 0, located.stderr
    source = Path(located.stdout.strip())
    assert (source.name, source.parent.name) == ("cli.py", "generator"), source
    assert (source.parents[1] / "templates" / "reconnecting-socket").is_dir(), source
