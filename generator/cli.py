"""The `wsgen` command line: parse, call the generator, report. No rendering logic lives here.

Exit codes (generator/exit_codes.py states them for the help and the docs): 0 done (or, with
--check or --diff, everything current); 1 something needs you (a file would change, or wsgen
refused to overwrite one); 2 a usage error, with nothing written.
"""

# No `from __future__ import annotations`: typer would then eval every parameter's annotation
# string (and build its typer.Option again) on each run; evaluated once at import, they are
# objects it reads as they are, which saves start-up time on every run.
import copy
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.main

from . import __version__
from .codes import CLOSE_CODES
from .config import (
    ConfigError,
    Target,
    project_config,
    resolve_targets,
)
from .exit_codes import summary as exit_codes_summary
from .files import printable
from .help_layout import WholeHelpCommand
from .options import (
    OPTION_SPECS,
    SPECS_BY_FLAG,
    GeneratorOptions,
    OptionError,
    shown_default,
)
from .outputs import plan_outputs
from .parsing import parse_count
from .sync import Planned, SyncError, plan_targets, replan, shown_path, sync

if TYPE_CHECKING:
    from .explain import OptionSet

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
    typer.echo(f"wsgen: error: {printable(message)}", err=True)
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
        autocompletion=_COMPLETIONS.get(flag),
    )


def _complete_names(names: Callable[[], Iterable[str]]) -> Callable[[str], Iterator[str]]:
    """--format esm,c<TAB> -> esm,cjs: each name, after any already typed."""

    def complete(incomplete: str) -> Iterator[str]:
        done, _, last = incomplete.rpartition(",")
        for name in names():
            if name.startswith(last) and name not in done.split(","):
                yield f"{done},{name}" if done else name

    return complete


def _formats() -> Iterable[str]:
    from .formats import Format

    return list(Format)


def _frameworks() -> Iterable[str]:
    from .bindings import Framework

    return list(Framework)


def _complete_off(incomplete: str) -> Iterator[str]:
    if "off".startswith(incomplete):
        yield "off"


_COMPLETIONS: dict[str, Callable[[str], Iterator[str]]] = {
    "format": _complete_names(_formats),
    "framework": _complete_names(_frameworks),
    "heartbeat": _complete_off,
    "max-retries": lambda incomplete: iter(
        ["unlimited"] if "unlimited".startswith(incomplete) else []
    ),
}


MODULE_OPTIONS = "Module options (override the config file)"


def _switch(flag: str) -> Any:
    """An on/off option as --x/--no-x: `--network-aware false` used to read as on."""
    return typer.Option(f"--{flag}/--no-{flag}", help=_help(flag), rich_help_panel=MODULE_OPTIONS)


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
# `codes`, `explain` and `demo` take all but the file-shaping --format, --global-name, --types,
# --framework;
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
TypesOption = Annotated[bool | None, _switch("types")]
FrameworkOption = Annotated[list[str] | None, _option("framework")]
HeartbeatOption = Annotated[str | None, _option("heartbeat")]
HeartbeatTimeoutOption = Annotated[str | None, _option("heartbeat-timeout")]
HeartbeatMessageOption = Annotated[str | None, _option("heartbeat-message")]
NetworkAwareOption = Annotated[bool | None, _switch("network-aware")]
RetryHintOption = Annotated[bool | None, _switch("retry-hint")]
ReconnectHookOption = Annotated[bool | None, _switch("reconnect-hook")]
UrlProviderOption = Annotated[bool | None, _switch("url-provider")]
ManualReconnectOption = Annotated[bool | None, _switch("manual-reconnect")]
ShareTabsOption = Annotated[bool | None, _switch("share-tabs")]


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

GENERATE_EXAMPLES = f"""
**Examples**

* `wsgen generate` writes every target of the config file (or output/reconnecting-socket.js
with the defaults).

* `wsgen generate --out src/vendor/socket.js --restart-delay 500ms-3s`

* `wsgen generate --stop-on 4401,4403 --retry-on 1000 --max-retries 10`

* `wsgen generate --format esm,cjs,iife --types --out dist/socket.js` writes dist/socket.js,
socket.cjs and socket.iife.js, each with its .d.ts.

* `wsgen generate --check --diff` in CI: exit 1, with a diff, when a committed file is stale.

* `wsgen generate --out -` prints the module to stdout.

Durations take a unit: 250ms, 2s, 1.5s, 1m. Config: `[tool.wsgen]` in
pyproject.toml, keys named like the flags; flags win over it. Exit codes:
{exit_codes_summary()}.
"""


