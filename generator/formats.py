"""The output formats: what each is for, its template, and the file names it gets by default.

All formats render the same body (templates/reconnecting-socket/body.js.j2); a format only
wraps it (ESM export, `module.exports`, an IIFE defining a global, TypeScript annotations).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

from .bindings import BINDING_SUFFIXES


class Format(StrEnum):
    ESM = "esm"
    """An ES module: `import { ReconnectingSocket } from "./reconnecting-socket.js"`."""
    CJS = "cjs"
    """CommonJS: `const { ReconnectingSocket } = require("./reconnecting-socket.cjs")`."""
    IIFE = "iife"
    """A classic `<script>` that defines one global (`--global-name`)."""
    TS = "ts"
    """Strict TypeScript source."""

    @property
    def template(self) -> str:
        return f"reconnecting-socket/{_TEMPLATES[self]}"

    @property
    def suffix(self) -> str:
        """How this format's default file name ends."""
        return _SUFFIXES[self]

    @property
    def is_javascript(self) -> bool:
        return self is not Format.TS


_TEMPLATES = {
    Format.ESM: "esm.js.j2",
    Format.CJS: "cjs.js.j2",
    Format.IIFE: "iife.js.j2",
    Format.TS: "ts.ts.j2",
}
_SUFFIXES = {Format.ESM: ".js", Format.CJS: ".cjs", Format.IIFE: ".iife.js", Format.TS: ".ts"}

_NAMES = frozenset(Format)

DECLARATIONS_TEMPLATE = "reconnecting-socket/declarations.d.ts.j2"

# Longest first, so "x.iife.js" loses ".iife.js" rather than ".js" (and "x.react.js" its
# binding's ending).
_KNOWN_SUFFIXES = (
    *BINDING_SUFFIXES,
    *".iife.d.ts .iife.js .d.mts .d.cts .d.ts .mjs .cjs .mts .cts .js .ts".split(),
)


def parse_formats(value: Any) -> tuple[Format, ...]:
    """Formats from "esm", "esm,cjs" or a list of either (repeated flags, a config list);
    duplicates collapse, order is kept."""
    allowed = "|".join(Format)
    items: Iterable[Any] = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError(f"expected {allowed} or a list of them, got {value!r}")
    formats: list[Format] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected {allowed}, got {item!r}")
        for name in item.split(","):
            name = name.strip()
            if name not in _NAMES:
                raise ValueError(f"expected {allowed} (or a comma list of them), got {name!r}")
            if Format(name) not in formats:
                formats.append(Format(name))
    if not formats:
        raise ValueError(f"expected at least one of {allowed}")
    return tuple(formats)


# What a file name's ending says it holds; Node and tsc go by it (a .cjs file is CommonJS
# whatever package.json says), so it picks the format when --format is not given.
_ENDINGS = (
    (".iife.js", Format.IIFE),
    (".d.ts", None),
    (".d.mts", None),
    (".d.cts", None),
    (".cjs", Format.CJS),
    (".ts", Format.TS),
    (".mts", Format.TS),
    (".cts", Format.TS),
    (".mjs", Format.ESM),
    (".js", Format.ESM),
)


def format_for_path(path: Path) -> Format | None:
    """The format a file name's ending implies; None when it implies none (or a .d.ts)."""
    for ending, fmt in _ENDINGS:
        if path.name.endswith(ending) and len(path.name) > len(ending):
            return fmt
    return None


def chosen_by_ending(path: Path) -> Format | None:
    """The format `path`'s ending settles when nothing else names one: .cjs, .ts/.mts/.cts,
    .mjs, .iife.js. A plain .js settles nothing (esm is the default anyway), so it never
    overrides a config's format."""
    implied = format_for_path(path)
    plain_js = path.name.endswith(".js") and not path.name.endswith(".iife.js")
    return None if plain_js else implied


def contradiction(path: Path, formats: tuple[Format, ...]) -> str | None:
    """Why one format cannot go into `path`, judging by its ending; None when it can (several
    formats only borrow the path's folder and stem)."""
    implied = format_for_path(path)
    if len(formats) != 1 or implied is None or formats[0] is implied:
        return None
    # A plain .js only suggests esm: a classic script or CommonJS (in a package without
    # "type": "module") is as much at home in one. TypeScript source is not.
    if (
        path.name.endswith(".js")
        and not path.name.endswith(".iife.js")
        and formats[0].is_javascript
    ):
        return None
    return (
        f"{path.name!r} is named as {implied} output, but the format asked for is {formats[0]}; "
        f"drop --format to let the ending choose, or name the file {stem(path)}{formats[0].suffix}"
    )


def format_formats(formats: tuple[Format, ...]) -> str:
    return ",".join(formats)


def stem(path: Path) -> str:
    """A file name without the suffix a format gave it: "socket.iife.js" -> "socket"."""
    for suffix in _KNOWN_SUFFIXES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return path.name[: -len(suffix)]
    return path.name


def declarations_path(module: Path) -> Path:
    """The .d.ts TypeScript looks for beside a JavaScript file (.d.mts for .mjs, .d.cts for
    .cjs)."""
    name = module.name
    for suffix, declarations in ((".mjs", ".d.mts"), (".cjs", ".d.cts"), (".js", ".d.ts")):
        if name.endswith(suffix):
            return module.with_name(name[: -len(suffix)] + declarations)
    return module.with_name(name + ".d.ts")
