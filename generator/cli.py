"""The `wsgen` command line: parse, call the generator, report. No rendering logic lives here.

Exit codes: 0 done (or, with --check, everything current); 1 something needs you (a file would
change, or wsgen refused to overwrite one); 2 a usage error, with nothing written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
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
from generator.node_package import commonjs_note
from generator.options import (
    OPTION_SPECS,
    SPECS_BY_FLAG,
    GeneratorOptions,
    OptionError,
    shown_default,
)
from generator.outputs import plan_outputs
from generator.parsing import parse_count
from generator.sync import Planned, SyncError, plan_targets, replan, shown_path, sync

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


def _help(flag: str) -> str:
    return f"{SPECS_BY_FLAG[flag].help} [default: {shown_default(flag)}]"


def _option(flag: str) -> Any:
    return typer.Option(
        f"--{flag}",
        metavar=SPECS_BY_FLAG[flag].metavar,
        help=_help(flag),
        rich_help_panel=MODULE_OPTIONS,
    )


MODULE_OPTIONS = "Module options (override the config file)"


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


# The module options, one alias each, listed plainly in every command that takes them (the
# parameter is named as the option's OptionSpec field; `_given` finds it by that name).
# `codes`, `explain` and `demo` take all but the file-shaping --format, --global-name, --types;
# tests/unit/test_cli.py checks that no command misses one.
RestartDelayOption = Annotated[str | None, _option("restart-delay")]
BackoffInitialOption = Annotated[str | None, _option("backoff-initial")]
BackoffFactorOption = Annotated[str | None, _option("backoff-factor")]
BackoffMaxOption = Annotated[str | None, _option("backoff-max")]
MaxRetriesOption = Annotated[str | None, _option("max-retries")]
ConnectTimeoutOption = Annotated[str | None, _option("connect-timeout")]
StableAfterOption = Annotated[str | None, _option("stable-after")]
QueueLimitOption = Annotated[str | None, _option("queue-limit")]
StopOnOption = Annotated[str | None, _option("stop-on")]
RetryOnOption = Annotated[str | None, _option("retry-on")]
RestartOnOption = Annotated[str | None, _option("restart-on")]
ClassNameOption = Annotated[str | None, _option("class-name")]
FormatOption = Annotated[list[str] | None, _option("format")]
GlobalNameOption = Annotated[str | None, _option("global-name")]
TypesOption = Annotated[
    bool | None,
    typer.Option(
        "--types/--no-types", help=SPECS_BY_FLAG["types"].help, rich_help_panel=MODULE_OPTIONS
    ),
]
FrameworkOption = Annotated[list[str] | None, _option("framework")]
HeartbeatOption = Annotated[str | None, _option("heartbeat")]
HeartbeatTimeoutOption = Annotated[str | None, _option("heartbeat-timeout")]
HeartbeatMessageOption = Annotated[str | None, _option("heartbeat-message")]
NetworkAwareOption = Annotated[str | None, _option("network-aware")]
RetryHintOption = Annotated[str | None, _option("retry-hint")]
ReconnectHookOption = Annotated[str | None, _option("reconnect-hook")]
UrlProviderOption = Annotated[str | None, _option("url-provider")]
ManualReconnectOption = Annotated[str | None, _option("manual-reconnect")]


def _given(parameters: dict[str, Any]) -> dict[str, Any]:
    """The module options given on the command line, by flag name: a parameter named as an
    OPTION_SPECS field is that option. (Click reports a repeatable flag not given as ().)"""
    return {
        spec.flag: parameters[spec.field]
        for spec in OPTION_SPECS
        if parameters.get(spec.field) not in (None, ())
    }


def _targets(config: Path | None, flags: dict[str, Any], out: str | None) -> list[Target]:
    try:
        return resolve_targets(project_config(config, Path.cwd()), flags, out)
    except (ConfigError, OptionError) as error:
        fail(str(error))


def _say(line: str) -> None:
    typer.echo(line, err=True)


def _show(text: str) -> None:
    typer.echo(text, nl=False)


# --- generate ------------------------------------------------------------------------------

GENERATE_EXAMPLES = """
**Examples**

* `wsgen generate` writes every target of the config file (or output/reconnecting-socket.js
with the defaults).

* `wsgen generate --out src/vendor/socket.js --restart-delay 500ms-3s`

* `wsgen generate --stop-on 4401,4403 --retry-on 1000 --max-retries 10`

* `wsgen generate --format esm,cjs,iife --types --out dist/socket.js` writes dist/socket.js,
socket.cjs and socket.iife.js, each with its .d.ts.

* `wsgen generate --check --diff` in CI: exit 1, with a diff, when a committed file is stale.

* `wsgen generate --out -` prints the module to stdout.

