"""The pinned TypeScript and Prettier of tests/types, run over generated files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.support.lateness import allow

TYPES_DIR = Path(__file__).resolve().parent.parent / "types"

# Both pinned in tests/types/package.json: the latest (7, what `npm install typescript` gives)
# and the last 5.x, which many projects still use. Every tsc check runs on each.
TYPESCRIPTS = ("typescript", "typescript-5")


def ensure_tools() -> Path:
    """tests/types/node_modules/.bin, after installing the pinned packages when missing."""
    binaries = TYPES_DIR / "node_modules" / ".bin"
    packages = TYPES_DIR / "node_modules"
    installed = all((binaries / tool).exists() for tool in ("prettier", "acorn")) and all(
        (packages / name / "bin" / "tsc").exists() for name in TYPESCRIPTS
    )
    if not installed:
        if shutil.which("npm") is None:
            raise RuntimeError("npm is required to install tests/types (see .ci/setup)")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=TYPES_DIR, check=True, timeout=300
        )
    return binaries


def run_tsc(
    folder: Path, files: list[str], typescript: str = TYPESCRIPTS[0], **compiler_options: object
) -> subprocess.CompletedProcess[str]:
    """`tsc` of the `typescript` package (one of TYPESCRIPTS) with tests/types/tsconfig.json's
    strict settings (and `compiler_options` over them) on `files` in `folder`."""
    config = {
        "extends": str(TYPES_DIR / "tsconfig.json"),
        "compilerOptions": compiler_options,
        "files": files,
    }
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    return subprocess.run(
        [
            "node",
            str(ensure_tools().parent / typescript / "bin" / "tsc"),
            "--project",
            str(folder / "tsconfig.json"),
        ],
        capture_output=True,
        text=True,
        timeout=hang_guard(),
    )


def hang_guard() -> float:
    """How long a tool may run before the test calls it hung: two minutes at rest, stretched by
    the machine's load (Prettier over every feature combination takes a minute of CPU)."""
    return allow(120)


def run_prettier_check(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """`prettier --check` with Prettier's defaults: no config or .editorconfig is read."""
    return subprocess.run(
        [
            str(ensure_tools() / "prettier"),
            "--check",
            "--no-config",
            "--no-editorconfig",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=hang_guard(),
    )


def run_ecmascript_parse(year: int, files: dict[Path, str]) -> subprocess.CompletedProcess[str]:
    """Parse each file (path -> "module" or "script") as ECMAScript `year` with acorn."""
    ensure_tools()
    arguments = [f"{source_type}:{path}" for path, source_type in files.items()]
    return subprocess.run(
        ["node", str(TYPES_DIR / "parse-ecmascript.mjs"), str(year), *arguments],
        capture_output=True,
        text=True,
        timeout=hang_guard(),
    )
