"""The one Jinja environment, and rendering of the module from validated options."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from . import __version__
from .bindings import Framework
from .formats import DECLARATIONS_TEMPLATE, Format
from .jsliteral import js_string
from .options import OPTION_SPECS, GeneratorOptions, OptionSpec
from .policy import policy_lines


def templates_dir() -> Path:
    """Templates ship inside the wheel (generator/templates); a source checkout has them at the
    top level."""
    installed = Path(__file__).parent / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs: compiling them was a sixth of each `wsgen generate`
    (bench/cli_speed.py's profile). Jinja checks each entry against a checksum of its
    template's source, so an edited template is compiled afresh; the folder is named by the
    wsgen, Jinja and Python versions, so no other release's code is ever loaded. A cache that
    cannot be read or written is no cache: the output is the same bytes either way, only slower
    to make."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file: compile as if it were absent
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _cache_folder() -> Path | None:
    """A folder only this user can write, in the user's cache (XDG), or None."""
    if os.environ.get("WSGEN_NO_CACHE"):
        return None
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    versions = f"{__version__}-jinja{jinja2.__version__}-py{python}"
    try:
        # Path.home() raises RuntimeError when neither $HOME nor the user database has one.
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "wsgen" / versions
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except (OSError, RuntimeError):  # no home, a read-only home, a file in the way
        return None
    # As Jinja's own default: never load code from a folder someone else could write.
    if status.st_uid != os.getuid() or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return folder


@cache
def environment() -> Environment:
    folder = _cache_folder()
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        bytecode_cache=_TemplateCache(str(folder)) if folder else None,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is JavaScript; every value goes through |tojson
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "allow_nan": False}
    env.filters["js_string"] = js_string
    return env


class Setting(NamedTuple):
    """One entry of the module's DEFAULTS block: the runtime option, its value, its flag, and
    its TypeScript type (for the ts format and the .d.ts)."""

    name: str
    value: Any
    flag: str
    type: str


def default_settings(options: GeneratorOptions) -> list[Setting]:
    """The DEFAULTS block, drawn from OPTION_SPECS: each option's runtime names and type."""
    return [
        Setting(name, _js_value(value), spec.flag, spec.ts_type)
        for spec in OPTION_SPECS
        if spec.js_names and (spec.needs is None or getattr(options, spec.needs) is not None)
        for name, value in zip(spec.js_names, _values(spec, options), strict=True)
    ]


def _values(spec: OptionSpec, options: GeneratorOptions) -> tuple[Any, ...]:
    value = getattr(options, spec.field)
    # An option with several runtime names (--restart-delay's MIN and MAX) holds a tuple.
    return tuple(value) if len(spec.js_names) > 1 else (value,)


def _js_value(value: Any) -> Any:
    # 2.0 would print as "2.0"; a reader expects "2".
    return int(value) if isinstance(value, float) and value.is_integer() else value


def features(options: GeneratorOptions) -> dict[str, Any]:
    """The optional features the templates switch on, by field name; each off emits none of
    its code."""
    return {spec.field: getattr(options, spec.field) for spec in OPTION_SPECS if spec.feature}


def sharing_scope(options: GeneratorOptions) -> str:
    """What a --share-tabs module prefixes to the name of every connection it shares: a short
    hash of the wsgen version and every option, so only sockets built from the same recipe share
    one connection (during a deploy, old and new tabs keep their own policies). Deterministic:
    the same recipe gives the same scope in every format."""
    recipe = json.dumps([__version__, options.to_flags()], sort_keys=True)
    return f"wsgen {hashlib.sha256(recipe.encode()).hexdigest()[:12]} "


def render_module(options: GeneratorOptions, format: Format | None = None) -> str:
    """The generated module's text in `format` (default: the first of `options.formats`): a
    pure function of `options`, the format and the wsgen version."""
    chosen = format or options.formats[0]
    template = environment().get_template(chosen.template)
    return template.render(_context(options, chosen))


def render_declarations(options: GeneratorOptions, format: Format) -> str:
    """The .d.ts that goes beside the `format` (esm, cjs or iife) output."""
    template = environment().get_template(DECLARATIONS_TEMPLATE)
    return template.render(_context(options, format))


def render_binding(
    options: GeneratorOptions,
    framework: Framework,
    format: Format,
    module_import: str,
    declarations: bool,
) -> str:
    """The `framework` binding that imports the module (`format` esm or ts) from
    `module_import`, or (`declarations`) its .d.ts."""
    template = environment().get_template(framework.template(declarations))
    return template.render({**_context(options, format), "module_import": module_import})


def _context(options: GeneratorOptions, format: Format) -> dict[str, Any]:
    return {
        "version": __version__,
        "header_options": options.recorded_flags(),
        "defaults": default_settings(options),
        "policy": policy_lines(options),
        "class_name": options.class_name,
        "global_name": options.iife_global if format is Format.IIFE else None,
        "typescript": format is Format.TS,
        "export_class": format in (Format.ESM, Format.TS),
        # Members set up at runtime are `declare`d in the ts source, plainly listed in a .d.ts.
        "member_prefix": "declare " if format is Format.TS else "",
        "features": features(options),
        "sharing_scope": sharing_scope(options) if options.share_tabs else "",
    }
