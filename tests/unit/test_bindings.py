"""--framework: the React and Vue bindings are written beside the module on request, import it,
and live like it (header, --check, update, refusal of hand edits); bad values are one-line
usage errors that write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.header import read_header
from tests.support.cli import enter_project, error_line, wsgen


def test_bindings_are_written_beside_the_module_and_import_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch)
    result = wsgen("generate", "--out", "socket.js", "--framework", "react", "--framework", "vue")
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in tmp_path.glob("socket*")) == [
        "socket.js",
        "socket.react.js",
        "socket.vue.js",
    ]
    react = (tmp_path / "socket.react.js").read_text(encoding="utf-8")
    vue = (tmp_path / "socket.vue.js").read_text(encoding="utf-8")
    assert 'import { ReconnectingSocket } from "./socket.js";' in react
    assert 'from "react";' in react and "export function useReconnectingSocket(" in react
    assert 'import { ReconnectingSocket } from "./socket.js";' in vue
    assert 'from "vue";' in vue and "export function useReconnectingSocket(" in vue
    # The same header as the module: the options, so `wsgen update` can redo the file.
    header = read_header(react)
    assert header is not None and header.flags["framework"] == "react,vue"


def test_the_ts_format_gets_typescript_bindings_and_types_get_declarations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch)
    result = wsgen(
        "generate", "--out", "socket.js", "--format", "esm,ts", "--types", "--framework", "react"
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in tmp_path.glob("socket*")) == [
        "socket.d.ts",
        "socket.js",
        "socket.react.d.ts",
        "socket.react.js",
        "socket.react.ts",
        "socket.ts",
    ]
    typed = (tmp_path / "socket.react.ts").read_text(encoding="utf-8")
    assert "): SocketState {" in typed and 'from "./socket.js";' in typed
    # Each file, bindings and their declarations included, is found again from its header.
    files = sorted(path.name for path in tmp_path.glob("socket*"))
    assert wsgen("update", "--check", *files).exit_code == 0


def test_a_config_key_asks_for_bindings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nout = "s.js"\nframework = ["vue"]\n')
    assert wsgen("generate").exit_code == 0
    assert (tmp_path / "s.vue.js").is_file() and not (tmp_path / "s.react.js").exists()


def test_a_hand_edited_binding_fails_check_and_update_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch)
    flags = ("--out", "socket.js", "--framework", "react")
    assert wsgen("generate", *flags).exit_code == 0
    assert wsgen("generate", "--check", *flags).exit_code == 0
    binding = tmp_path / "socket.react.js"
    original = binding.read_text(encoding="utf-8")
    binding.write_text(original.replace("NORMAL_CLOSURE = 1000", "NORMAL_CLOSURE = 4000"))

    checked = wsgen("generate", "--check", *flags)
    assert checked.exit_code == 1
    assert "socket.react.js would change: edited by hand since wsgen generated it" in (
        checked.stderr
    )
    refused = wsgen("generate", *flags)
    assert refused.exit_code == 1 and "refusing to overwrite socket.react.js" in refused.stderr

    updated = wsgen("update", "socket.react.js")
    assert updated.exit_code == 0, updated.stderr
    assert binding.read_text(encoding="utf-8") == original
    assert wsgen("update", "--check", "socket.react.js", "socket.js").exit_code == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--framework", "angular"],
            "wsgen: error: --framework: expected react|vue (or a comma list of them), "
            "got 'angular'",
        ),
        (
            ["--framework", "react", "--format", "cjs"],
            "wsgen: error: --framework: bindings import an ES module; add --format esm or ts",
        ),
    ],
)
def test_bad_framework_values_are_one_line_errors_that_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], message: str
) -> None:
    enter_project(tmp_path, monkeypatch)
    result = wsgen("generate", "--out", "socket.js", *arguments)
    assert result.exit_code == 2
    assert error_line(result) == message
    assert list(tmp_path.glob("socket*")) == []
