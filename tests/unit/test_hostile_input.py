"""The hostile-input battery: property-based tests over every flag, config key and header field.

Whatever a user types, wsgen either renders JavaScript that loads and whose literal blocks
evaluate back to exactly the values asked for, or exits 2 with one line naming the flag (or the
file and key) and writes nothing. Each example renders a batch of modules and loads them all in
one Node process, so the battery stays well under a minute.

Set WSGEN_BATTERY_EXAMPLES=500 for a deeper, randomised run than CI's fixed one.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import os
import re
import subprocess
import tempfile
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import generate
from generator.codes import Action, lookup
from generator.config import resolve_targets
from generator.formats import format_for_path
from generator.header import MARKER
from generator.identifiers import (
    BROWSER_GLOBALS,
    COMMONJS_WRAPPER_NAMES,
    GLOBALS_USED_BY_MODULE,
    NAMES_DECLARED_BY_MODULE,
    RESERVED_WORDS,
    TYPESCRIPT_TYPE_NAMES,
    check_identifier,
    check_iife_global,
)
from generator.jsliteral import js_string
from generator.limits import MAX_FILE_BYTES, MAX_LIST_ITEMS
from generator.options import MAX_COUNT, OPTION_SPECS, build_options
from generator.outputs import plan_outputs
from generator.parsing import MAX_DURATION_MS, MAX_MESSAGE_LITERAL
from generator.render import render_module
from tests.support.cli import wsgen
from tests.support.node import ensure_node_packages, inspect_modules

pytestmark = [pytest.mark.node, pytest.mark.heavy]

EXAMPLES = int(os.environ.get("WSGEN_BATTERY_EXAMPLES", "0"))
battery = settings(
    max_examples=EXAMPLES or 30,
    derandomize=not EXAMPLES,  # CI runs the same examples every time; a deep run explores
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Options typed as a switch in generate's signature (--types/--no-types) take no value.
SWITCHES = {
    spec.flag
    for spec in OPTION_SPECS
    if bool
    in typing.get_args(
        typing.get_args(
            inspect.signature(generate, eval_str=True).parameters[spec.field].annotation
        )[0]
    )
}

# --- values with a known meaning: the oracle -------------------------------------------------


@dataclass
class Case:
    """Flags to pass, and what the module's DEFAULTS block must then hold."""

    flags: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    stop_on: set[int] = field(default_factory=set)
    retry_on: set[int] = field(default_factory=set)
    restart_on: set[int] = field(default_factory=set)
    class_name: str = "ReconnectingSocket"
    format: str = "esm"
    refused: set[str] = field(default_factory=set)
    """Flags refused whatever else is given (heartbeat settings without --heartbeat)."""

    def rejected_by(self) -> set[str] | None:
        """The flags a correct wsgen may name when refusing this case (it names the first
        problem it meets); None when it must accept the case."""
        culprits = set(self.refused)
        if self.defaults.get("backoffMax", 30_000) < self.defaults.get("backoffInitial", 1000):
            culprits |= {"backoff-max", "backoff-initial"} & set(self.flags)
        if self.stop_on & self.retry_on:
            culprits.add("retry-on")
        if (self.stop_on | self.retry_on) & self.restart_on:
            culprits.add("restart-on")
        refused_names = RESERVED_WORDS | GLOBALS_USED_BY_MODULE | NAMES_DECLARED_BY_MODULE
        if self.class_name in refused_names:
            culprits.add("class-name")
        if self.flags.get("global-name") in refused_names:
            culprits.add("global-name")
        typed = self.format == "ts" or self.flags.get("types") == "--types"
        if (self.format == "cjs" and self.class_name in COMMONJS_WRAPPER_NAMES) or (
            typed and self.class_name in TYPESCRIPT_TYPE_NAMES
        ):
            culprits.add("class-name")
        if self.format == "iife" and check_iife_global(
            self.flags.get("global-name") or self.class_name
        ):
            culprits.add("global-name" if self.flags.get("global-name") else "class-name")
        return culprits or None

    @property
    def out_name(self) -> str:
        """A file name Node loads as the format it holds."""
        return {"esm": "mjs", "cjs": "cjs", "iife": "iife.js", "ts": "ts"}[self.format]


def duration_texts(milliseconds: int) -> st.SearchStrategy[str]:
    """Every way a user may write `milliseconds`."""
    seconds = format(Decimal(milliseconds) / 1000, "f")
    minutes = [f"{milliseconds // 60_000}m"] if milliseconds % 60_000 == 0 else []
    bare = ["0", "0.0"] if milliseconds == 0 else []  # only 0 needs no unit
    return st.sampled_from(
        [
            *bare,
            *minutes,
            f"{milliseconds}ms",
            f"{milliseconds} ms",
            f"  {milliseconds}ms\t",
            f"{seconds}s",
            f"{seconds}000s" if "." in seconds else f"{seconds}.0s",
            f"0{milliseconds}ms",
        ]
    )


