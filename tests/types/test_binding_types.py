"""The React and Vue bindings under the strict tsc settings of tests/types, with the real
@types/react and vue of tests/frameworks: the ts-format sources compile, typed code compiles
against the .d.ts beside the esm output, and every binding passes `prettier --check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.options import build_options
from generator.outputs import plan_outputs
from tests.support.frameworks import link_packages
from tests.support.tools import TYPES_DIR, run_prettier_check, run_tsc

pytestmark = pytest.mark.tools

# The longest class name the templates keep within Prettier's 80 columns.
LONG_NAME = "ReconnectingWebSocketClient"


def write_outputs(folder: Path, out: str, **flags: str) -> list[Path]:
    options = build_options(
        {"format": "esm,ts", "types": "true", "framework": "react,vue", **flags}
    )
    outputs = plan_outputs(options, folder / out)
    for output in outputs:
        output.path.write_text(output.render(options), encoding="utf-8")
    link_packages(folder)
    return [output.path for output in outputs]


@pytest.mark.parametrize("class_name", ["ReconnectingSocket", LONG_NAME])
def test_ts_bindings_compile_strictly(tmp_path: Path, class_name: str) -> None:
    write_outputs(tmp_path, "socket.js", **{"class-name": class_name})
    result = run_tsc(tmp_path, ["socket.ts", "socket.react.ts", "socket.vue.ts"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_code_uses_the_bindings_through_their_declarations(tmp_path: Path) -> None:
    write_outputs(tmp_path, "socket.js")
    for usage in ("usage-react.ts", "usage-vue.ts"):
        (tmp_path / usage).write_bytes((TYPES_DIR / usage).read_bytes())
    files = [
        "socket.d.ts",
        "socket.react.d.ts",
        "socket.vue.d.ts",
        "usage-react.ts",
        "usage-vue.ts",
    ]
    result = run_tsc(tmp_path, files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_code_misusing_the_hook_is_refused(tmp_path: Path) -> None:
    """The check above could pass with `any` types: here a wrong use must fail."""
    write_outputs(tmp_path, "socket.js")
    (tmp_path / "misuse.ts").write_text(
        'import { useReconnectingSocket } from "./socket.react.js";\n'
        'export const state: string = useReconnectingSocket("wss://x.test/").readyState;\n',
        encoding="utf-8",
    )
    result = run_tsc(tmp_path, ["socket.d.ts", "socket.react.d.ts", "misuse.ts"])
    assert result.returncode != 0
    assert "Type 'number' is not assignable to type 'string'" in result.stdout


@pytest.mark.parametrize(
    ("out", "flags"),
    [
        ("reconnecting-socket.js", {}),
        ("s.js", {"class-name": LONG_NAME}),
        ("a-rather-long-name-for-the-vendored-socket.js", {"class-name": "S"}),
    ],
)
def test_bindings_pass_prettier_check(tmp_path: Path, out: str, flags: dict[str, str]) -> None:
    files = [
        path
        for path in write_outputs(tmp_path, out, **flags)
        if ".react." in path.name or ".vue." in path.name
    ]
    assert len(files) == 6
    result = run_prettier_check(files)
    assert result.returncode == 0, result.stdout + result.stderr
