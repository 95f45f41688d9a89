"""`wsgen generate` says, in one line, when Node would load the ES module it writes as CommonJS
(the nearest package.json has no "type": "module"), and names the fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import enter_project, wsgen

NOTE = "makes Node load"


def project(root: Path, monkeypatch: pytest.MonkeyPatch, package: dict[str, str] | None) -> Path:
    enter_project(root, monkeypatch)
    if package is not None:
        (root / "package.json").write_text(json.dumps(package), encoding="utf-8")
    (root / "src").mkdir()
    return root


@pytest.mark.parametrize(
    "package", [{"type": "commonjs"}, {"name": "app"}], ids=["commonjs", "no-type"]
)
def test_esm_js_in_a_commonjs_package_names_the_fixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: dict[str, str]
) -> None:
    project(tmp_path, monkeypatch, package)
    result = wsgen("generate", "--out", "src/socket.js")
    assert result.exit_code == 0
    [note] = [line for line in result.stderr.splitlines() if NOTE in line]
    assert "--format cjs" in note and "socket.mjs" in note
    assert (tmp_path / "src" / "socket.js").exists()


@pytest.mark.parametrize(
    ("package", "arguments"),
    [
        ({"type": "module"}, ["--out", "src/socket.js"]),
        ({"type": "commonjs"}, ["--out", "src/socket.cjs", "--format", "cjs"]),
        ({"type": "commonjs"}, ["--out", "src/socket.mjs"]),
        ({"type": "commonjs"}, ["--out", "src/socket.js", "--format", "iife"]),
        (None, ["--out", "src/socket.js"]),
    ],
    ids=["module-package", "cjs-format", "mjs-ending", "iife", "no-package-json"],
)
def test_no_note_where_node_loads_the_file_as_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    package: dict[str, str] | None,
    arguments: list[str],
) -> None:
    project(tmp_path, monkeypatch, package)
    result = wsgen("generate", *arguments)
    assert result.exit_code == 0, result.stderr
    assert NOTE not in result.stderr
