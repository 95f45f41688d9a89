"""Real React and Vue builds for the binding tests: tests/frameworks' pinned packages, and
esbuild bundling a harness app with the generated module and binding beside it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "frameworks"
NODE_MODULES = FRAMEWORKS_DIR / "node_modules"

# The app each variant bundles, and how: React 18 is the "react18" package under the name react.
# React runs as a development build, the only one whose StrictMode mounts twice; Vue as a
# production build, as its development build keeps a 3 s timer of its own (waiting for
# devtools) that would hide whether the composable leaves one.
VARIANTS = {
    "react19": ("react-app.mjs", "development", []),
    "react18": (
        "react-app.mjs",
        "development",
        ["--alias:react=react18", "--alias:react-dom=react-dom18"],
    ),
    "vue3": ("vue-app.mjs", "production", []),
}


def ensure_framework_packages() -> Path:
    """tests/frameworks/node_modules, after installing the pinned packages when missing."""
    if not (NODE_MODULES / ".bin" / "esbuild").exists():
        if shutil.which("npm") is None:
            raise RuntimeError("npm is required to install tests/frameworks (see .ci/setup)")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=FRAMEWORKS_DIR, check=True, timeout=300
        )
    return NODE_MODULES


def link_packages(folder: Path) -> None:
    """Let files in `folder` import react, vue and their types, as from a project's own."""
    link = folder / "node_modules"
    if not link.exists():
        link.symlink_to(ensure_framework_packages(), target_is_directory=True)


def bundle_page(folder: Path, variant: str) -> None:
    """Write `folder`/index.html and app.js: the variant's harness app, importing the generated
    module and binding already in `folder`."""
    app, mode, extra = VARIANTS[variant]
    shutil.copy(FRAMEWORKS_DIR / app, folder / app)
    shutil.copy(FRAMEWORKS_DIR / "page.html", folder / "index.html")
    link_packages(folder)
    result = subprocess.run(
        [
            str(NODE_MODULES / ".bin" / "esbuild"),
            app,
            "--bundle",
            "--format=iife",
            "--outfile=app.js",
            f'--define:process.env.NODE_ENV="{mode}"',
            "--define:__VUE_OPTIONS_API__=true",
            "--define:__VUE_PROD_DEVTOOLS__=false",
            "--define:__VUE_PROD_HYDRATION_MISMATCH_DETAILS__=false",
            "--log-level=warning",
            *extra,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