Durations take 250ms, 2s, 1.5s or a bare number of milliseconds. Config: `[tool.wsgen]` in
pyproject.toml, keys named like the flags; flags win over it. Exit codes: 0 done or current,
1 would change or refused to overwrite, 2 usage error.
"""


@app.command(epilog=GENERATE_EXAMPLES)
def generate(
    ctx: typer.Context,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="File to write; '-' prints to stdout. Its folder must exist. With several "
            "formats, each file takes this one's folder and stem and its format's ending "
            "(.js, .cjs, .iife.js, .ts). [default: the config's targets, else "
            "output/reconnecting-socket.js, or that stem with the format's ending]",
            show_default=False,
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
    restart_delay: RestartDelayOption = None,
    backoff_initial: BackoffInitialOption = None,
    backoff_factor: BackoffFactorOption = None,
    backoff_max: BackoffMaxOption = None,
    max_retries: MaxRetriesOption = None,
    connect_timeout: ConnectTimeoutOption = None,
    stable_after: StableAfterOption = None,
    queue_limit: QueueLimitOption = None,
    stop_on: StopOnOption = None,
    retry_on: RetryOnOption = None,
    restart_on: RestartOnOption = None,
    class_name: ClassNameOption = None,
    formats: FormatOption = None,
    global_name: GlobalNameOption = None,
    types: TypesOption = None,
    frameworks: FrameworkOption = None,
    heartbeat: HeartbeatOption = None,
    heartbeat_timeout: HeartbeatTimeoutOption = None,
    heartbeat_message: HeartbeatMessageOption = None,
    network_aware: NetworkAwareOption = None,
    retry_hint: RetryHintOption = None,
    reconnect_hook: ReconnectHookOption = None,
    url_provider: UrlProviderOption = None,
    manual_reconnect: ManualReconnectOption = None,
) -> None:
    """Render the module with the config's and the given settings, and write it (atomically)."""
    flags = _given(ctx.params)
    if out == "-":
        if check or diff:
            fail("--out: '-' prints the module; --check and --diff compare with a file")
        [target] = _targets(config, flags, out)  # several targets: an error naming --out
        outputs = plan_outputs(target.options)
        if len(outputs) > 1:
            fail("--out: '-' prints one file; ask for one --format, without --types")
        sys.stdout.write(outputs[0].render(target.options))
        return
    try:
        planned = plan_targets(_targets(config, flags, out))
        report = sync(
            planned,
            check=check,
            diff=diff,
            force=force,
            verb="wrote",
            command="generate",
            say=_say,
            show=_show,
        )
    except SyncError as error:
        fail(str(error))
    if not (check or diff):
        for plan in planned:
            note = commonjs_note(plan.path, plan.options)
            if note:
                typer.echo(note, err=True)
    raise typer.Exit(report.return_code)


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
            planned.append(replan(path))
        except ValueError as refusal:
            problems.append(str(refusal))
    for problem in problems:
        typer.echo(f"wsgen: error: {problem}", err=True)
    if problems:
        raise typer.Exit(2)
    try:
        report = sync(
            planned,
            check=check,
            diff=diff,
            force=True,
            verb="updated",
            command="update",
            say=_say,
            show=_show,
        )
    except SyncError as error:
        fail(str(error))
    raise typer.Exit(report.return_code)


# --- codes and explain ---------------------------------------------------------------------

CODES_EXAMPLES = """
**Examples**

* `wsgen codes` shows what the module generated from your config does on each code.

* `wsgen codes --stop-on 4401 --retry-on 1000` shows the effect of those flags.

* `wsgen codes --json | jq '.targets[0].codes[] | select(.action == "stop") | .code'`
"""


@app.command(epilog=CODES_EXAMPLES)
def codes(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    config: ConfigOption = None,
    restart_delay: RestartDelayOption = None,
    backoff_initial: BackoffInitialOption = None,
    backoff_factor: BackoffFactorOption = None,
    backoff_max: BackoffMaxOption = None,
    max_retries: MaxRetriesOption = None,
    connect_timeout: ConnectTimeoutOption = None,
    stable_after: StableAfterOption = None,
    queue_limit: QueueLimitOption = None,
    stop_on: StopOnOption = None,
    retry_on: RetryOnOption = None,
    restart_on: RestartOnOption = None,
    class_name: ClassNameOption = None,
    heartbeat: HeartbeatOption = None,
    heartbeat_timeout: HeartbeatTimeoutOption = None,
    heartbeat_message: HeartbeatMessageOption = None,
    network_aware: NetworkAwareOption = None,
    retry_hint: RetryHintOption = None,
    reconnect_hook: ReconnectHookOption = None,
    url_provider: UrlProviderOption = None,
    manual_reconnect: ManualReconnectOption = None,
) -> None:
    """Print the close-code table: each code, its name, and what the module does on it."""
    option_sets = _option_sets(config, _given(ctx.params))
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
def explain_command(
    ctx: typer.Context,
    code: Annotated[
        str,
        typer.Argument(
            metavar="CODE", help="A close code, 1000-4999.", autocompletion=_complete_code
        ),
    ],
    config: ConfigOption = None,
    restart_delay: RestartDelayOption = None,
    backoff_initial: BackoffInitialOption = None,
    backoff_factor: BackoffFactorOption = None,
    backoff_max: BackoffMaxOption = None,
    max_retries: MaxRetriesOption = None,
    connect_timeout: ConnectTimeoutOption = None,
    stable_after: StableAfterOption = None,
    queue_limit: QueueLimitOption = None,
    stop_on: StopOnOption = None,
    retry_on: RetryOnOption = None,
    restart_on: RestartOnOption = None,
    class_name: ClassNameOption = None,
    heartbeat: HeartbeatOption = None,
    heartbeat_timeout: HeartbeatTimeoutOption = None,
    heartbeat_message: HeartbeatMessageOption = None,
    network_aware: NetworkAwareOption = None,
    retry_hint: RetryHintOption = None,
    reconnect_hook: ReconnectHookOption = None,
    url_provider: UrlProviderOption = None,
    manual_reconnect: ManualReconnectOption = None,
) -> None:
    """Explain a close code, and what the generated module does when a connection closes with it."""
    try:
        number = parse_code(code)
    except ValueError as error:
        fail(f"CODE: {error}")
    option_sets = _option_sets(config, _given(ctx.params))
    try:
        typer.echo(explain(number, option_sets), nl=False)
    except ValueError as error:
        fail(f"CODE: {error}")


