"""The validated options of one generated module, parsed once from flags, config or a header.

`OPTION_SPECS` names every option by its long flag; `build_options` turns a mapping of flag
name to raw value into a frozen `GeneratorOptions`, so templates only ever see typed values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any, NamedTuple

from .bindings import Framework, format_frameworks, parse_frameworks
from .formats import Format, format_formats, parse_formats
from .identifiers import check_for_format, check_identifier, check_iife_global
from .parsing import (
    format_codes,
    format_duration,
    format_optional_duration,
    format_switch,
    format_window,
    parse_codes,
    parse_count,
    parse_duration,
    parse_message,
    parse_number,
    parse_optional_duration,
    parse_switch,
    parse_window,
)

MAX_COUNT = 1_000_000


class OptionError(ValueError):
    """A bad value for one option; `str()` is the one-line message shown to the user."""

    def __init__(self, flag: str, message: str) -> None:
        super().__init__(f"--{flag}: {message}")
        self.flag = flag


# repr=False: the generated __repr__ (25 fields) was a third of the class's making at every
# start; the one below shows the same values as flags.
@dataclass(frozen=True, repr=False)
class GeneratorOptions:
    restart_delay: tuple[int, int] = (1000, 5000)
    backoff_initial: int = 1000
    backoff_max: int = 30_000
    backoff_factor: float = 2.0
    max_retries: int | None = None
    connect_timeout: int = 10_000
    stable_after: int = 5000
    queue_limit: int = 1000
    stop_on: frozenset[int] = frozenset()
    retry_on: frozenset[int] = frozenset()
    restart_on: frozenset[int] = frozenset()
    class_name: str = "ReconnectingSocket"
    formats: tuple[Format, ...] = (Format.ESM,)
    global_name: str | None = None
    types: bool = False
    frameworks: tuple[Framework, ...] = ()
    # Optional features: each one switched off emits no code at all (build-time trimming).
    heartbeat: int | None = None
    heartbeat_timeout: int = 10_000
    heartbeat_message: str = "ping"
    network_aware: bool = True
    retry_hint: bool = True
    reconnect_hook: bool = True
    url_provider: bool = True
    manual_reconnect: bool = True
    share_tabs: bool = False

    @property
    def iife_global(self) -> str:
        """The global the iife format defines: --global-name, else the class name."""
        return self.global_name or self.class_name

    def to_flags(self) -> dict[str, Any]:
        """Every option under its flag name, in the form `build_options` reads back."""
        return {spec.flag: spec.format(getattr(self, spec.field)) for spec in OPTION_SPECS}

    def recorded_flags(self) -> dict[str, Any]:
        """The options a generated file's header records: every one, except a feature that is
        off and is recorded only when on (`OptionSpec.recorded_off`)."""
        flags = self.to_flags()
        for spec in OPTION_SPECS:
            if not spec.recorded_off and not getattr(self, spec.field):
                del flags[spec.flag]
        return flags

    def __repr__(self) -> str:
        return f"GeneratorOptions({self.to_flags()!r})"


def _positive_duration(value: Any) -> int:
    milliseconds = parse_duration(value)
    if milliseconds <= 0:
        raise ValueError(f"must be greater than 0, got {value!r}")
    return milliseconds


def _optional_identifier(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a JavaScript identifier, got {value!r}")
    return check_identifier(value)


def _number(value: Any) -> str | int | float:
    return int(value) if float(value).is_integer() else float(value)


class OptionSpec(NamedTuple):
    """Everything about one option, in one place: its flag, how it is read and written back,
    its help, and how it reaches the generated module."""

    flag: str
    field: str
    """Its field of GeneratorOptions (and its parameter name in cli.py)."""
    parse: Callable[[Any], Any]
    format: Callable[[Any], Any]
    """The inverse of `parse`: the value as a flag, a config key or the header would hold it."""
    metavar: str
    help: str
    js_names: tuple[str, ...] = ()
    """The runtime option(s) it sets in the module's DEFAULTS block, in order (--restart-delay
    sets two, from its MIN and MAX); none for an option that shapes the code instead."""
    ts_type: str = "number"
    """The TypeScript type of those runtime options (the ts format, the .d.ts, the JSDoc)."""
    needs: str | None = None
    """A field that must not be None for this option to reach DEFAULTS: the heartbeat's
    settings exist only with a heartbeat."""
    feature: bool = False
    """An optional feature the templates switch on (`features.<field>`): off emits none of its
    code."""
    recorded_off: bool = True
    """Whether the header records it at its default. False for a feature added off by default:
    left off, a file holds not one byte of it, its header line included, so it is the file a
    wsgen without the feature wrote (a header that omits an option means its default)."""


# In the order of --help, the docs and the module's DEFAULTS block.
OPTION_SPECS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "restart-delay",
        "restart_delay",
        parse_window,
        format_window,
        "MIN-MAX",
        "Window for reconnecting after a restart (1012, 1011, 1001, --restart-on); each attempt "
        "draws a uniform random delay in it, and attempts refused before the next open too.",
        js_names=("restartDelayMin", "restartDelayMax"),
    ),
    OptionSpec(
        "backoff-initial",
        "backoff_initial",
        _positive_duration,
        format_duration,
        "DURATION",
        "First backoff ceiling for retried codes and failed attempts.",
        js_names=("backoffInitial",),
    ),
    OptionSpec(
        "backoff-factor",
        "backoff_factor",
        lambda value: parse_number(value, minimum=1, maximum=100),
        _number,
        "FACTOR",
        "Growth of the backoff ceiling per attempt (1 to 100); each delay is a random draw "
        "below the ceiling (full jitter).",
        js_names=("backoffFactor",),
    ),
    OptionSpec(
        "backoff-max",
        "backoff_max",
        _positive_duration,
        format_duration,
        "DURATION",
        "Largest backoff ceiling.",
        js_names=("backoffMax",),
    ),
    OptionSpec(
        "max-retries",
        "max_retries",
        lambda value: parse_count(value, maximum=MAX_COUNT, unlimited="unlimited"),
        lambda value: "unlimited" if value is None else value,
        "N",
        "Reconnection attempts in a row before giving up (counted since the last connection "
        "that stayed open --stable-after, or reconnect()), or 'unlimited'.",
        js_names=("maxRetries",),
    ),
    OptionSpec(
        "connect-timeout",
        "connect_timeout",
        _positive_duration,
        format_duration,
        "DURATION",
        "Abandon and retry an attempt that has not opened after this long.",
        js_names=("connectTimeout",),
    ),
    OptionSpec(
        "stable-after",
        "stable_after",
        parse_duration,
        format_duration,
        "DURATION",
        "A connection open this long resets the backoff.",
        js_names=("stableAfter",),
    ),
    OptionSpec(
        "queue-limit",
        "queue_limit",
        lambda value: parse_count(value, maximum=MAX_COUNT),
        lambda value: value,
        "N",
        "Messages send() queues while reconnecting; one more throws QuotaExceededError.",
        js_names=("queueLimit",),
    ),
    OptionSpec(
        "stop-on",
        "stop_on",
        parse_codes,
        format_codes,
        "CODES",
        "Close codes that stop for good, overriding the table (e.g. 4401,4403-4499).",
    ),
    OptionSpec(
        "retry-on",
        "retry_on",
        parse_codes,
        format_codes,
        "CODES",
        "Close codes that reconnect, overriding the table (e.g. 1000 behind a proxy that "
        "closes idle connections with it).",
    ),
    OptionSpec(
        "restart-on",
        "restart_on",
        parse_codes,
        format_codes,
        "CODES",
        "Close codes that mean the server restarts: reconnect inside --restart-delay, as for "
        "1012 (e.g. 4500 if your server says so on a deploy).",
    ),
    OptionSpec(
        "class-name",
        "class_name",
        check_identifier,
        lambda value: value,
        "NAME",
        "Name of the exported class.",
    ),
    OptionSpec(
        "format",
        "formats",
        parse_formats,
        format_formats,
        "FORMATS",
        "Output formats, repeated or comma-separated: esm (ES module), cjs (CommonJS), iife "
        "(a classic script defining one global), ts (TypeScript source).",
    ),
    OptionSpec(
        "global-name",
        "global_name",
        _optional_identifier,
        lambda value: value or "",
        "NAME",
        "Global the iife format defines; none means the class name.",
    ),
    OptionSpec(
        "types",
        "types",
        parse_switch,
        format_switch,
        "",
        "Also write a .d.ts beside each JavaScript output (esm, cjs, iife).",
    ),
    OptionSpec(
        "framework",
        "frameworks",
        parse_frameworks,
        format_frameworks,
        "react|vue",
        "Also write a binding beside each esm or ts output, importing it, repeated or "
        "comma-separated: react (a hook, socket.react.js), vue (a composable, socket.vue.js).",
    ),
    OptionSpec(
        "heartbeat",
        "heartbeat",
        parse_optional_duration,
        format_optional_duration,
        "INTERVAL",
        "After this long without a message, send --heartbeat-message; 'off' leaves the "
        "heartbeat out of the module.",
        js_names=("heartbeatInterval",),
        needs="heartbeat",
        feature=True,
    ),
    OptionSpec(
        "heartbeat-timeout",
        "heartbeat_timeout",
        _positive_duration,
        format_duration,
        "DURATION",
        "With --heartbeat: no message this long after a heartbeat means the connection is "
        "dead; it is closed and retried with backoff, like 1006.",
        js_names=("heartbeatTimeout",),
        needs="heartbeat",
    ),
    OptionSpec(
        "heartbeat-message",
        "heartbeat_message",
        parse_message,
        lambda value: value,
        "TEXT",
        "With --heartbeat: the text message sent as the heartbeat.",
        js_names=("heartbeatMessage",),
        ts_type="string",
        needs="heartbeat",
    ),
    OptionSpec(
        "network-aware",
        "network_aware",
        parse_switch,
        format_switch,
        "",
        "In browsers: spend no attempt while offline, reconnect at once when back online, "
        "and retry now when the page becomes visible during a backoff (never inside a wait "
        "the server asked for: a restart window, 1013, a retry-after hint).",
        feature=True,
    ),
    OptionSpec(
        "retry-hint",
        "retry_hint",
        parse_switch,
        format_switch,
        "",
        "Honour 'retry-after=SECONDS' in a retried close's reason: never sooner than the "
        "code's own minimum, at most --backoff-max, spread over the restart window's width.",
        feature=True,
    ),
    OptionSpec(
        "reconnect-hook",
        "reconnect_hook",
        parse_switch,
        format_switch,
        "",
        "Support the shouldReconnect(event, attempt) option: a delay in ms, null to stop, "
        "undefined for the table.",
        feature=True,
    ),
    OptionSpec(
        "url-provider",
        "url_provider",
        parse_switch,
        format_switch,
        "",
        "Accept a function as the URL (returning a string or a Promise of one), called before "
        "every attempt.",
        feature=True,
    ),
    OptionSpec(
        "manual-reconnect",
        "manual_reconnect",
        parse_switch,
        format_switch,
        "",
        "Add reconnect(): drop the connection and connect again now, with the backoff reset.",
        feature=True,
    ),
    OptionSpec(
        "share-tabs",
        "share_tabs",
        parse_switch,
        format_switch,
        "",
        "In browsers: sockets with the same URL, in every tab of one origin, share one "
        "connection, which one tab holds and another takes over when that tab goes.",
        feature=True,
        recorded_off=False,
    ),
)

SPECS_BY_FLAG = {spec.flag: spec for spec in OPTION_SPECS}

# The optional features, in --help order. Each one's "off" leaves its code out; all of them off
# is the minimal profile that the goldens, the differential test and the size bench use.
FEATURE_FLAGS = tuple(spec.flag for spec in OPTION_SPECS if spec.feature)


# Flags that shape which files are written rather than what the module does; a command that
# serves one esm module (wsgen demo) takes every flag but these.
FILE_FLAGS = frozenset({"format", "global-name", "types", "framework"})

assert {spec.field for spec in OPTION_SPECS} == {f.name for f in fields(GeneratorOptions)}


def build_options(
    values: Mapping[str, Any], base: GeneratorOptions | None = None
) -> GeneratorOptions:
    """Validate `values` (flag name → raw value) over `base`; raise OptionError on the first
    bad one."""
    options = replace(base or GeneratorOptions(), **parse_values(values))
    _check_consistent(options, set(values))
    return options


def parse_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Each of `values` (flag name → raw value) parsed, by field name; OptionError on the first
    bad one. No rule between options is checked here: a config's shared keys are checked with
    each target's own, as the options that target is made with (`build_options`)."""
    changes: dict[str, Any] = {}
    for flag, raw in values.items():
        spec = SPECS_BY_FLAG.get(flag)
        if spec is None:
            raise OptionError(flag, f"unknown option; known: {', '.join(SPECS_BY_FLAG)}")
        try:
            changes[spec.field] = spec.parse(raw)
        except ValueError as error:
            raise OptionError(flag, str(error)) from None
        except (TypeError, AttributeError, OverflowError):
            # Config files and headers can carry tables, arrays, nulls and numbers no float
            # holds; the parsers speak only text, numbers and (for codes) lists.
            raise OptionError(flag, f"unsupported value {_shown(raw)}") from None
    return changes