durations = st.one_of(
    st.integers(0, 10_000), st.integers(0, MAX_DURATION_MS), st.sampled_from([0, MAX_DURATION_MS])
)
positive_durations = durations.filter(lambda milliseconds: milliseconds > 0)
counts = st.one_of(st.integers(0, 100), st.integers(0, MAX_COUNT))
codes = st.integers(1000, 4999)
code_ranges = st.tuples(codes, st.integers(0, 60)).map(
    lambda start: (start[0], min(4999, start[0] + start[1]))
)
identifiers = st.one_of(
    st.from_regex(r"[A-Za-z_$][A-Za-z0-9_$]{0,24}", fullmatch=True),
    st.sampled_from(sorted(RESERVED_WORDS | GLOBALS_USED_BY_MODULE | NAMES_DECLARED_BY_MODULE)),
    st.sampled_from(sorted(COMMONJS_WRAPPER_NAMES | TYPESCRIPT_TYPE_NAMES | BROWSER_GLOBALS)),
    st.sampled_from(["constructor", "prototype", "async", "of", "get", "__proto__", "$", "_"]),
)


# The flags `cases` knows the meaning of; a new option must be taught to it (the test below
# fails until then), so the battery keeps covering every flag.
ORACLE_FLAGS = {
    "restart-delay", "backoff-initial", "backoff-max", "connect-timeout", "stable-after",
    "backoff-factor", "max-retries", "queue-limit", "stop-on", "retry-on", "restart-on",
    "class-name",
    "format", "global-name", "types",
    # Drawn never: it adds files (bindings) but no value reaching JS; test_bindings.py checks
    # its bad values.
    "framework",
    "heartbeat", "heartbeat-timeout", "heartbeat-message",
    "network-aware", "retry-hint", "reconnect-hook", "url-provider", "manual-reconnect",
    "share-tabs",
}  # fmt: skip


def test_the_oracle_knows_every_option() -> None:
    assert {spec.flag for spec in OPTION_SPECS} == ORACLE_FLAGS


@st.composite
def cases(draw: st.DrawFn) -> Case:
    case = Case()
    chosen = draw(st.sets(st.sampled_from(sorted(ORACLE_FLAGS))))
    if "restart-delay" in chosen:
        low, high = sorted((draw(durations), draw(durations)))
        case.flags["restart-delay"] = f"{draw(duration_texts(low))}-{draw(duration_texts(high))}"
        case.defaults |= {"restartDelayMin": low, "restartDelayMax": high}
    for flag, name, values in (
        ("backoff-initial", "backoffInitial", positive_durations),
        ("backoff-max", "backoffMax", positive_durations),
        ("connect-timeout", "connectTimeout", positive_durations),
        ("stable-after", "stableAfter", durations),
    ):
        if flag in chosen:
            milliseconds = draw(values)
            case.flags[flag] = draw(duration_texts(milliseconds))
            case.defaults[name] = milliseconds
    if "backoff-factor" in chosen:
        factor = draw(
            st.one_of(
                st.floats(1, 100, allow_nan=False, allow_infinity=False),
                st.integers(1, 100).map(float),
            )
        )
        text = draw(st.sampled_from([repr(factor), f"{factor:.17e}", f" {factor!r} "]))
        case.flags["backoff-factor"] = text
        case.defaults["backoffFactor"] = float(text)
    if "max-retries" in chosen:
        retries = draw(st.one_of(counts, st.none()))
        case.flags["max-retries"] = "unlimited" if retries is None else str(retries)
        case.defaults["maxRetries"] = "Infinity" if retries is None else retries
    if "queue-limit" in chosen:
        limit = draw(counts)
        case.flags["queue-limit"] = str(limit)
        case.defaults["queueLimit"] = limit
    for flag, target in (
        ("stop-on", case.stop_on),
        ("retry-on", case.retry_on),
        ("restart-on", case.restart_on),
    ):
        if flag in chosen:
            ranges = draw(st.lists(code_ranges, max_size=4))
            parts = [
                str(a) if a == b else draw(st.sampled_from([f"{a}-{b}", f"{a} - {b}"]))
                for a, b in ranges
            ]
            case.flags[flag] = draw(st.sampled_from([",", ", "])).join(parts)
            for first, last in ranges:
                target.update(range(first, last + 1))
    if "class-name" in chosen:
        case.class_name = draw(identifiers)
        case.flags["class-name"] = case.class_name
    if "format" in chosen:
        case.format = draw(st.sampled_from(["esm", "cjs", "iife", "ts"]))
        case.flags["format"] = case.format
    if "global-name" in chosen and case.format == "iife":
        case.flags["global-name"] = draw(identifiers)
    if "types" in chosen and case.format != "ts":
        case.flags["types"] = draw(st.sampled_from(["--types", "--no-types"]))
    draw_features(draw, chosen, case)
    return case


