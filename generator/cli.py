"""The `wsgen` command line: parse, call the generator, report. No rendering logic lives here."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from generator import __version__
from generator.files import write_atomically
from generator.options import (
    FILE_FLAGS,
    SPECS_BY_FLAG,
    GeneratorOptions,
    OptionError,
    build_options,
)
from generator.outputs import plan_outputs
from generator.parsing import parse_count

_DEFAULT_FLAGS = GeneratorOptions().to_flags()

app = typer.Typer(
    no_args_is_help=True,
    add_completion=True,
    help="Generate a drop-in reconnecting WebSocket module with a per-close-code policy.",
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


def fail(message: str) -> NoReturn:
    """A usage error: one line on stderr, exit code 2, nothing written."""
    typer.echo(f"wsgen: error: {message}", err=True)
    raise typer.Exit(2)


def _help(flag: str) -> str:
    default = _DEFAULT_FLAGS[flag]
    return f"{SPECS_BY_FLAG[flag].help} [default: {default if default != '' else 'none'}]"


def _option(flag: str) -> Any:
    return typer.Option(f"--{flag}", metavar=SPECS_BY_FLAG[flag].metavar, help=_help(flag))


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
    short random delay; every other code follows the table shown by the README.
    """


GENERATE_EXAMPLES = """
**Examples**

* `wsgen generate` writes output/reconnecting-socket.js with the defaults.

* `wsgen generate --out src/vendor/socket.js --restart-delay 500ms-3s`

* `wsgen generate --stop-on 4401,4403 --retry-on 1000 --max-retries 10`

* `wsgen generate --format esm,cjs,iife --types --out dist/socket.js` writes dist/socket.js,
socket.cjs and socket.iife.js, each with its .d.ts.

* `wsgen generate --out -` prints the module to stdout.

Durations take 250ms, 2s, 1.5s or a bare number of milliseconds.
"""


@app.command(epilog=GENERATE_EXAMPLES)
def generate(
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="File to write; '-' prints to stdout. Its folder must exist. With several "
            "formats, each file takes this one's folder and stem and its format's ending "
            "(.js, .cjs, .iife.js, .ts). [default: output/reconnecting-socket.js, or that "
            "stem with the format's ending]",
            show_default=False,
        ),
    ] = None,
    restart_delay: Annotated[str | None, _option("restart-delay")] = None,
    backoff_initial: Annotated[str | None, _option("backoff-initial")] = None,
    backoff_max: Annotated[str | None, _option("backoff-max")] = None,
    backoff_factor: Annotated[str | None, _option("backoff-factor")] = None,
    max_retries: Annotated[str | None, _option("max-retries")] = None,
    connect_timeout: Annotated[str | None, _option("connect-timeout")] = None,
    stable_after: Annotated[str | None, _option("stable-after")] = None,
    queue_limit: Annotated[str | None, _option("queue-limit")] = None,
    stop_on: Annotated[str | None, _option("stop-on")] = None,
    retry_on: Annotated[str | None, _option("retry-on")] = None,
    class_name: Annotated[str | None, _option("class-name")] = None,
    formats: Annotated[list[str] | None, _option("format")] = None,
    global_name: Annotated[str | None, _option("global-name")] = None,
    types: Annotated[
        bool | None, typer.Option("--types/--no-types", help=SPECS_BY_FLAG["types"].help)
    ] = None,
) -> None:
    """Render the module with the given settings and write it (atomically) to --out."""
    given = {
        "restart-delay": restart_delay,
        "backoff-initial": backoff_initial,
        "backoff-max": backoff_max,
        "backoff-factor": backoff_factor,
        "max-retries": max_retries,
        "connect-timeout": connect_timeout,
        "stable-after": stable_after,
        "queue-limit": queue_limit,
        "stop-on": stop_on,
        "retry-on": retry_on,
        "class-name": class_name,
        "format": formats,
        "global-name": global_name,
        "types": types,
    }
    try:
        options = build_options({flag: value for flag, value in given.items() if value is not None})
    except OptionError as error:
        fail(str(error))
    if out == "-":
        outputs = plan_outputs(options)
        if len(outputs) > 1:
            fail("--out: '-' prints one file; ask for one --format, without --types")
        sys.stdout.write(outputs[0].render(options))
        return
    outputs = plan_outputs(options, None if out is None else Path(out))
    for output in outputs:
        check_writable(output.path)
    # Everything is rendered before anything is written: a failure leaves no half-set.
    rendered = [(output, output.render(options)) for output in outputs]
    for output, text in rendered:
        write_output(output.path, text)


def check_writable(path: Path) -> None:
    if not path.parent.is_dir():
        fail(f"--out: folder '{path.parent}' does not exist; create it first")
    if path.is_dir():
        fail(f"--out: '{path}' is a folder; give a file path")


def write_output(path: Path, text: str) -> None:
    try:
        changed = write_atomically(path, text)
    except OSError as error:
        fail(f"--out: cannot write '{path}': {error.strerror or error}")
    typer.echo(f"wsgen: {'wrote' if changed else 'unchanged'} {path}", err=True)


DEMO_EXAMPLES = """
**Examples**

* `wsgen demo --restart-delay 500ms-1s` serves the page at http://127.0.0.1:8765/

* `wsgen demo --port 0 --stop-on 4401` picks any free port.

Needs the `demo` extra: pip install 'wsgen[demo]'.
"""


def _with_generate_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` every generator flag of `generate` (not --out), declared once there, so
    that both commands parse and validate them alike; they arrive in `**flags`."""
    own = [
        parameter
        for parameter in inspect.signature(command, eval_str=True).parameters.values()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    shared = [
        parameter
        for name, parameter in inspect.signature(generate, eval_str=True).parameters.items()
        if name.replace("_", "-") in SPECS_BY_FLAG.keys() - FILE_FLAGS
    ]
    command.__signature__ = inspect.Signature([*own, *shared])  # type: ignore[attr-defined]
    return command


@app.command(epilog=DEMO_EXAMPLES)
@_with_generate_flags
def demo(
    port: Annotated[
        str,
        typer.Option("--port", metavar="PORT", help="Port on 127.0.0.1; 0 picks a free one."),
    ] = "8765",
    **flags: str | None,
) -> None:
    """Serve a live playground for the module these flags generate: a page whose buttons make
    the server restart, end the session, drop the connection... and a timeline of what the
    module does. Ctrl-C stops it."""
    given = {name.replace("_", "-"): value for name, value in flags.items() if value is not None}
    try:
        options = build_options(given)
        port_number = parse_count(port, maximum=65535)
    except OptionError as error:
        fail(str(error))
    except ValueError as error:
        fail(f"--port: {error}")
    try:
        from generator import demo as demo_server
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "websockets":
            raise
        typer.echo(
            "wsgen: error: wsgen demo needs the websockets package: pip install 'wsgen[demo]'",
            err=True,
        )
        raise typer.Exit(1) from None
    from generator.demo_page import build_site

    try:
        demo_server.run(build_site(options, given), port_number or 0, typer.echo)
    except OSError as error:
        fail(f"--port: cannot listen on 127.0.0.1:{port_number}: {error.strerror or error}")


def main() -> None:
    app(prog_name="wsgen")
