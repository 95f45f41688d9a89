"""Which files one `wsgen generate` writes, and their text: one per format, plus a .d.ts beside
each JavaScript output when --types is on.

With one format, --out names the file exactly. With several, each file takes --out's folder and
stem and its format's own ending (socket.js, socket.cjs, socket.iife.js, socket.ts), so no two
collide. Without --out, files go to output/reconnecting-socket<ending>.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .bindings import Framework, binding_path, import_specifier
from .formats import Format, declarations_path, stem
from .options import GeneratorOptions
from .render import render_binding, render_declarations, render_module

DEFAULT_FOLDER = Path("output")
DEFAULT_STEM = "reconnecting-socket"


class Output(NamedTuple):
    """One file to write: the module in `format`, or (`declarations`) the .d.ts beside it; or,
    with `framework`, the binding that imports the `format` module at `module` (or its .d.ts)."""

    path: Path
    format: Format
    declarations: bool = False
    framework: Framework | None = None
    module: Path | None = None

    def render(self, options: GeneratorOptions) -> str:
        if self.framework is not None:
            assert self.module is not None
            return render_binding(
                options,
                self.framework,
                self.format,
                import_specifier(self.module),
                self.declarations,
            )
        if self.declarations:
            return render_declarations(options, self.format)
        return render_module(options, self.format)


def module_paths(options: GeneratorOptions, out: Path | None) -> dict[Format, Path]:
    if out is not None and len(options.formats) == 1:
        return {options.formats[0]: out}
    folder, name = (DEFAULT_FOLDER, DEFAULT_STEM) if out is None else (out.parent, stem(out))
    return {fmt: folder / f"{name}{fmt.suffix}" for fmt in options.formats}


def plan_outputs(options: GeneratorOptions, out: Path | None = None) -> list[Output]:
    """The files to write, modules first in the order of --format, then their .d.ts files, then
    the bindings of --framework (beside the esm and ts modules)."""
    modules = module_paths(options, out)
    outputs = [Output(path, fmt) for fmt, path in modules.items()]
    if options.types:
        outputs += [
            Output(declarations_path(path), fmt, declarations=True)
            for fmt, path in modules.items()
            if fmt.is_javascript
        ]
    for fmt, path in modules.items():
        if fmt in (Format.ESM, Format.TS):
            for framework in options.frameworks:
                outputs.append(
                    Output(binding_path(path, framework), fmt, framework=framework, module=path)
                )
                if options.types and fmt is Format.ESM:
                    typed = binding_path(path, framework, declarations=True)
                    outputs.append(Output(typed, fmt, True, framework, path))
    return outputs