FEATURE_SWITCHES = [
    "network-aware",
    "retry-hint",
    "reconnect-hook",
    "url-provider",
    "manual-reconnect",
    "share-tabs",
]
# Heartbeat messages: hostile text within the limit (55 columns as a JS literal) and beyond it.
messages = st.one_of(
    st.sampled_from(['{"type":"ping"}', "it's", "</script>", "\\u2028", "\u2028", "x" * 53]),
    st.text(min_size=1, max_size=60),
)


def draw_features(draw: st.DrawFn, chosen: set[str], case: Case) -> None:
    """The optional features: switches leave DEFAULTS alone; the heartbeat's three settings
    land there only with --heartbeat, and without it only their defaults are allowed."""
    for flag in FEATURE_SWITCHES:
        if flag in chosen:  # a pair of flags on the command line: --x or --no-x
            case.flags[flag] = draw(st.sampled_from([f"--{flag}", f"--no-{flag}"]))
    interval = None
    if "heartbeat" in chosen:
        interval = draw(st.one_of(st.none(), positive_durations))
        case.flags["heartbeat"] = "off" if interval is None else draw(duration_texts(interval))
        if interval is not None:
            case.defaults |= {
                "heartbeatInterval": interval,
                "heartbeatTimeout": 10_000,
                "heartbeatMessage": "ping",
            }
    if "heartbeat-timeout" in chosen:
        timeout = draw(positive_durations)
        case.flags["heartbeat-timeout"] = draw(duration_texts(timeout))
        if interval is not None:
            case.defaults["heartbeatTimeout"] = timeout
        elif timeout != 10_000:
            case.refused.add("heartbeat-timeout")
    if "heartbeat-message" in chosen:
        message = draw(messages)
        case.flags["heartbeat-message"] = message
        if len(js_string(message)) > MAX_MESSAGE_LITERAL:
            case.refused.add("heartbeat-message")
        elif interval is not None:
            case.defaults["heartbeatMessage"] = message
        elif message != "ping":
            case.refused.add("heartbeat-message")


