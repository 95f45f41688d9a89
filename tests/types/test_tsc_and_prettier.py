"""What users' tooling says about the generated files: `tsc --strict` on the ts source and on
typed code using each .d.ts, and `prettier --check` with Prettier's defaults on every format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.formats import Format
from generator.options import build_options
from generator.outputs import plan_outputs
from generator.render import render_declarations, render_module
from tests.support.tools import TYPES_DIR, run_ecmascript_parse, run_prettier_check, run_tsc

pytestmark = pytest.mark.tools


def write_outputs(folder: Path, flags: dict[str, str]) -> list[Path]:
    options = build_options(flags)
    outputs = plan_outputs(options, folder / "socket.js")
    for output in outputs:
        output.path.write_text(output.render(options), encoding="utf-8")
    return [output.path for output in outputs]


# The longest class name the templates keep within Prettier's 80 columns everywhere.
LONG_NAME = "ReconnectingWebSocketClient"


@pytest.mark.parametrize(
    "flags",
    [
        {"format": "esm,cjs,iife,ts", "types": "true"},
        {"format": "esm,cjs,iife,ts", "types": "true", "class-name": LONG_NAME, "share-tabs": "on"},
        {
            "format": "iife",
            "types": "true",
            "share-tabs": "on",
            "class-name": "S",
            "global-name": LONG_NAME,
            "stop-on": "4000-4099,4401",
            "max-retries": "3",
            "backoff-factor": "1.25",
        },
    ],
    ids=["defaults", "long-class-name", "short-class-long-global"],
)
def test_every_format_passes_prettier_check(tmp_path: Path, flags: dict[str, str]) -> None:
    files = write_outputs(tmp_path, flags)
    result = run_prettier_check(files)
    assert result.returncode == 0, result.stdout + result.stderr


MODULE_USAGE = (TYPES_DIR / "usage-module.ts").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("format", "module_name", "import_from"),
    [
        (Format.ESM, "socket.js", "./socket.js"),
        (Format.CJS, "socket.cjs", "./socket.cjs"),
        (Format.TS, "socket.ts", "./socket.js"),
    ],
)
def test_typed_code_can_pass_the_socket_where_a_websocket_is_expected(
    tmp_path: Path, format: Format, module_name: str, import_from: str, typescript: str
) -> None:
    """For ts, the program holds the generated source itself: it must pass --strict too."""
    options = build_options({"format": format.value})
    (tmp_path / module_name).write_text(render_module(options), encoding="utf-8")
    files = [module_name] if format is Format.TS else []
    if format.is_javascript:
        declarations = "socket.d.ts" if format is Format.ESM else "socket.d.cts"
        (tmp_path / declarations).write_text(render_declarations(options, format), encoding="utf-8")
        files.append(declarations)
    usage = MODULE_USAGE.replace('from "./socket.js"', f'from "{import_from}"')
    (tmp_path / "usage.ts").write_text(usage, encoding="utf-8")
    result = run_tsc(tmp_path, typescript=typescript, files=[*files, "usage.ts"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_iife_declarations_type_the_global(tmp_path: Path, typescript: str) -> None:
    options = build_options({"format": "iife"})
    (tmp_path / "socket.iife.d.ts").write_text(
        render_declarations(options, Format.IIFE), encoding="utf-8"
    )
    shutil.copy(TYPES_DIR / "usage-global.ts", tmp_path / "usage.ts")
    result = run_tsc(tmp_path, typescript=typescript, files=["socket.iife.d.ts", "usage.ts"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_javascript_formats_need_es2022_and_nothing_newer(tmp_path: Path) -> None:
    """The module's floor is ES2022: private fields and methods and a static block, which every
    evergreen browser has shipped since early 2023. acorn refuses anything newer, and an engine
    of ES2021 refuses the module (so the floor the docs state is the real one)."""
    files = write_outputs(tmp_path, {"format": "esm,cjs,iife", "share-tabs": "on"})
    esm = tmp_path / "socket.js"
    kinds = {path: "module" if path == esm else "script" for path in files}
    result = run_ecmascript_parse(2022, kinds)
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_ecmascript_parse(2021, kinds).returncode == 1
    # A hashbang is ES2023 syntax: the 2022 parse would refuse it, were it ever added.
    (tmp_path / "newer.js").write_text("#!/usr/bin/env node\nexport {};\n", encoding="utf-8")
    assert run_ecmascript_parse(2022, {tmp_path / "newer.js": "module"}).returncode == 1


def test_tsc_rejects_misuse_so_the_checks_above_mean_something(
    tmp_path: Path, typescript: str
) -> None:
    options = build_options({"format": "esm"})
    (tmp_path / "socket.js").write_text(render_module(options), encoding="utf-8")
    (tmp_path / "socket.d.ts").write_text(
        render_declarations(options, Format.ESM), encoding="utf-8"
    )
    (tmp_path / "usage.ts").write_text(
        'import { ReconnectingSocket } from "./socket.js";\n'
        'new ReconnectingSocket("wss://example.com").close("not a code");\n',
        encoding="utf-8",
    )
    result = run_tsc(tmp_path, typescript=typescript, files=["socket.d.ts", "usage.ts"])
    assert result.returncode != 0
    assert "TS2345" in result.stdout
