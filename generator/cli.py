"""The `wsgen` command line: parse, call the generator, report. No rendering logic lives here.

Exit codes: 0 done (or, with --check, everything current); 1 something needs you (a file would
change, or wsgen refused to overwrite one); 2 a usage error, with nothing written.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from generator import __version__
from generator.codes import CLOSE_CODES
from generator.config import (
    ConfigError,
    Target,
    project_config,
    resolve_targets,
)
from generator.explain import OptionSet, codes_json, codes_table, explain, parse_code
from generator.files import read_text_if_any, unified_diff, write_atomically
from generator.header import MARKER, HeaderError, read_header
from generator.options import OPTION_SPECS, GeneratorOptions, OptionError, OptionSpec
from generator.render import render_module
from generator.vendored import State, Verdict, inspect_file

_DEFAULT_FLAGS = GeneratorOptions().to_flags()

app = typer.Typer(
    no_args_is_help=True,
    add_completion=True,
    help="Generate a drop-in reconnecting WebSocket module with a per-close-code policy.",
    epilog="**Example**: `wsgen generate --out src/vendor/socket.js`; `wsgen COMMAND --help` shows "
    "more for each command. Shell completion: `wsgen --install-completion`.",
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


def fail(message: str) -> NoReturn:
    """A usage error: one line on stderr, exit code 2, nothing written."""
    typer.echo(f"wsgen: error: {message}", err=True)
    raise typer.Exit(2)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"wsgen {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Generate a drop-in reconnecting WebSocket module with a per-close-code policy.

    Close 1000 (Normal Closure) stops for good; 1012 (Service Restart) reconnects after a
    short random delay; every other code follows the table `wsgen codes` prints.
    """


# --- Module options: one --flag per OPTION_SPECS entry, on every command that takes them -------


def _option_parameter(spec: OptionSpec) -> inspect.Parameter:
    default = _DEFAULT_FLAGS[spec.flag]
    shown = default if default != "" else "none"
    option = typer.Option(
        f"--{spec.flag}",
        metavar=spec.metavar,
        help=f"{spec.help} [default: {shown}]",
        rich_help_panel="Module options (override the config file)",
        show_default=False,
    )
    return inspect.Parameter(
        spec.field,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[str | None, option],
    )


