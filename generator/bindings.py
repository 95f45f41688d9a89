"""Framework bindings written beside the module on request (--framework react,vue): each a small
ES module (or TypeScript file) that imports the generated module and wraps one
ReconnectingSocket in the framework's own terms, a React hook or a Vue composable.

A binding sits beside each esm or ts output: socket.js gets socket.react.js (and, with --types,
socket.react.d.ts); socket.ts gets socket.react.ts. Its header records the same options as the
module's, so --check and `wsgen update` treat it like the module.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any


class Framework(StrEnum):
    REACT = "react"
    """A hook, `useReconnectingSocket(url, options)`, for React 18 and 19."""
    VUE = "vue"
    """A composable, `useReconnectingSocket(url, options)`, for Vue 3.3 and later."""

    def template(self, declarations: bool) -> str:
        return f"bindings/{self.value}.{'d.ts' if declarations else 'js'}.j2"


_NAMES = frozenset(Framework)

# How a binding's file name ends, longest first, so a stem drops ".react.d.ts" whole.
BINDING_SUFFIXES = tuple(
    f".{framework}{ending}" for framework in Framework for ending in (".d.ts", ".js", ".ts")
)


def parse_frameworks(value: Any) -> tuple[Framework, ...]:
    """Frameworks from "react", "react,vue", a list of either, or "" (none)."""
    allowed = "|".join(Framework)
    items: Iterable[Any] = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError(f"expected {allowed} or a list of them, got {value!r}")
    frameworks: list[Framework] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected {allowed}, got {item!r}")
        for name in filter(None, (part.strip() for part in item.split(","))):
            if name not in _NAMES:
                raise ValueError(f"expected {allowed} (or a comma list of them), got {name!r}")
            if Framework(name) not in frameworks:
                frameworks.append(Framework(name))
    return tuple(frameworks)


def format_frameworks(frameworks: tuple[Framework, ...]) -> str:
    return ",".join(frameworks)


def binding_path(module: Path, framework: Framework, declarations: bool = False) -> Path:
    """Where the binding of `module` (an esm .js/.mjs or a .ts file) goes."""
    name = module.name
    for suffix in (".mjs", ".js", ".ts"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    ending = ".d.ts" if declarations else (".ts" if module.name.endswith(".ts") else ".js")
    return module.with_name(f"{name}.{framework}{ending}")


def import_specifier(module: Path) -> str:
    """How a binding beside `module` imports it; a .ts module by its .js name, which TypeScript
    (node16, bundler) and bundlers resolve to the .ts file."""
    name = module.name
    if name.endswith(".ts"):
        name = name[: -len(".ts")] + ".js"
    return f"./{name}"
