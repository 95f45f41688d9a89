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


# Where something other than Node reads the module, the package's type does not decide how it
# loads: a bundler reads `import`/`export` in any package, and so does TypeScript set up for one.
NO_EMIT = '{\n  // type-checked only; a bundler builds\n  "compilerOptions": {"noEmit": true}\n}\n'
FOR_A_BUNDLER = '{"compilerOptions": {"module": "ESNext", "moduleResolution": "Bundler"}}'
BUNDLED = {
    "vite-dependency": ({"devDependencies": {"vite": "^7.0.0"}}, {}),
    "next-dependency": ({"dependencies": {"next": "15.0.0", "react": "19.0.0"}}, {}),
    "webpack-config": ({"name": "app"}, {"webpack.config.js": "module.exports = {};\n"}),
    "vite-config": ({"name": "app"}, {"vite.config.ts": "export default {};\n"}),
    "tsconfig-noemit": ({"name": "app"}, {"tsconfig.json": NO_EMIT}),
    "tsconfig-bundler": ({"name": "app"}, {"tsconfig.json": FOR_A_BUNDLER}),
}


@pytest.mark.parametrize(("package", "files"), BUNDLED.values(), ids=BUNDLED.keys())
def test_no_note_where_a_bundler_reads_the_module(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    package: dict[str, object],
    files: dict[str, str],
) -> None:
    project(tmp_path, monkeypatch, package)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = wsgen("generate", "--out", "src/socket.js")
    assert result.exit_code == 0, result.stderr
    assert NOTE not in result.stderr


@pytest.mark.parametrize("module", ["commonjs", "node16", "nodenext"])
def test_the_note_stays_where_typescript_compiles_for_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    project(tmp_path, monkeypatch, {"name": "app", "devDependencies": {"typescript": "5.9.3"}})
    (tmp_path / "tsconfig.json").write_text(
        json.dumps({"compilerOptions": {"module": module, "outDir": "dist"}}), encoding="utf-8"
    )
    result = wsgen("generate", "--out", "src/socket.js")
    assert result.exit_code == 0, result.stderr
    assert NOTE in result.stderr
