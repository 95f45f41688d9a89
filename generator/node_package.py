"""Whether Node would load a generated ES module as CommonJS, and the one line that says so.

Node picks a `.js` file's module system from the nearest package.json: `"type": "module"`
makes it an ES module; anything else (`npm init -y` writes `"type": "commonjs"`, and no
`type` means the same) makes it CommonJS, where `import { ReconnectingSocket }` of an ES
module written as `.js` fails with "Named export 'ReconnectingSocket' not found".
"""

from __future__ import annotations

import json
from pathlib import Path

from .formats import Format
from .options import GeneratorOptions


def nearest_package_json(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        package = candidate / "package.json"
        if package.is_file():
            return package
    return None


def commonjs_note(path: Path, options: GeneratorOptions) -> str | None:
    """The note for `path` when it is the ES module, ends in `.js`, and the nearest
    package.json makes Node load it as CommonJS; None otherwise (a browser-only folder with no
    package.json included)."""
    # The ES module is the one .js file that is not the iife's (.cjs, .ts, .d.ts end otherwise).
    is_esm = path.name.endswith(".js") and not path.name.endswith(Format.IIFE.suffix)
    if Format.ESM not in options.formats or not is_esm:
        return None
    package = nearest_package_json(path.resolve().parent)
    if package is None:
        return None
    try:
        kind = json.loads(package.read_text(encoding="utf-8")).get("type", "commonjs")
    except (OSError, ValueError, AttributeError):
        return None
    if kind == "module":
        return None
    return (
        f"wsgen: note: {package} makes Node load {path.name} as CommonJS; for Node, generate"
        f" --format cjs, or name the file {path.stem}.mjs"
    )