@app.command(cls=WholeHelpCommand, epilog=GENERATE_EXAMPLES)
def generate(
    ctx: typer.Context,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="File to write; '-' prints to stdout. Missing folders are created. Its ending "
            "picks the format (.cjs, .ts/.mts/.cts, .mjs/.js, .iife.js). With several "
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
        bool,
        typer.Option(
            "--diff",
            help="Write nothing; print a unified diff of each change; exit 1 when a file would "
            "change.",
        ),
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
    share_tabs: ShareTabsOption = None,
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
            command=_command_line(ctx),
            say=_say,
            show=_show,
        )
    except SyncError as error:
        fail(str(error))
    if not (check or diff):
        from .node_package import commonjs_note  # only after a write

        for plan in planned:
            note = commonjs_note(plan.path, plan.options)
            if note:
                typer.echo(note, err=True)
    raise typer.Exit(report.return_code)


# Flags a hint adds itself, so the repeated command leaves them out.
_MODE_FLAGS = frozenset({"check", "diff", "force"})


def _command_line(ctx: typer.Context) -> str:
    """The user's own command, rebuilt from what they typed (not from defaults), for hints:
    `wsgen generate --out src/x.js --stop-on 4401`."""
    words = ["wsgen", ctx.info_name or "generate"]
    for param in ctx.command.params:
        name = param.name or ""
        source = ctx.get_parameter_source(name)
        if name in _MODE_FLAGS or source is None or source.name != "COMMANDLINE":
            continue
        value = ctx.params[name]
        if param.param_type_name == "argument":
            words += [str(item) for item in (value if isinstance(value, list | tuple) else [value])]
        elif isinstance(value, bool):
            flags = param.opts if value else param.secondary_opts
            words.append(flags[0] if flags else param.opts[0])
        else:
            for item in value if isinstance(value, list | tuple) else [value]:
                words += [param.opts[0], str(item)]
    return " ".join(_shell_word(word) for word in words)


# What a POSIX shell reads as itself, unquoted (shlex.quote's set; shlex itself costs start-up
# time on every run, for a line printed only after a refusal).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")


def _shell_word(word: str) -> str:
    """`word` as shlex.quote writes it: as it is when plain, else in single quotes."""
    if word and _PLAIN.issuperset(word):
        return word
    return "'" + word.replace("'", "'\"'\"'") + "'"


# --- update --------------------------------------------------------------------------------

UPDATE_EXAMPLES = f"""
**Examples**

* `wsgen update src/vendor/reconnecting-socket.js` after upgrading wsgen: the same options,
the new generator.

* `wsgen update --check src/vendor/*.js` exits 1 when a file would change.

The options come from line 2 of each file, which wsgen wrote there; hand edits below it are
replaced. A file without that header is refused and left as it is. Exit codes:
{exit_codes_summary()}.
"""


@app.command(cls=WholeHelpCommand, epilog=UPDATE_EXAMPLES)
def update(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help="Files wsgen generated.", show_default=False),
    ],
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when a file would change.")
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Write nothing; print a unified diff of each change; exit 1 when a file would "
            "change.",
        ),
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
        typer.echo(f"wsgen: error: {printable(problem)}", err=True)
    if problems:
        raise typer.Exit(2)
    try:
        report = sync(
            planned,
            check=check,
            diff=diff,
            force=True,
            verb="updated",
            command=_command_line(ctx),
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


@app.command(cls=WholeHelpCommand, epilog=CODES_EXAMPLES)
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
    share_tabs: ShareTabsOption = None,
) -> None:
    """Print the close-code table: each code, its name, and what the module does on it."""
    from .explain import codes_json, codes_table  # only this command needs them

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


@app.command(name="explain", cls=WholeHelpCommand, epilog=EXPLAIN_EXAMPLES)
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
    share_tabs: ShareTabsOption = None,
) -> None:
    """Explain a close code, and what the generated module does when a connection closes with it."""
    from .explain import explain, parse_code  # only this command needs them

    try:
        number = parse_code(code)
    except ValueError as error:
        fail(f"CODE: {error}")
    option_sets = _option_sets(config, _given(ctx.params))
    try:
        typer.echo(explain(number, option_sets), nl=False)
    except ValueError as error:
        fail(f"CODE: {error}")


def _option_sets(config: Path | None, flags: dict[str, Any]) -> "list[OptionSet]":
    """The distinct sets of options in effect, each labelled with the outputs that use them."""
    labels: dict[GeneratorOptions, list[str]] = {}
    for target in _targets(config, flags, None):
        first = plan_outputs(target.options, target.out)[0]
        labels.setdefault(target.options, []).append(shown_path(target.folder / first.path))
    from .explain import OptionSet

    return [OptionSet(", ".join(outs), options) for options, outs in labels.items()]


DEMO_EXAMPLES = """
**Examples**

* `wsgen demo --restart-delay 500ms-1s` serves the page at http://127.0.0.1:8765/

* `wsgen demo --port 0 --stop-on 4401` picks any free port.

Needs the `demo` extra: pip install 'wsgen[demo]'.
"""