def arguments_for(flags: dict[str, str]) -> list[str]:
    """Command-line words for `flags`; a switch (--types) carries its own form as value."""
    return [
        word
        for flag, value in flags.items()
        for word in ([value] if flag in SWITCHES else [f"--{flag}", value])
    ]


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder per example (pytest's tmp_path is one per test, shared by examples)."""
    with tempfile.TemporaryDirectory(prefix="wsgen-battery-") as folder:
        yield Path(folder)


def assert_refused(result: Any, flags: set[str], folder: Path, before: set[str]) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert any(lines[0].startswith(f"wsgen: error: --{flag}: ") for flag in flags), lines[0]
    assert {path.name for path in folder.iterdir()} == before, "a refusal wrote something"


def expected_action(case: Case, code: int) -> Action | None:
    """What the user's flags alone say about `code` (None: the table decides)."""
    if code in case.stop_on:
        return Action.STOP
    if code in case.restart_on:
        return Action.RESTART
    if code in case.retry_on:
        row = lookup(code)
        table = row.action if row else Action.RETRY
        return Action.RETRY if table is Action.STOP else table
    return None


def first_match(policy: list[list[Any]], code: int) -> str:
    return next((action for first, last, action in policy if first <= code <= last), "retry")


@battery
@given(st.lists(cases(), min_size=1, max_size=12))
def test_accepted_values_come_back_exactly_from_the_javascript(batch: list[Case]) -> None:
    with workspace() as folder:
        accepted: list[tuple[Case, Path]] = []
        for number, case in enumerate(batch):
            out = folder / f"{number}.{case.out_name}"
            before = {path.name for path in folder.iterdir()}
            result = wsgen("generate", "--out", str(out), *arguments_for(case.flags))
            flags = case.rejected_by()
            if flags is not None:
                assert_refused(result, flags, folder, before)
                continue
            assert result.exit_code == 0, (case.flags, result.stderr)
            accepted.append((case, out))
        if not accepted:
            return
        node = ensure_node_packages()
        javascript = [out for case, out in accepted if case.format != "ts"]
        if javascript:
            check = subprocess.run(
                [node, "--check", str(javascript[0])], capture_output=True, timeout=30
            )
            assert check.returncode == 0, check.stderr
        reports = inspect_modules([out for _, out in accepted])
        for (case, _out), report in zip(accepted, reports, strict=True):
            assert "error" not in report, (case.flags, report["error"])
            if case.format == "esm":
                assert report["exports"] == [case.class_name]
            if case.format == "cjs":
                assert case.class_name in report["exports"]
            defaults = report["defaults"]
            for name, value in case.defaults.items():
                assert defaults[name] == value, (case.flags, name, defaults[name])
                assert type(defaults[name]) is not bool
            for code in case.stop_on | case.retry_on | case.restart_on:
                action = expected_action(case, code)
                assert action is not None
                assert first_match(report["policy"], code) == action.value, (case.flags, code)


# --- anything at all: accepted safely or refused cleanly -------------------------------------

# Strings built to break out of JS literals, comments and script tags, or to slip past a parser.
# fmt: off
BREAKERS = [
    '"', "'", "`", "\\", "\\u2028", "*/", "/*", "//", "</script>", "<!--", "-->", "${", "}",
    "\n", "\r", "\u2028", "\u2029", "\x00", "\ufeff", "\u202e",
    "NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-0", "0x10", "1_000", "1e3", "1.", ".5",
    "\u0661\u0662", "\uff11\uff12",  # Arabic-Indic and fullwidth digits
    "5ms5", "5sms", "-", "--", "--help", "=", ",", "1000-", "-1000", "4999-1000", "1000--1001",
    "unlimited", "UNLIMITED", "class", "await", "yield", "let", "static", "enum", "arguments",
    "eval", "undefined", "EventTarget", "DOMException", "TypeError", "constructor", "__proto__",
    "9" * 400, "",
]
# fmt: on
hostile_text = st.one_of(
    st.sampled_from(BREAKERS),
    st.lists(st.sampled_from(BREAKERS), min_size=2, max_size=4).map("".join),
    st.text(max_size=30),
    st.from_regex(r"[0-9]{1,12}(\.[0-9]{1,6})?(ms|s)?(-[0-9]{1,12}(ms|s)?)?", fullmatch=True),
)
any_flags = st.dictionaries(
    st.sampled_from([spec.flag for spec in OPTION_SPECS]), hostile_text, min_size=1, max_size=4
)


def expected_files(flags: dict[str, Any], out: Path) -> dict[Path, str] | None:
    """The files and texts Python plans for these values, or None when it refuses them."""
    try:
        [target] = resolve_targets(None, flags, str(out))  # --out's ending may pick the format
    except ValueError:
        return None
    options = target.options
    return {output.path: output.render(options) for output in plan_outputs(options, out)}


def js_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return "Infinity"
    return value


@battery
@given(st.lists(any_flags, min_size=1, max_size=10))
def test_any_flag_value_is_rendered_safely_or_refused_in_one_line(
    batch: list[dict[str, str]],
) -> None:
    with workspace() as folder:
        written: list[tuple[dict[str, Any], Path]] = []
        for number, raw in enumerate(batch):
            # A switch takes no value: --types or --no-types, by the drawn text's truth.
            flags: dict[str, Any] = {
                flag: bool(value) if flag in SWITCHES else value for flag, value in raw.items()
            }
            out = folder / str(number) / "socket.js"
            out.parent.mkdir()
            arguments = [
                (f"--{flag}" if value else f"--no-{flag}")
                if flag in SWITCHES
                else f"--{flag}={value}"
                for flag, value in flags.items()
            ]
            result = wsgen("generate", "--out", str(out), *arguments)
            expected = expected_files(flags, out)
            if expected is None:
                assert_refused(result, set(flags), out.parent, set())
                continue
            assert result.exit_code == 0, (flags, result.stderr)
            assert {path for path in out.parent.iterdir()} == set(expected)
            for path, text in expected.items():
                assert path.read_text(encoding="utf-8") == text
                if ".d." not in path.name:
                    written.append((flags, path))
        if written:
            reports = inspect_modules([path for _, path in written])
            for (flags, path), report in zip(written, reports, strict=True):
                assert "error" not in report, (flags, path.name, report["error"])
                options = build_options(flags)
                if path.name == "socket.js" and options.formats[0] == "esm":
                    assert report["exports"] == [options.class_name]
                assert report["defaults"]["restartDelayMin"] == options.restart_delay[0]
                assert report["defaults"]["maxRetries"] == js_value(options.max_retries)
                assert report["defaults"]["backoffFactor"] == options.backoff_factor


# --- the same through a config file -----------------------------------------------------------

toml_values = st.recursive(
    st.one_of(
        hostile_text,
        st.integers(-(2**70), 2**70),
        st.integers(0, 10_000),
        st.floats(),
        st.booleans(),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2),
    ),
    max_leaves=4,
)
file_names = st.text(
    st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
).filter(lambda name: name not in {".", ".."})