def _shown(raw: Any) -> str:
    if isinstance(raw, int) and raw.bit_length() > 200:
        return f"(a number of {len(str(raw))} digits)"
    text = repr(raw)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _check_consistent(options: GeneratorOptions, given: set[str]) -> None:
    if options.backoff_max < options.backoff_initial:
        flag = "backoff-max" if "backoff-max" in given else "backoff-initial"
        raise OptionError(
            flag,
            f"--backoff-max ({format_duration(options.backoff_max)}) must not be below "
            f"--backoff-initial ({format_duration(options.backoff_initial)})",
        )
    if options.global_name and Format.IIFE not in options.formats:
        raise OptionError("global-name", "only the iife format defines a global; add --format iife")
    if options.types and not any(fmt.is_javascript for fmt in options.formats):
        raise OptionError(
            "types", "the ts format carries its own types; --types is for esm, cjs and iife"
        )
    if options.frameworks and not {Format.ESM, Format.TS} & set(options.formats):
        raise OptionError("framework", "bindings import an ES module; add --format esm or ts")
    _check_names(options)
    if options.heartbeat is None:
        defaults = GeneratorOptions()
        for flag in ("heartbeat-timeout", "heartbeat-message"):
            field = SPECS_BY_FLAG[flag].field
            if getattr(options, field) != getattr(defaults, field):
                raise OptionError(flag, "has no effect without --heartbeat INTERVAL; set both")
    for flag, first, second in (
        ("retry-on", options.stop_on, options.retry_on),
        ("restart-on", options.stop_on, options.restart_on),
        ("restart-on", options.retry_on, options.restart_on),
    ):
        both = first & second
        if both:
            other = "stop-on" if first is options.stop_on else "retry-on"
            raise OptionError(
                flag, f"code {format_codes(both)} is in both --{other} and --{flag}; pick one"
            )


def _check_names(options: GeneratorOptions) -> None:
    """Names valid in JavaScript but broken in one of the chosen formats: a name CommonJS passes
    to every module, a TypeScript type the typed output refers to."""
    for fmt in options.formats:
        typed = fmt is Format.TS or options.types
        problem = check_for_format(options.class_name, fmt, typed=typed)
        if problem:
            raise OptionError("class-name", f"{problem} (--format {fmt})")
    if Format.IIFE in options.formats:
        problem = check_iife_global(options.iife_global)
        if problem:
            flag = "global-name" if options.global_name else "class-name"
            hint = "" if options.global_name else "; set --global-name to another name"
            raise OptionError(flag, f"{problem} (--format iife){hint}")


@cache
def _default_flags() -> dict[str, Any]:
    return GeneratorOptions().to_flags()


def shown_default(flag: str) -> str:
    """The default of `flag` as a user would type it: on/off for switches, none when empty."""
    value = _default_flags()[flag]
    if isinstance(value, bool):
        return "on" if value else "off"
    return "none" if value == "" else str(value)