@app.command(cls=WholeHelpCommand, epilog=DEMO_EXAMPLES)
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
    share_tabs: ShareTabsOption = None,
) -> None:
    """Serve a live playground for the module these flags generate: a page whose buttons make
    the server restart, end the session, drop the connection... and a timeline of what the
    module does. Ctrl-C stops it."""
    # Imported here: the other commands need none of the playground.
    from .demo.page import build_site, served_module

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
        from .demo import server as demo_server
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


def _plain_help(param: Any, descriptor: Any) -> None:
    """Help shows the words a user types, not typer's internal types: a flag has no value
    column (it showed `<bool>`), FILE... takes no `<list[Path]>` beside it."""
    if descriptor is None:
        return
    if descriptor.annotation is bool and getattr(param, "metavar", "") is None:
        param.metavar = ""
    if getattr(param, "param_type_name", "") == "argument":
        param.display_type_rich = lambda ctx: None
        # `wsgen update FILE...` in the usage line, as in every Unix manual, not {FILE}...
        name = f"{param.metavar or (param.name or '').upper()}{'...' * (param.nargs != 1)}"
        shown = name if param.required else f"[{name}]"
        param._usage_display_name = lambda: shown  # typer 0.29
        param.make_metavar = lambda *args, **kwargs: shown  # earlier typers


class _Verbatim:
    """What typer calls to coerce a parameter whose value click already parsed to its type."""

    def __init__(self, multiple: bool, convert: Callable[[Any], Any]) -> None:
        self.multiple = multiple
        self.convert = convert

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if self.multiple else None
        return [self.convert(item) for item in value] if self.multiple else self.convert(value)


def _same(value: Any) -> Any:
    return value


# Annotation -> how a value click parsed becomes it.
_PARSED_BY_CLICK: dict[Any, Callable[[Any], Any]] = {
    str: _same,
    bool: _same,
    list[str]: _same,
    Path: Path,
}


def _spare_coercion(command: Any) -> None:
    """typer (0.29) builds a pydantic TypeAdapter for each parameter on each run, given or not:
    28 of them were 38 % of wsgen's start-up (cProfile). For a text option click has already
    made a str, for a repeated one a tuple of str, for a switch a bool: nothing is left to
    coerce, so these get a pass-through. Any other parameter (a Path) keeps typer's; a typer
    that no longer has this hook just runs as it always did."""
    for param in getattr(command, "params", []):
        _spare(param)
    make_help_option = getattr(command, "get_help_option", None)
    if make_help_option is not None:  # --help is made per run, not listed in params

        def help_option(ctx: Any) -> Any:
            option = make_help_option(ctx)
            _spare(option)
            return option

        setattr(command, "get_help_option", help_option)  # noqa: B010
    for subcommand in getattr(command, "commands", {}).values():
        _spare_coercion(subcommand)


def _spare(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    _plain_help(param, descriptor)
    if (
        getattr(param, "_runtime_param", "absent") is None
        and descriptor is not None
        and descriptor.annotation in _PARSED_BY_CLICK
    ):
        convert = _PARSED_BY_CLICK[descriptor.annotation]
        param._runtime_param = _Verbatim(bool(param.multiple), convert)


_SWITCH_WORDS = {"on", "off", "true", "false", "yes", "no", "1", "0"}


def _switch_value(arguments: list[str]) -> str | None:
    """`--network-aware false` (the form wsgen once took): say which flag to use instead of
    click's "unexpected extra argument"."""
    switches = {f"--{spec.flag}" for spec in OPTION_SPECS if spec.metavar == ""}
    for flag, value in itertools.pairwise(arguments):
        if flag in switches and value.lower() in _SWITCH_WORDS:
            off = value.lower() in {"off", "false", "no", "0"}
            fix = f"--no-{flag[2:]}" if off else flag
            return f"{flag} takes no value; write {fix}"
    return None


def _app_for(arguments: list[str]) -> typer.Typer:
    """The app with only the command `arguments` start with: typer turns every parameter of
    every command into a click option on each run, and a run uses one command. Anything else
    (no command, `--help`, a misspelt name, shell completion) gets the whole app."""
    name = arguments[0] if arguments else ""
    wanted = [
        info
        for info in app.registered_commands
        if (info.name or getattr(info.callback, "__name__", "").replace("_", "-")) == name
    ]
    if len(wanted) != 1 or "_WSGEN_COMPLETE" in os.environ:
        return app
    only = copy.copy(app)
    only.registered_commands = wanted
    return only


def main() -> None:
    """The console script: usage errors typer itself catches (an unknown flag, a missing value)
    get the same one-line form as ours, instead of a usage block and a boxed message."""
    wsgen = typer.main.get_command(_app_for(sys.argv[1:]))
    _spare_coercion(wsgen)
    try:
        result = wsgen.main(prog_name="wsgen", standalone_mode=False)
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
        if "extra argument" in message:
            message = _switch_value(sys.argv[1:]) or message
        # `wsgen` alone has already printed the help; its "error" says nothing more.
        if message:
            typer.echo(f"wsgen: error: {printable(message)} (see '{command} --help')", err=True)
        sys.exit(error.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