def with_option_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` a --flag per OPTION_SPECS entry, so that an option added there reaches
    every command, its help and shell completion without being listed again. The command gets
    the ones given on the command line as `flags` (flag name → raw text)."""
    own = inspect.signature(command, eval_str=True)
    parameters = [parameter for parameter in own.parameters.values() if parameter.name != "flags"]
    clashes = {spec.field for spec in OPTION_SPECS} & {parameter.name for parameter in parameters}
    assert not clashes, f"{command.__name__} has parameters named like options: {clashes}"

    @functools.wraps(command)
    def run(**arguments: Any) -> None:
        given = {spec.flag: arguments.pop(spec.field) for spec in OPTION_SPECS}
        command(
            flags={flag: value for flag, value in given.items() if value is not None}, **arguments
        )

    run.__signature__ = own.replace(  # type: ignore[attr-defined]
        parameters=[*parameters, *(_option_parameter(spec) for spec in OPTION_SPECS)]
    )
    return run


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="TOML file with the options (a pyproject.toml's [tool.wsgen], or a wsgen.toml). "
        "Default: the nearest pyproject.toml with [tool.wsgen], up to the repository root.",
        dir_okay=False,
    ),
]


def _targets(config: Path | None, flags: dict[str, str], out: str | None) -> list[Target]:
    try:
        return resolve_targets(project_config(config, Path.cwd()), flags, out)
    except (ConfigError, OptionError) as error:
        fail(str(error))


def _shown(path: Path) -> str:
    """Paths as the user would type them: relative to the working folder when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- generate ------------------------------------------------------------------------------

GENERATE_EXAMPLES = """
**Examples**

* `wsgen generate` writes every target of the config file (or output/reconnecting-socket.js
with the defaults).

* `wsgen generate --out src/vendor/socket.js --restart-delay 500ms-3s`

* `wsgen generate --stop-on 4401,4403 --retry-on 1000 --max-retries 10`

* `wsgen generate --check --diff` in CI: exit 1, with a diff, when a committed file is stale.

* `wsgen generate --out -` prints the module to stdout.

Durations take 250ms, 2s, 1.5s or a bare number of milliseconds. Config: `[tool.wsgen]` in
pyproject.toml, keys named like the flags; flags win over it. Exit codes: 0 done or current,
1 would change or refused to overwrite, 2 usage error.
"""


@app.command(epilog=GENERATE_EXAMPLES)
@with_option_flags
def generate(
    flags: dict[str, str],
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="File to write; '-' prints to stdout. Its folder must exist. "
            "[default: the config's targets, else output/reconnecting-socket.js]",
        ),
    ] = None,
    config: ConfigOption = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 when a file is missing or would change."
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff of each change.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Overwrite a file wsgen did not write, or one edited by hand."
        ),
    ] = False,
) -> None:
    """Render the module with the config's and the given settings, and write it (atomically)."""
    targets = _targets(config, flags, out)
    if any(target.out is None for target in targets):
        if check or diff:
            fail("--out: '-' prints the module; --check and --diff compare with a file")
        for target in targets:
            sys.stdout.write(render_module(target.options))
        return
    planned = [
        Planned(target.out, render_module(target.options), target.options, target.out_name)
        for target in targets
        if target.out is not None
    ]
    sync(planned, check=check, diff=diff, force=force, verb="wrote", command="generate")


@dataclass(frozen=True)
class Planned:
    """A file wsgen is about to compare or write."""

    path: Path
    text: str
    options: GeneratorOptions
    out_name: str


def sync(
    planned: list[Planned], *, check: bool, diff: bool, force: bool, verb: str, command: str
) -> None:
    """Compare each planned file with the disk, then report (--check, --diff) or write them all;
    a refusal writes none."""
    verdicts = [(plan, _inspect(plan)) for plan in planned]
    stale = [(plan, verdict) for plan, verdict in verdicts if not verdict.is_current]
    if check or diff:
        for plan, verdict in stale:
            if diff:
                typer.echo(unified_diff(_shown(plan.path), verdict.text, plan.text), nl=False)
            typer.echo(f"wsgen: {_shown(plan.path)} {_would(verdict)}", err=True)
        summary = f"{len(stale)} of {len(planned)}" if stale else f"all {len(planned)}"
        status = "would change" if stale else "current"
        typer.echo(f"wsgen: {summary} file{'s' * (len(planned) > 1)} {status}", err=True)
        raise typer.Exit(1 if check and stale else 0)
    refused = [] if force else [pair for pair in stale if pair[1].is_protected]
    for plan, verdict in refused:
        typer.echo(f"wsgen: refusing to overwrite {_shown(plan.path)}: {verdict.reason}", err=True)
    if refused:
        typer.echo(
            f"wsgen: nothing written; see the difference with `wsgen {command} --diff`, or "
            f"overwrite with `wsgen {command} --force`",
            err=True,
        )
        raise typer.Exit(1)
    for plan, _verdict in verdicts:
        _check_folder(plan)
    for plan, verdict in verdicts:
        _write(plan, verdict, verb)


def _would(verdict: Verdict) -> str:
    if verdict.state is State.MISSING:
        return "is missing"
    return f"would change: {verdict.reason}"


def _inspect(plan: Planned) -> Verdict:
    if plan.path.is_dir():
        fail(f"{plan.out_name}: {str(plan.path)!r} is a folder; give a file path")
    try:
        return inspect_file(plan.path, plan.text, plan.options)
    except OSError as error:
        fail(f"{plan.out_name}: cannot read {str(plan.path)!r}: {error.strerror or error}")


def _check_folder(plan: Planned) -> None:
    if not plan.path.parent.is_dir():
        fail(f"{plan.out_name}: folder {str(plan.path.parent)!r} does not exist; create it first")


def _write(plan: Planned, verdict: Verdict, verb: str) -> None:
    try:
        changed = write_atomically(plan.path, plan.text)
    except OSError as error:
        fail(f"{plan.out_name}: cannot write {str(plan.path)!r}: {error.strerror or error}")
    shown = _shown(plan.path)
    if not changed:
        typer.echo(f"wsgen: unchanged {shown}", err=True)
    elif verdict.state is State.MISSING:
        typer.echo(f"wsgen: {verb} {shown}", err=True)
    elif verdict.state is State.EDITED:
        typer.echo(f"wsgen: {verb} {shown}, replacing its hand edits", err=True)
    else:
        typer.echo(f"wsgen: {verb} {shown}: {verdict.reason}", err=True)


# --- update --------------------------------------------------------------------------------

UPDATE_EXAMPLES = """
**Examples**

* `wsgen update src/vendor/reconnecting-socket.js` after upgrading wsgen: the same options,
the new generator.

* `wsgen update --check src/vendor/*.js` exits 1 when a file would change.

The options come from line 2 of each file, which wsgen wrote there; hand edits below it are
replaced. A file without that header is refused and left as it is.
"""


@app.command(epilog=UPDATE_EXAMPLES)
def update(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Files wsgen generated.", show_default=False),
    ],
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when a file would change.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff of each change.")
    ] = False,
) -> None:
    """Re-render generated files from the options recorded in their own header."""
    planned: list[Planned] = []
    problems: list[str] = []
    for path in dict.fromkeys(files):
        try:
            planned.append(_replan(path))
        except ValueError as refusal:
            problems.append(str(refusal))
    for problem in problems:
        typer.echo(f"wsgen: error: {problem}", err=True)
    if problems:
        raise typer.Exit(2)
    sync(planned, check=check, diff=diff, force=True, verb="updated", command="update")


def _replan(path: Path) -> Planned:
    """What `path` becomes when rendered again from its header; ValueError says why it cannot."""
    name = repr(str(path))
    try:
        text = read_text_if_any(path)
    except OSError as error:
        raise ValueError(f"{name}: cannot read: {error.strerror or error}") from None
    if text is None:
        raise ValueError(f"{name}: no such file")
    try:
        header = read_header(text)
    except HeaderError as error:
        raise ValueError(
            f"{name}: its wsgen header is invalid, so it is left as it is: {error}"
        ) from None
    if header is None:
        raise ValueError(
            f"{name}: not generated by wsgen (line 1 is not {MARKER!r}); left as it is"
        )
    options = header.options()
    return Planned(path, render_module(options), options, name)


# --- codes and explain ---------------------------------------------------------------------

CODES_EXAMPLES = """
**Examples**

* `wsgen codes` shows what the module generated from your config does on each code.

* `wsgen codes --stop-on 4401 --retry-on 1000` shows the effect of those flags.

* `wsgen codes --json | jq '.targets[0].codes[] | select(.action == "stop") | .code'`
"""


@app.command(epilog=CODES_EXAMPLES)
@with_option_flags
def codes(
    flags: dict[str, str],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    config: ConfigOption = None,
) -> None:
    """Print the close-code table: each code, its name, and what the module does on it."""
    option_sets = _option_sets(config, flags)
    if as_json:
        typer.echo(json.dumps(codes_json(option_sets), indent=2, ensure_ascii=False))
    else:
        typer.echo(codes_table(option_sets), nl=False)


EXPLAIN_EXAMPLES = """
**Examples**

* `wsgen explain 1012`: what Service Restart means, when it appears, how to fix it, and what
your generated module does about it.

* `wsgen explain 4401 --stop-on 4401`

Codes run from 1000 to 4999; 4000-4999 are each application's own.
"""


def _complete_code(incomplete: str) -> Iterator[tuple[str, str]]:
    for row in CLOSE_CODES:
        if str(row.code).startswith(incomplete):
            yield str(row.code), row.name


@app.command(name="explain", epilog=EXPLAIN_EXAMPLES)
@with_option_flags
def explain_command(
    flags: dict[str, str],
    code: Annotated[
        str,
        typer.Argument(
            metavar="CODE", help="A close code, 1000-4999.", autocompletion=_complete_code
        ),
    ],
    config: ConfigOption = None,
) -> None:
    """Explain a close code, and what the generated module does when a connection closes with it."""
    try:
        number = parse_code(code)
    except ValueError as error:
        fail(f"CODE: {error}")
    option_sets = _option_sets(config, flags)
    try:
        typer.echo(explain(number, option_sets), nl=False)
    except ValueError as error:
        fail(f"CODE: {error}")


def _option_sets(config: Path | None, flags: dict[str, str]) -> list[OptionSet]:
    """The distinct sets of options in effect, each labelled with the outputs that use them."""
    labels: dict[GeneratorOptions, list[str]] = {}
    for target in _targets(config, flags, None):
        shown = _shown(target.out) if target.out else "-"
        labels.setdefault(target.options, []).append(shown)
    return [OptionSet(", ".join(outs), options) for options, outs in labels.items()]


def main() -> None:
    app(prog_name="wsgen")
