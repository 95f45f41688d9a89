"""Whether Node would load a generated ES module as CommonJS, and the one line that says so.

Node picks a `.js` file's module system from the nearest package.json: `"type": "module"`
makes it an ES module; anything else (`npm init -y` writes `"type": "commonjs"`, and no
`type` means the same) makes it CommonJS, where `import { ReconnectingSocket }` of an ES
module written as `.js` fails with "Named export 'ReconnectingSocket' not found".

That matters only where Node itself loads the file. A bundler (Vite, webpack, Next.js ...)
reads `import`/`export` whatever the package's type, and so does TypeScript set up for one
(`noEmit`, `"moduleResolution": "bundler"`, an ES `module`): there the note would be noise. A
TypeScript project that compiles for Node (`module` commonjs, node16, nodenext) keeps it: its
compiled `require()` meets the ES module just the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .formats import Format
from .options import GeneratorOptions

# Config files a bundler or a framework built on one reads from the project's root. (Patterns
# as text, compiled on first use: most runs never get that far.)
_BUNDLER_CONFIGS = (
    r"(vite|vitest|webpack|rollup|rolldown|rspack|rsbuild|next|nuxt|svelte|astro|remix|quasar|"
    r"vue|farm)\.config\.[cm]?[jt]s|angular\.json|\.parcelrc"
)
# Packages that bundle the app's code, as a dependency in package.json.
_BUNDLERS = frozenset(
    "vite webpack rollup rolldown parcel esbuild next nuxt astro react-scripts @rspack/core "
    "@rsbuild/core @sveltejs/kit @angular/cli @angular-devkit/build-angular @remix-run/dev "
    "@vitejs/plugin-react @vitejs/plugin-vue gatsby expo react-native".split()
)
# tsconfig.json settings that leave the output to a bundler (tsconfig allows comments, so these
# are searched, not parsed).
_TSCONFIG_FOR_A_BUNDLER = (
    r'(?i)"noEmit"\s*:\s*true|"moduleResolution"\s*:\s*"bundler"'
    r'|"module"\s*:\s*"(?:es\d+|esnext|preserve)"'
)


def nearest_package_json(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        package = candidate / "package.json"
        if package.is_file():
            return package
    return None


def _bundled(package: Path, manifest: dict[str, Any]) -> bool:
    """Whether something other than Node reads the project's modules: a bundler, or TypeScript
    set up for one."""
    root = package.parent
    names: set[str] = set()
    for field in ("dependencies", "devDependencies"):
        if isinstance(manifest.get(field), dict):
            names |= set(manifest[field])
    if names & _BUNDLERS:
        return True
    try:
        if any(re.fullmatch(_BUNDLER_CONFIGS, entry.name) for entry in root.iterdir()):
            return True
        tsconfig = (root / "tsconfig.json").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(re.search(_TSCONFIG_FOR_A_BUNDLER, tsconfig))


def commonjs_note(path: Path, options: GeneratorOptions) -> str | None:
    """The note for `path` when it is the ES module, ends in `.js`, the nearest package.json
    makes Node load it as CommonJS, and no bundler stands between (see the module's text); None
    otherwise (a browser-only folder with no package.json included)."""
    # The ES module is the one .js file that is not the iife's (.cjs, .ts, .d.ts end otherwise).
    is_esm = path.name.endswith(".js") and not path.name.endswith(Format.IIFE.suffix)
    if Format.ESM not in options.formats or not is_esm:
        return None
    package = nearest_package_json(path.resolve().parent)
    if package is None:
        return None
    try:
        manifest = json.loads(package.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("type", "commonjs") == "module":
        return None
    if _bundled(package, manifest):
        return None
    return (
        f"wsgen: note: {package} makes Node load {path.name} as CommonJS; for Node, generate"
        f" --format cjs, or name the file {path.stem}.mjs"
    )