config_keys = st.one_of(
    st.sampled_from([spec.flag for spec in OPTION_SPECS]),
    st.sampled_from(["restart_delay", "restartDelay", "RESTART-DELAY", "targets", "x\ny", ""]),
)


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as is
    (JSON's surrogate-pair escapes for astral characters are not valid TOML)."""
    escaped = "".join(
        f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F or char in '"\\' else char
        for char in text
    )
    return f'"{escaped}"'


def toml_key(key: str) -> str:
    """A key as wsgen's messages show it (bare, or quoted as JSON)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def toml(value: Any) -> str:
    """TOML for a Python value; JSON's string escapes are valid TOML basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml(item) for item in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml(v)}" for k, v in value.items()) + "}"


@battery
@given(
    st.lists(
        st.tuples(
            st.dictionaries(config_keys, toml_values, max_size=4),
            st.one_of(file_names, toml_values),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_config_value_is_rendered_safely_or_refused_naming_file_and_key(
    batch: list[tuple[dict[str, Any], Any]],
) -> None:
    with workspace() as folder:
        config = folder / "wsgen.toml"
        for values, out in batch:
            lines = [f"{toml_string(key)} = {toml(value)}\n" for key, value in values.items()]
            config.write_text(f"out = {toml(out)}\n" + "".join(lines), encoding="utf-8")
            before = {path.name for path in folder.iterdir()}
            result = wsgen("generate", "--config", str(config))
            if result.exit_code == 0:
                # Outputs are named by file_names (no "/"), so they land in this folder.
                implied = format_for_path(Path(out))
                options = build_options(
                    {"format": str(implied), **values} if implied is not None else values
                )
                for output in plan_outputs(options, Path(out)):
                    written = folder / output.path
                    assert written.read_text(encoding="utf-8") == output.render(options)
                    written.unlink()
                continue
            assert result.exit_code == 2, result.stderr
            [line] = result.stderr.strip().splitlines()
            prefix = f"wsgen: error: {config}: "
            assert line.startswith(prefix), line
            named = line.removeprefix(prefix)
            keys = [*values, "out", "targets"]
            assert any(named.startswith(f"top level {toml_key(key)}") for key in keys), line
            assert {path.name for path in folder.iterdir()} == before


# --- headers, paths ----------------------------------------------------------------------------


@battery
@given(
    st.dictionaries(
        st.sampled_from([spec.flag for spec in OPTION_SPECS]) | st.text(max_size=8),
        toml_values,
        max_size=4,
    )
)
def test_any_recorded_header_updates_safely_or_is_refused_untouched(
    recorded: dict[str, Any],
) -> None:
    with workspace() as folder:
        out = folder / "socket.mjs"
        line = json.dumps(recorded, allow_nan=True)
        text = f"{MARKER}\n// wsgen 0.0.1 {line}\n// body\n"
        out.write_text(text, encoding="utf-8")
        result = wsgen("update", str(out))
        if result.exit_code == 0:
            assert out.read_text(encoding="utf-8") == render_module(build_options(recorded))
        else:
            assert result.exit_code == 2
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith(f"wsgen: error: {str(out)!r}: its wsgen header is invalid")
            assert out.read_text(encoding="utf-8") == text


@battery
@given(file_names, st.booleans())
def test_output_paths_anywhere_are_written_exactly_or_refused(
    name: str, missing_folder: bool
) -> None:
    with workspace() as folder:
        out = folder / "missing" / name if missing_folder else folder / name
        result = wsgen("generate", "--out", str(out))
        expected = expected_files({}, out)
        assert expected is not None
        assert result.exit_code == 0, result.stderr
        assert [path.name for path in out.parent.iterdir()] == [name]  # folders are created
        assert out.read_text(encoding="utf-8") == expected[out]


@pytest.mark.parametrize("refusal", ["mkstemp", "replace"])
def test_a_read_only_folder_is_refused_in_one_line_and_left_clean(
    tmp_path: Path, refusal: str
) -> None:
    # Root ignores a folder's read-only mode, so the refusal is what the OS would raise.
    target = {"mkstemp": "tempfile.mkstemp", "replace": "os.replace"}[refusal]
    with mock.patch(target, side_effect=PermissionError(13, "Permission denied")):
        result = wsgen("generate", "--out", str(tmp_path / "socket.js"))
    assert_refused(result, {"out"}, tmp_path, set())
    assert result.stderr.strip().endswith(": Permission denied")


def _is_identifier(name: str) -> bool:
    try:
        check_identifier(name)
    except ValueError:
        return False
    return True


def _is_identifier(name: str) -> bool:
    try:
        check_identifier(name)
    except ValueError:
        return False
    return True


# --- names the module could not survive -------------------------------------------------------


# `node -e` also exposes the built-in modules (url, fs, ...) as globals; a module file does not.
LIST_GLOBALS = """
const builtins = new Set(require("node:module").builtinModules);
const names = Object.getOwnPropertyNames(globalThis).filter((name) => !builtins.has(name));
console.log(JSON.stringify(names));
"""


def test_every_global_the_template_reads_is_refused_as_a_class_name() -> None:
    """A class named like a global the module uses would shadow it inside the module."""
    node = ensure_node_packages()
    listed = subprocess.run(
        [node, "-e", LIST_GLOBALS],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    node_globals = set(json.loads(listed.stdout)) | {"window", "document", "self", "navigator"}
    # The module as generated, every feature in, each format: what it reads, not its template.
    every_feature = build_options(
        {"heartbeat": "30s", "share-tabs": "on", "format": "esm,cjs,iife,ts"}
    )
    rendered = "\n".join(render_module(every_feature, fmt) for fmt in every_feature.formats)
    code = "\n".join(
        line.split("//")[0] for line in rendered.splitlines() if not line.lstrip().startswith("*")
    )
    # Free references: `Name.x`, `Name(`, `new Name`, `extends Name` (a JSDoc cast between),
    # not `object.Name`.
    referenced = r"(?<![.\w$#])([A-Za-z_$][\w$]*)(?=\s*[.(])"
    constructed = r"(?:new|extends)\s+(?:/\*\*.*?\*/\s*\()?([A-Za-z_$][\w$]*)"
    found = (re.findall(pattern, code) for pattern in (referenced, constructed))
    names = set().union(*found) & node_globals
    assert {"Math", "Object", "setTimeout", "EventTarget", "DOMException"} <= names, names
    accepted = [name for name in sorted(names) if _is_identifier(name)]
    assert accepted == [], "these would shadow a global the module uses"


# --- issue 15: inputs that crashed, hung, burnt CPU or wrote where they should not -----------

ESCAPE = "\x1b]0;pwned\x07\x1b[31m"


def assert_one_line_error(result: Any, *, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr, "raw escape printed"
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(folder.rglob("*"))
        if not path.is_fifo()
    }


nested_json = st.tuples(st.integers(1, 200_000), st.sampled_from(["[", '{"a":'])).map(
    lambda shape: shape[1] * shape[0]
)


@battery
@given(nested_json, st.sampled_from(["update", "check", "generate"]))
def test_a_deeply_nested_header_is_refused_in_one_line(opening: str, how: str) -> None:
    with workspace() as folder:
        out = folder / "socket.js"
        text = f'{MARKER}\n// wsgen 0.1.0 {{"stop-on": {opening}1}}\n'
        out.write_text(text, encoding="utf-8")
        if how == "update":
            result = wsgen("update", str(out))
            line = assert_one_line_error(result)
            assert "its wsgen header is invalid" in line
        else:
            result = wsgen("generate", "--out", str(out), *(["--check"] if how == "check" else []))
            # A broken header is protected work: refused (exit 1) with a reason, never a crash.
            assert result.exit_code == 1, result.stderr
            assert "Traceback" not in result.stderr
        assert out.read_text(encoding="utf-8") == text


@battery
@given(st.integers(1, 3000), st.sampled_from(["a = ", "a = {b = ", "[[a]]\n"]))
def test_deeply_nested_toml_is_refused_in_one_line(depth: int, shape: str) -> None:
    with workspace() as folder:
        config = folder / "wsgen.toml"
        body = {"a = ": "[" * depth + "]" * depth, "a = {b = ": "[" * depth + "1" + "]" * depth}
        config.write_text(body.get(shape, "[[a]]\n" * min(depth, 50)) + "\n", encoding="utf-8")
        result = wsgen("generate", "--config", str(config))
        line = assert_one_line_error(result)
        assert line.startswith(f"wsgen: error: {config}: ")
        assert snapshot(folder).keys() == {"wsgen.toml"}


@battery
@given(st.sampled_from(["1", '"x"', "[1, 2]", "true", "1.5", '"wsgen"', '["wsgen"]']))
def test_a_tool_entry_that_is_not_a_table_is_refused_also_from_a_subfolder(value: str) -> None:
    with workspace() as folder:
        (folder / ".git").mkdir()
        (folder / "pyproject.toml").write_text(f"tool = {value}\n", encoding="utf-8")
        (folder / "web" / "src").mkdir(parents=True)
        with contextlib.chdir(folder / "web" / "src"):
            searched = wsgen("generate")
        explicit = wsgen("generate", "--config", str(folder / "pyproject.toml"))
        for result in (searched, explicit):
            line = assert_one_line_error(result)
            assert "tool: expected a table" in line
        assert not (folder / "web" / "src" / "output").exists()


@battery
@given(st.integers(256, 400), st.booleans())
def test_a_name_too_long_for_the_file_system_is_refused(length: int, nested: bool) -> None:
    with workspace() as folder:
        name = "a" * (length - 3) + ".js"
        out = folder / name / "socket.js" if nested else folder / name
        result = wsgen("generate", "--out", str(out))
        line = assert_one_line_error(result)
        assert line.startswith("wsgen: error: --out: ")
        assert list(folder.iterdir()) == []


@battery
@given(st.integers(200, 255))
def test_a_long_name_that_fits_is_written_without_a_temp_name_overflow(length: int) -> None:
    with workspace() as folder:
        out = folder / ("b" * (length - 3) + ".js")
        result = wsgen("generate", "--out", str(out))
        assert result.exit_code == 0, result.stderr
        assert [path.name for path in folder.iterdir()] == [out.name]


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("command", ["generate", "update"])
def test_a_fifo_is_neither_read_nor_written(tmp_path: Path, command: str, force: list[str]) -> None:
    fifo = tmp_path / "socket.js"
    os.mkfifo(fifo)
    if command == "generate":
        result = wsgen("generate", "--out", str(fifo), *force)
    else:
        result = wsgen("update", str(fifo))
    line = assert_one_line_error(result)
    assert "it is a FIFO; wsgen reads and writes only regular files" in line
    assert fifo.is_fifo()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_never_read_or_replaced(device: str) -> None:
    assert_one_line_error(wsgen("update", device))
    result = wsgen("generate", "--out", device, "--force")
    assert "it is a device" in assert_one_line_error(result)
    assert Path(device).is_char_device()


def test_a_file_too_large_to_be_generated_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "socket.js"
    with big.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)
    assert "larger than" in assert_one_line_error(wsgen("update", str(big)))


@battery
@given(
    st.integers(MAX_LIST_ITEMS + 1, 100_000),
    st.sampled_from(["1000-4999", "4400-4499", "1008"]),
    st.booleans(),
)
def test_a_header_with_a_huge_code_list_is_refused_at_once(
    count: int, item: str, as_list: bool
) -> None:
    with workspace() as folder:
        out = folder / "socket.js"
        value = [item] * count if as_list else ",".join([item] * count)
        text = f"{MARKER}\n// wsgen 0.1.0 {json.dumps({'stop-on': value})}\n"
        out.write_text(text, encoding="utf-8")
        line = assert_one_line_error(wsgen("update", str(out)))
        assert f"at most {MAX_LIST_ITEMS} codes or ranges" in line


def test_the_widest_code_list_allowed_costs_its_items_not_their_width() -> None:
    # 1,000 ranges each 4,000 codes wide: merged first, so 4,000 codes are expanded, once.
    codes = build_options({"stop-on": ",".join(["1000-4999"] * MAX_LIST_ITEMS)}).stop_on
    assert len(codes) == 4000


@pytest.mark.parametrize(
    ("flags", "flag", "reason"),
    [
        (["--format", "cjs", "--class-name", name], "--class-name", "CommonJS")
        for name in sorted(COMMONJS_WRAPPER_NAMES - GLOBALS_USED_BY_MODULE)
    ]
    + [
        (["--format", "ts", "--class-name", name], "--class-name", "TypeScript type")
        for name in ["string", "Array", "Record", "BinaryType", "Partial"]
    ]
    + [(["--types", "--class-name", "EventListener"], "--class-name", "TypeScript type")]
    + [
        (["--format", "iife", "--global-name", name], "--global-name", "window")
        for name in ["name", "status", "top", "location", "parent", "origin", "onload"]
    ]
    + [(["--format", "iife", "--class-name", "location"], "--class-name", "window")],
)
def test_names_reserved_by_the_format_are_refused_with_the_reason(
    tmp_path: Path, flags: list[str], flag: str, reason: str
) -> None:
    out = tmp_path / "socket.js"
    line = assert_one_line_error(wsgen("generate", "--out", str(out), *flags))
    assert line.startswith(f"wsgen: error: {flag}: ") and reason in line
    assert list(tmp_path.iterdir()) == []


@battery
@given(st.sampled_from([0o600, 0o640, 0o644, 0o664, 0o755]), st.sampled_from([0o022, 0o077, 0o002]))
def test_a_rewrite_keeps_the_mode_and_a_new_file_honours_the_umask(mode: int, umask: int) -> None:
    with workspace() as folder:
        kept = folder / "kept.js"
        assert wsgen("generate", "--out", str(kept)).exit_code == 0
        kept.chmod(mode)
        assert wsgen("generate", "--out", str(kept), "--stop-on", "4401").exit_code == 0
        assert kept.stat().st_mode & 0o777 == mode
        previous = os.umask(umask)
        try:
            fresh = folder / "fresh.js"
            assert wsgen("generate", "--out", str(fresh)).exit_code == 0
        finally:
            os.umask(previous)
        assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


@battery
@given(st.sampled_from(["../x.js", "../../x.js", "a/../../x.js", "/tmp/x.js", "./../x.js", ".."]))
def test_a_config_cannot_write_outside_its_folder(out: str) -> None:
    with workspace() as folder:
        project = folder / "project"
        project.mkdir()
        config = project / "wsgen.toml"
        config.write_text(f"out = {json.dumps(out)}\n", encoding="utf-8")
        line = assert_one_line_error(wsgen("generate", "--config", str(config)))
        assert "leaves the folder of the config" in line
        assert snapshot(folder).keys() == {"project", "project/wsgen.toml"}
        # The flag may say otherwise: --out is the user's own choice.
        outside = folder / "x.js"
        assert wsgen("generate", "--config", str(config), "--out", str(outside)).exit_code == 0
        assert outside.is_file()


def test_with_two_targets_a_failing_second_writes_neither(tmp_path: Path) -> None:
    config = tmp_path / "wsgen.toml"
    (tmp_path / "blocked").write_text("a file where a folder must be", encoding="utf-8")
    config.write_text(
        '[[targets]]\nout = "first/socket.js"\n\n[[targets]]\nout = "blocked/socket.js"\n',
        encoding="utf-8",
    )
    before = snapshot(tmp_path)
    line = assert_one_line_error(wsgen("generate", "--config", str(config)))
    assert "is not a folder" in line
    assert snapshot(tmp_path) == before


@battery
@given(st.text(min_size=1, max_size=8).map(lambda text: f"x{ESCAPE}{text}"))
def test_printed_paths_and_versions_never_carry_raw_control_characters(name: str) -> None:
    name = name.replace("/", "_").replace("\x00", "")
    with workspace() as folder:
        # A version with an escape, as a hostile vendored file could record it.
        out = folder / "socket.js"
        out.write_text(
            render_module(build_options({})).replace("wsgen 0.1.0", f"wsgen 0.0{ESCAPE}", 1),
            encoding="utf-8",
        )
        for result in (
            wsgen("generate", "--out", str(out), "--check"),
            wsgen("update", "--check", str(out)),
            wsgen("generate", "--out", str(folder / name)),
            wsgen("generate", "--out", str(folder / name / "x" / "y.js")),
            wsgen("generate", "--config", str(folder / f"{name}.toml")),
        ):
            assert "\x1b" not in result.stderr and "\x07" not in result.stderr, result.stderr


@battery
@given(
    st.sampled_from(["restart-delay", "backoff-initial", "connect-timeout", "heartbeat"]),
    st.integers(1, 10_000),
    st.booleans(),
)
def test_a_bare_number_is_refused_with_the_fix_in_flags_and_config(
    flag: str, number: int, in_config: bool
) -> None:
    with workspace() as folder:
        if in_config:
            config = folder / "wsgen.toml"
            config.write_text(f"{flag} = {number}\n", encoding="utf-8")
            result = wsgen("generate", "--config", str(config))
        else:
            result = wsgen("generate", "--out", str(folder / "s.js"), f"--{flag}", str(number))
        line = assert_one_line_error(result)
        assert line.endswith(f"did you mean {number}s?"), line
        assert sorted(path.name for path in folder.iterdir()) == (["wsgen.toml"] * in_config)


def test_an_unwritable_folder_of_the_second_target_writes_neither(tmp_path: Path) -> None:
    config = tmp_path / "wsgen.toml"
    (tmp_path / "locked").mkdir()
    config.write_text(
        '[[targets]]\nout = "first/socket.js"\n\n[[targets]]\nout = "locked/socket.js"\n',
        encoding="utf-8",
    )
    real_access = os.access
    locked = tmp_path / "locked"

    def access(path: Any, mode: int) -> bool:  # root may write anywhere; a user may not
        return Path(path) != locked and real_access(path, mode)

    before = snapshot(tmp_path)
    with mock.patch("os.access", side_effect=access):
        line = assert_one_line_error(wsgen("generate", "--config", str(config)))
    assert "is not writable" in line
    assert snapshot(tmp_path) == before