def _option_sets(config: Path | None, flags: dict[str, Any]) -> list[OptionSet]:
    """The distinct sets of options in effect, each labelled with the outputs that use them."""
    labels: dict[GeneratorOptions, list[str]] = {}
    for target in _targets(config, flags, None):
        first = plan_outputs(target.options, target.out)[0]
        labels.setdefault(target.options, []).append(shown_path(target.folder / first.path))
    return [OptionSet(", ".join(outs), options) for options, outs in labels.items()]


DEMO_EXAMPLES = """
**Examples**

* `wsgen demo --restart-delay 500ms-1s` serves the page at http://127.0.0.1:8765/

* `wsgen demo --port 0 --stop-on 4401` picks any free port.

Needs the `demo` extra: pip install 'wsgen[demo]'.
"""


@app.command(epilog=DEMO_EXAMPLES)
def demo(
    ctx: typer.Context,
    port: Annotated[
        str,
        typer.Option("--port", metavar="PORT", help="Port on 127.0.0.1; 0 picks a free one."),
    ] = "8765",
    config: ConfigOption = None,
    restart_delay: RestartDelayOption = None,
    backoff_initial: BackoffInitialOption = None,
    backoff_factor: BackoffFactorOption = None,
    backoff_max: BackoffMaxOption = None,
    max_retries: MaxRetriesOption = None,
    connect_timeout: ConnectTimeoutOption = None,
    stable_after: StableAfterOption = None,
    queue_limit: QueueLimitOption = None,
    stop_on: StopOnOption = None,
    retry_on: RetryOnOption = None,
    restart_on: RestartOnOption = None,
    class_name: ClassNameOption = None,
    heartbeat: HeartbeatOption = None,
    heartbeat_timeout: HeartbeatTimeoutOption = None,
    heartbeat_message: HeartbeatMessageOption = None,
    network_aware: NetworkAwareOption = None,
    retry_hint: RetryHintOption = None,
    reconnect_hook: ReconnectHookOption = None,
    url_provider: UrlProviderOption = None,
    manual_reconnect: ManualReconnectOption = None,
) -> None:
    """Serve a live playground for the module these flags generate: a page whose buttons make
    the server restart, end the session, drop the connection... and a timeline of what the
    module does. Ctrl-C stops it."""
    # Imported here: the other commands need none of the playground.
    from generator.demo.page import build_site, served_module

    given = _given(ctx.params)
    try:
        port_number = parse_count(port, maximum=65535)
    except ValueError as error:
        fail(f"--port: {error}")
    [options, *others] = {served_module(target.options) for target in _targets(config, given, None)}
    if others:
        fail(
            f"--config: its targets make {len(others) + 1} different modules; wsgen demo "
            "serves one: give a config with one target, or targets that differ only in format"
        )
    try:
        from generator.demo import server as demo_server
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "websockets":
            raise
        typer.echo(
            "wsgen: error: wsgen demo needs the websockets package: pip install 'wsgen[demo]'",
            err=True,
        )
        raise typer.Exit(1) from None
    try:
        demo_server.run(build_site(options, given), port_number or 0, typer.echo)
    except OSError as error:
        fail(f"--port: cannot listen on 127.0.0.1:{port_number}: {error.strerror or error}")


def main() -> None:
    """The console script: usage errors typer itself catches (an unknown flag, a missing value)
    get the same one-line form as ours, instead of a usage block and a boxed message."""
    try:
        result = app(prog_name="wsgen", standalone_mode=False)
    except typer.Abort:
        typer.echo("wsgen: aborted", err=True)
        sys.exit(1)
    except Exception as error:
        # typer vendors click and exports none of its exception classes; a usage error is the
        # one that can format its own message.
        if not hasattr(error, "format_message") or not hasattr(error, "exit_code"):
            raise
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "wsgen"
        message = error.format_message()
        # `wsgen` alone has already printed the help; its "error" says nothing more.
        if message:
            typer.echo(f"wsgen: error: {message} (see '{command} --help')", err=True)
        sys.exit(error.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
