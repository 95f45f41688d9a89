"""Round trips of every option, at the edges of its domain: what a flag, a shared `[tool.wsgen]`
key, a target's own key or a file's header line sets is what the vendored file holds, `wsgen
update` gives back the same bytes, and changing one option changes the file only where that
option's documentation says, so nothing changes silently (docs/vendoring.md, docs/options.md,
docs/close-codes.md).

The expected values are written here from the docs (`1.5s` is 1500 ms, `unlimited` no limit,
`4400-4450,4420-4499` the codes 4400 to 4499), never computed by the parsers under test.

The edges run as fixed examples; the properties draw option sets with Hypothesis, derandomized
and few. Set WSGEN_ROUNDTRIP_EXAMPLES=300 for a deeper, randomised run.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator import __version__
from generator.formats import Format
from generator.header import read_header
from generator.jsliteral import js_string
from generator.options import OPTION_SPECS, SPECS_BY_FLAG, GeneratorOptions, OptionError
from generator.options import build_options as build_options_under_test
from tests.support.cli import wsgen
from tests.support.ids import plain_id

ROOT = Path(__file__).parents[2]
MAX_MS = 2**31 - 1  # docs/options.md: no delay longer than a JavaScript timer can wait
MAX_COUNT = 1_000_000
EVERY_CODE = frozenset(range(1000, 5000))
DEFAULTS = GeneratorOptions()
SWITCHES = frozenset(
    spec.flag for spec in OPTION_SPECS if isinstance(getattr(DEFAULTS, spec.field), bool)
)
FILE_FLAGS = frozenset({"format", "types", "framework"})
"""Options that decide which files are written, besides what is in them."""
SHAPING_FILES = FILE_FLAGS | {"global-name"}
"""The flags `wsgen codes`, `explain` and `demo` do not take (docs/options.md)."""

EXAMPLES = int(os.environ.get("WSGEN_ROUNDTRIP_EXAMPLES", "0"))


def properties(fast_tier_examples: int) -> Any:
    return settings(
        max_examples=EXAMPLES or fast_tier_examples,
        derandomize=not EXAMPLES,  # CI runs the same examples every time; a deep run explores
        deadline=None,
        database=None,  # nothing written into the repository
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# --- the edges of every option's domain, with what the docs say each one means ---------------

Raw = str | bool
"""A value as typed after its flag; a switch is True (--x) or False (--no-x)."""


@dataclass(frozen=True)
class Edge:
    flag: str
    raw: Raw
    value: Any
    """The value of the option's GeneratorOptions field, as the docs describe it."""
    needs: Mapping[str, tuple[Raw, Any]] = field(default_factory=dict)
    """Other options it cannot go without (a heartbeat's timeout needs a heartbeat)."""
    every_way: bool = True
    """Given as config keys too; the combinations of formats, which only add files to what
    their single formats show, are given as flags only (the fast tier stays fast)."""

    def __str__(self) -> str:
        shown = self.raw if isinstance(self.raw, bool) else repr(self.raw)[:40]
        extra = "".join(f" --{flag} {raw}" for flag, (raw, _) in self.needs.items())
        return plain_id(f"--{self.flag} {shown}{extra}")

    @property
    def raws(self) -> dict[str, Raw]:
        return {**{flag: raw for flag, (raw, _) in self.needs.items()}, self.flag: self.raw}

    def options(self, *, with_edge: bool = True) -> GeneratorOptions:
        """The documented options: the defaults, what `needs` sets, and (`with_edge`) itself."""
        fields = {SPECS_BY_FLAG[flag].field: value for flag, (_, value) in self.needs.items()}
        if with_edge:
            fields[SPECS_BY_FLAG[self.flag].field] = self.value
        return replace(DEFAULTS, **fields)


HEARTBEAT = {"heartbeat": ("1s", 1000)}
FORMAT_COMBINATIONS = [
    tuple(fmt for bit, fmt in enumerate(Format) if mask >> bit & 1)
    for mask in range(1, 2 ** len(Format))
]


def with_types(formats: tuple[Format, ...]) -> dict[str, tuple[Raw, Any]]:
    """--format FORMATS, and --types where one of them is JavaScript."""
    needs: dict[str, tuple[Raw, Any]] = {"format": (",".join(formats), formats)}
    if any(fmt.is_javascript for fmt in formats):
        needs["types"] = (True, True)
    return needs


IIFE = {"format": ("iife", (Format.IIFE,))}

EDGES: list[Edge] = [
    # --restart-delay MIN-MAX: a unit on each end, 0 needs none; MIN = MAX is a fixed delay,
    # and a single duration means both.
    Edge("restart-delay", "0-0", (0, 0)),
    Edge("restart-delay", "0", (0, 0)),
    Edge("restart-delay", "1ms-1ms", (1, 1)),
    Edge("restart-delay", "2s", (2000, 2000)),
    Edge("restart-delay", "1.5s-1m", (1500, 60_000)),
    Edge("restart-delay", "0.001s-0.5m", (1, 30_000)),
    Edge("restart-delay", f"0-{MAX_MS}ms", (0, MAX_MS)),
    Edge("restart-delay", f"{MAX_MS}ms-{MAX_MS}ms", (MAX_MS, MAX_MS)),
    # Backoff: the first ceiling is above 0, the largest not below it, the factor 1 to 100.
    Edge("backoff-initial", "1ms", 1),
    Edge("backoff-initial", "1.001s", 1001),  # exactly, as a decimal: no float rounding
    Edge("backoff-initial", "30s", 30_000),  # as the default --backoff-max: equal is allowed
    Edge("backoff-initial", f"{MAX_MS}ms", MAX_MS, {"backoff-max": (f"{MAX_MS}ms", MAX_MS)}),
    Edge("backoff-max", "1s", 1000),  # as the default --backoff-initial
    Edge("backoff-max", "1ms", 1, {"backoff-initial": ("1ms", 1)}),
    Edge("backoff-max", f"{MAX_MS}ms", MAX_MS),
    Edge("backoff-factor", "1", 1.0),
    Edge("backoff-factor", "100", 100.0),
    Edge("backoff-factor", "1.5", 1.5),
    Edge("backoff-factor", "1.001", 1.001),
    # Counts: a whole number from 0; --max-retries also 'unlimited'.
    Edge("max-retries", "0", 0),
    Edge("max-retries", str(MAX_COUNT), MAX_COUNT),
    Edge("max-retries", "unlimited", None),
    Edge("queue-limit", "0", 0),
    Edge("queue-limit", str(MAX_COUNT), MAX_COUNT),
    Edge("connect-timeout", "1ms", 1),
    Edge("connect-timeout", f"{MAX_MS}ms", MAX_MS),
    Edge("stable-after", "0", 0),
    Edge("stable-after", "0ms", 0),
    Edge("stable-after", "0.3s", 300),
    Edge("stable-after", f"{MAX_MS}ms", MAX_MS),
    # Close codes 1000-4999, single or ranges, overlapping or adjacent items merged; empty is
    # the table alone.
    Edge("stop-on", "", frozenset()),
    Edge("stop-on", "1000", frozenset({1000})),
    Edge("stop-on", "4999", frozenset({4999})),
    Edge("stop-on", "1000-4999", EVERY_CODE),
    Edge("stop-on", "4400-4450,4420-4499,4401", frozenset(range(4400, 4500))),
    Edge("retry-on", "1000", frozenset({1000})),
    Edge("retry-on", "4401,4400,4401", frozenset({4400, 4401})),
    Edge("retry-on", "1000-4999", EVERY_CODE),  # leaves the codes that reconnect their timing
    Edge("restart-on", "4500", frozenset({4500})),
    Edge("restart-on", "1000-4999", EVERY_CODE),
    Edge(
        "restart-on",
        "4500-4599",
        frozenset(range(4500, 4600)),
        {"stop-on": ("4401", frozenset({4401})), "retry-on": ("1000", frozenset({1000}))},
    ),
    # Names at the edges of the identifier rules.
    Edge("class-name", "$", "$"),
    Edge("class-name", "_", "_"),
    Edge("class-name", "A", "A"),
    Edge("class-name", "$_9a", "$_9a"),
    Edge("class-name", "Class", "Class"),  # a reserved word but for its case
    Edge("class-name", "awaiting", "awaiting"),  # a reserved word and more
    Edge("class-name", "S" * 200, "S" * 200),
    Edge("global-name", "$", "$", IIFE),
    Edge("global-name", "LiveSocket", "LiveSocket", IIFE),
    Edge("global-name", "", None, IIFE),  # none: the class name
    Edge("global-name", "G", "G", {"format": ("esm,iife", (Format.ESM, Format.IIFE))}),
    # Files: every combination of formats, each with every file it can have beside it (the
    # .d.ts of --types, the bindings of --framework), and the order of --format kept.
    *(
        Edge("format", ",".join(formats), formats, every_way=len(formats) == 1)
        for formats in FORMAT_COMBINATIONS
    ),
    Edge("format", "ts,iife,cjs,esm", (Format.TS, Format.IIFE, Format.CJS, Format.ESM)),
    Edge("format", "esm,esm,cjs", (Format.ESM, Format.CJS)),
    *(
        Edge("types", True, True, {"format": (",".join(formats), formats)}, every_way=False)
        for formats in FORMAT_COMBINATIONS
        if Format.TS not in formats and Format.ESM not in formats
    ),
    *(
        Edge("framework", "react,vue", ("react", "vue"), with_types(formats), every_way=False)
        for formats in FORMAT_COMBINATIONS
        if Format.TS in formats or Format.ESM in formats
    ),
    Edge("types", True, True),
    Edge("types", False, False),
    Edge("framework", "vue,react", ("vue", "react")),
    Edge("framework", "", ()),
    # The heartbeat: 'off', or a duration above 0; its settings exist only with it.
    Edge("heartbeat", "off", None),
    Edge("heartbeat", "1ms", 1),
    Edge("heartbeat", f"{MAX_MS}ms", MAX_MS),
    Edge("heartbeat-timeout", "1ms", 1, HEARTBEAT),
    Edge("heartbeat-timeout", f"{MAX_MS}ms", MAX_MS, HEARTBEAT),
    Edge("heartbeat-message", "x", "x", HEARTBEAT),
    # At most 55 characters as a JS string literal, quotes and escapes included.
    Edge("heartbeat-message", "m" * 53, "m" * 53, HEARTBEAT),
    Edge("heartbeat-message", '"' * 53, '"' * 53, HEARTBEAT),  # single quotes: none escaped
    Edge("heartbeat-message", "é" * 8 + "abcde", "é" * 8 + "abcde", HEARTBEAT),  # \u00e9 each
    Edge("heartbeat-message", '{"type":"ping"}', '{"type":"ping"}', HEARTBEAT),
    Edge("heartbeat-message", "a\u2028b</script>\t", "a\u2028b</script>\t", HEARTBEAT),
    # Switches, both ways.
    *(Edge(flag, on, on) for flag in sorted(SWITCHES - {"types"}) for on in (False, True)),
]

# Just past each edge: refused with exit 2, naming the flag (or the file and key), writing
# nothing.
OUTSIDE: list[tuple[dict[str, Raw], str]] = [
    ({"restart-delay": "5s-1s"}, "restart-delay"),
    ({"restart-delay": f"0-{MAX_MS + 1}ms"}, "restart-delay"),
    ({"backoff-initial": "0"}, "backoff-initial"),
    ({"backoff-max": "999ms"}, "backoff-max"),  # below the default --backoff-initial
    ({"backoff-factor": "0.999"}, "backoff-factor"),
    ({"backoff-factor": "100.001"}, "backoff-factor"),
    ({"max-retries": str(MAX_COUNT + 1)}, "max-retries"),
    ({"queue-limit": str(MAX_COUNT + 1)}, "queue-limit"),
    ({"connect-timeout": "0"}, "connect-timeout"),
    ({"stable-after": f"{MAX_MS + 1}ms"}, "stable-after"),
    ({"stop-on": "999"}, "stop-on"),
    ({"stop-on": "1000-5000"}, "stop-on"),
    ({"stop-on": "4401", "retry-on": "4400-4401"}, "retry-on"),
    ({"retry-on": "1000", "restart-on": "1000"}, "restart-on"),
    ({"class-name": "9a"}, "class-name"),
    ({"class-name": "class"}, "class-name"),
    ({"global-name": "G"}, "global-name"),  # only the iife format defines a global
    ({"format": ""}, "format"),
    ({"format": "ts", "types": True}, "types"),
    ({"format": "cjs", "framework": "react"}, "framework"),
    ({"heartbeat": "0"}, "heartbeat"),
    ({"heartbeat-timeout": "5s"}, "heartbeat-timeout"),  # without a heartbeat
    ({"heartbeat": "1s", "heartbeat-message": "m" * 54}, "heartbeat-message"),
    ({"heartbeat": "1s", "heartbeat-message": "é" * 9}, "heartbeat-message"),
]


def test_every_option_has_edges() -> None:
    assert {edge.flag for edge in EDGES} == set(SPECS_BY_FLAG), "add the new option's edges"
    assert {flag for _, flag in OUTSIDE} >= set(SPECS_BY_FLAG) - SWITCHES


# --- how a value is given ---------------------------------------------------------------------


def flag_arguments(raws: Mapping[str, Raw]) -> list[str]:
    arguments: list[str] = []
    for flag, raw in raws.items():
        if isinstance(raw, bool):
            arguments.append(f"--{flag}" if raw else f"--no-{flag}")
        else:
            arguments.append(f"--{flag}={raw}")  # a value may start with "-", or be empty
    return arguments


def toml_value(raw: Raw) -> str:
    """`raw` in TOML: a boolean, or a basic string with what TOML must have escaped escaped."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    escaped = re.sub(r'[\\"\x00-\x1f\x7f]', lambda match: f"\\u{ord(match[0]):04x}", raw)
    return f'"{escaped}"'


def native(flag: str, raw: Raw) -> Raw | int | list[Any]:
    """`raw` as a TOML number or array where the option takes one (docs/vendoring.md:
    `stop-on = [4401, "4403-4499"]`), else as it is."""
    if isinstance(raw, str) and raw.isdigit() and flag in ("queue-limit", "max-retries"):
        return int(raw)
    if isinstance(raw, str) and flag in ("stop-on", "retry-on", "restart-on"):
        return [int(item) if item.isdigit() else item for item in raw.split(",") if item]
    if isinstance(raw, str) and flag in ("format", "framework"):
        return [item for item in raw.split(",") if item]
    return raw


def toml_table(values: Mapping[str, Raw | int | list[Any]], *, words: bool = False) -> str:
    """A TOML table of `values`; with `words`, switches as "on"/"off" (docs/cli.md: a config
    says `network-aware = false`, or "off")."""
    lines = []
    for key, value in values.items():
        if words and isinstance(value, bool):
            lines.append(f'{key} = "{"on" if value else "off"}"')
        elif isinstance(value, bool | str):
            lines.append(f"{key} = {toml_value(value)}")
        else:  # a TOML number or array, written as JSON writes it
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def out_for(formats: tuple[str, ...], folder: str) -> str:
    """An --out whose ending agrees with one format (TypeScript cannot go into a .js)."""
    ending = {"ts": ".ts", "cjs": ".cjs", "iife": ".iife.js"}.get(formats[0], ".js")
    return f"{folder}/socket{ending if len(formats) == 1 else '.js'}"


@contextlib.contextmanager
def project() -> Iterator[Path]:
    """A fresh repository root to work in (Hypothesis reuses a test's tmp_path)."""
    previous = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(previous)


def files_in(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def generate(*arguments: str) -> None:
    result = wsgen("generate", *arguments)
    assert result.exit_code == 0, (arguments, result.stderr)


def check_current(*arguments: str) -> None:
    """`wsgen generate --check` finds every file current: the same bytes."""
    result = wsgen("generate", "--check", *arguments)
    assert result.exit_code == 0, (arguments, result.stderr)
    assert re.fullmatch(r"wsgen: all \d+ files? current", result.stderr.strip()), result.stderr


def header_options(text: str) -> GeneratorOptions:
    header = read_header(text)
    assert header is not None and header.version == __version__
    return header.options()


def update_changes_nothing(paths: list[Path]) -> None:
    """`wsgen update` renders each file again from its own header: the same bytes, untouched."""
    for path in paths:
        os.utime(path, ns=(10**18, 10**18))
    before = {path: path.read_bytes() for path in paths}
    result = wsgen("update", *(str(path) for path in paths))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("wsgen: unchanged ") == len(paths), result.stderr
    for path in paths:
        assert path.read_bytes() == before[path], path
        assert path.stat().st_mtime_ns == 10**18, f"{path} was rewritten"


# --- what each option may change in a file ----------------------------------------------------

SETTING = re.compile(r"^\s*(\w+): (.+), // --([a-z-]+)$")
POLICY_ROW = re.compile(r'^\s*\[(\d+), (\d+), "([a-z-]+)"\],$')
DECLARATIONS = (".d.ts", ".d.cts", ".d.mts")


def is_module(name: str) -> bool:
    return not name.endswith(DECLARATIONS) and ".react." not in name and ".vue." not in name


def block(text: str, opening: str, closing: str) -> list[str]:
    """The lines of the block that starts on the line holding `opening`, stripped."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if opening in line)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == closing)
    return [line.strip() for line in lines[start + 1 : end]]


def settings_of(text: str) -> dict[str, tuple[str, str]]:
    """DEFAULTS as the module holds it: runtime name -> (literal, flag)."""
    rows = [SETTING.match(line) for line in block(text, "const DEFAULTS", "};")]
    return {row[1]: (row[2], row[3]) for row in rows if row}


def policy_of(text: str) -> dict[int, str]:
    """CLOSE_POLICY's rows, code by code; a code no row covers retries."""
    actions = dict.fromkeys(EVERY_CODE, "retry")
    for line in block(text, "const CLOSE_POLICY", "];"):
        row = POLICY_ROW.match(line)
        if row:
            actions.update(dict.fromkeys(range(int(row[1]), int(row[2]) + 1), row[3]))
    return actions


def _table_actions() -> dict[int, str]:
    """The default action of each code, read from the table docs/close-codes.md shows."""
    text = (ROOT / "docs" / "close-codes.md").read_text(encoding="utf-8")
    table = text.split("<!-- wsgen:codes -->", 1)[1].split("<!-- /wsgen:codes -->", 1)[0]
    actions = dict.fromkeys(EVERY_CODE, "retry")  # "A code the table does not list retries"
    for row in table.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        first, _, last = cells[0].partition("-")
        said = cells[3]
        action = (
            "stop"
            if said.startswith("stop")
            else "restart"
            if said.startswith("reconnect after")
            else "retry-later"
            if "never sooner" in said
            else "retry"
        )
        actions.update(dict.fromkeys(range(int(first), int(last or first) + 1), action))
    return actions


TABLE_ACTIONS = _table_actions()


def documented_action(options: GeneratorOptions, code: int) -> str:
    """docs/close-codes.md: --stop-on stops, --restart-on waits the restart window, --retry-on
    retries a code that stops and leaves one that reconnects its own timing."""
    if code in options.stop_on:
        return "stop"
    if code in options.restart_on:
        return "restart"
    if code in options.retry_on and TABLE_ACTIONS[code] == "stop":
        return "retry"
    return TABLE_ACTIONS[code]


def js_literal(spec_flag: str, value: Any) -> list[str]:
    """The literal(s) a runtime setting of `spec_flag` holds in DEFAULTS for `value`."""
    if spec_flag == "restart-delay":
        return [str(value[0]), str(value[1])]
    if value is None:  # --max-retries unlimited
        return ["Infinity"]
    if isinstance(value, str):
        return [js_string(value)]
    if isinstance(value, float):
        return [str(int(value)) if value.is_integer() else repr(value)]
    return [str(value)]


def _token(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])")


def _changed_lines(before: str, after: str) -> list[tuple[list[str], list[str]]]:
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        (old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def assert_only_its_own_change(
    flag: str,
    old: GeneratorOptions,
    new: GeneratorOptions,
    before: dict[str, str],
    after: dict[str, str],
) -> None:
    """`before` and `after` (file name -> text, from one --out) are made with options that
    differ in `flag` alone: every difference between them is one that option documents."""
    spec = SPECS_BY_FLAG[flag]
    if flag not in FILE_FLAGS:
        assert set(after) == set(before), f"--{flag} changed which files are written"
    for name in set(before) & set(after):
        old_text, new_text = before[name], after[name]
        old_flags = json.loads(old_text.split("\n")[1].split(" ", 3)[3])
        new_flags = json.loads(new_text.split("\n")[1].split(" ", 3)[3])
        moved = {
            key
            for key in old_flags.keys() | new_flags.keys()
            if old_flags.get(key) != new_flags.get(key)
        }
        assert moved <= {flag}, f"{name}: the header changed {moved}, not only --{flag}"
        old_body, new_body = old_text.split("\n", 2)[2], new_text.split("\n", 2)[2]
        changes = _changed_lines(old_body, new_body)
        module = is_module(name)
        if (spec.js_names and not spec.feature) or (
            flag == "heartbeat" and old.heartbeat and new.heartbeat
        ):
            # A runtime setting: its own lines of DEFAULTS, holding the new value, and no other.
            wanted = dict(
                zip(spec.js_names, js_literal(flag, getattr(new, spec.field)), strict=True)
            )
            for removed, added in changes:
                assert module, f"{name}: --{flag} changed a file that holds no DEFAULTS"
                for line in removed + added:
                    setting = SETTING.match(line)
                    assert setting and setting[3] == flag, f"{name}: --{flag} changed {line!r}"
            if module:
                held = settings_of(new_text)
                assert {key: held[key][0] for key in wanted} == wanted, name
        elif flag in ("stop-on", "retry-on", "restart-on"):
            if module:
                policy = block(new_text, "const CLOSE_POLICY", "];")
                for _removed, added in changes:
                    for line in added:
                        assert line.strip() in policy, f"{name}: --{flag} changed {line!r}"
                held = policy_of(new_text)
                differs = [
                    code for code in EVERY_CODE if held[code] != documented_action(new, code)
                ]
                assert not differs, f"{name}: codes {differs[:5]}... do not act as documented"
            else:
                assert not changes, f"{name}: --{flag} changed a file with no close policy"
        elif flag == "class-name":
            # Renamed throughout, where the old name is no word the module uses otherwise (it
            # is not in the module made with a sentinel name).
            if not _token(old.class_name).search(_SENTINEL_BODIES[name]):
                renamed = _token(old.class_name).sub(new.class_name, old_body)
                # Where lines break is Prettier's layout, which a longer name may change.
                assert _unlaid(new_body) == _unlaid(renamed), (
                    f"{name}: the class is not renamed throughout"
                )
            elif module:
                assert f"class {new.class_name} " in new_body, name
        elif flag == "global-name":
            was, now = old.iife_global, new.iife_global
            for removed, added in changes:
                assert len(removed) == len(added), name
                for line_before, line_after in zip(removed, added, strict=True):
                    defines = rf"\s*(var|type) {re.escape(was)}(?![\w$])"
                    assert re.match(defines, line_before), f"{name}: {line_before!r} changed"
                    assert line_after == line_before.replace(f" {was}", f" {now}", 1), line_after
        elif flag in FILE_FLAGS:
            # A file of the same name is the same format: only the header may differ.
            assert not changes, f"{name}: --{flag} changed the code of a file it keeps"
        else:  # an optional feature: its code, and no setting or close-code decision
            assert flag in {spec.flag for spec in OPTION_SPECS if spec.feature}, flag
            if module:
                heartbeat_settings = {"heartbeatInterval", "heartbeatTimeout", "heartbeatMessage"}
                kept = {
                    k: v for k, v in settings_of(old_text).items() if k not in heartbeat_settings
                }
                now = {
                    k: v for k, v in settings_of(new_text).items() if k not in heartbeat_settings
                }
                assert kept == now, f"{name}: --{flag} changed another setting"
                assert policy_of(old_text) == policy_of(new_text), name
                if getattr(old, spec.field) != getattr(new, spec.field):
                    assert changes, f"{name}: --{flag} on and off give the same code"
    if flag in FILE_FLAGS:
        _assert_files_follow(flag, old, new, before, after)


_SENTINEL_BODIES: dict[str, str] = {}
"""File name -> body, made with the class named Zq9Sentinel and otherwise the same options."""


def sentinel(root: Path, out: str, other_flags: list[str]) -> None:
    generate("--out", out, "--class-name", "Zq9Sentinel", *other_flags)
    _SENTINEL_BODIES.clear()
    for name, text in files_in(root / out.split("/")[0]).items():
        _SENTINEL_BODIES[name] = text.split("\n", 2)[2]


def _assert_files_follow(
    flag: str,
    old: GeneratorOptions,
    new: GeneratorOptions,
    before: dict[str, str],
    after: dict[str, str],
) -> None:
    """--format, --types and --framework add or drop only the files they document, and every
    module keeps the same settings and close-code decisions in every format."""
    modules = [name for name in after if is_module(name)]
    assert len(modules) == len(new.formats), modules
    reference = next(text for name, text in before.items() if is_module(name))
    for name in modules:
        assert settings_of(after[name]) == settings_of(reference), name
        assert policy_of(after[name]) == policy_of(reference), name
    declarations = [name for name in after if name.endswith(DECLARATIONS)]
    bindings = [name for name in after if not is_module(name) and name not in declarations]
    javascript = [name for name in modules if not name.endswith(".ts")]
    # docs: "a .d.ts beside each JavaScript output (.d.ts, .d.cts, .iife.d.ts)", and a binding
    # "beside each esm or ts output" per framework (react: socket.react.js), typed with them.
    beside = {re.sub(r"\.(c?)js$", lambda m: f".d.{m[1]}ts", name) for name in javascript}
    assert {name for name in declarations if is_module(name.replace(".d.", "."))} == (
        beside if new.types else set()
    )
    # (Every --out here names a single cjs or iife file .cjs or .iife.js: a .js is esm.)
    importable = [name for name in modules if re.search(r"(?<!\.iife)\.(js|ts)$", name)]
    wanted_bindings = {
        re.sub(r"\.(js|ts)$", rf".{framework}.\1", name)
        for name in importable
        for framework in new.frameworks
    }
    assert set(bindings) == wanted_bindings, (bindings, wanted_bindings)


# --- the edges: each one given every way, read back, updated, and changing only itself -------


def decoy(edge: Edge) -> Raw:
    """Another value of the edge's option, from another edge of it."""
    if isinstance(edge.raw, bool):
        return not edge.raw
    return next(
        other.raw for other in EDGES if other.flag == edge.flag and other.value != edge.value
    )


def _edge_id(edge: Edge) -> str:
    return str(edge)


@pytest.mark.parametrize("edge", EDGES, ids=_edge_id)
def test_an_edge_value_round_trips_every_way_and_changes_only_itself(edge: Edge) -> None:
    with project() as root:
        formats = tuple(str(fmt) for fmt in edge.options().formats)
        out = out_for(formats, "given")
        generate("--out", out, *flag_arguments(edge.raws))
        given = files_in(root / "given")
        wanted = edge.options()
        for name, text in given.items():
            assert header_options(text) == wanted, f"{name}: the header holds other options"
        update_changes_nothing(sorted((root / "given").iterdir()))
        check_current("--out", out, *flag_arguments(edge.raws))
        if edge.flag in ("stop-on", "retry-on", "restart-on"):
            module = next(text for name, text in given.items() if is_module(name))
            assert codes_json(*flag_arguments(edge.raws)) == policy_of(module)

        # The same options as shared keys, as a target's own keys, split between them, and
        # over another value of the option that must lose: a shared key under the target's
        # own, a config's key under the flag.
        needs = {flag: raw for flag, (raw, _) in edge.needs.items()}
        other = decoy(edge)
        ways: list[tuple[dict[str, Raw], dict[str, Raw] | None, dict[str, Raw]]] = [
            ({**edge.raws, "out": out}, None, {}),
            ({}, {**edge.raws, "out": out}, {}),
            ({edge.flag: other}, {**edge.raws, "out": out}, {}),
        ]
        if config_valid({**needs, edge.flag: other}, out):
            ways.append(({**needs, edge.flag: other, "out": out}, None, {edge.flag: edge.raw}))
        if edge.needs:
            ways.append((needs, {edge.flag: edge.raw, "out": out}, {}))
            ways.append(({edge.flag: edge.raw}, {**needs, "out": out}, {}))
        for shared, own, flags in ways if edge.every_way else ways[:1]:
            config = "[tool.wsgen]\n" + toml_table(shared, words=True)
            if own is not None:
                config += "[[tool.wsgen.targets]]\n" + toml_table(own)
            (root / "pyproject.toml").write_text(config, encoding="utf-8")
            check_current(*flag_arguments(flags))
        (root / "pyproject.toml").unlink()

        # The file made without the edge (its needs only) differs only where it documents.
        base_formats = tuple(str(fmt) for fmt in edge.options(with_edge=False).formats)
        base_out = out_for(base_formats, "base")
        generate("--out", base_out, *flag_arguments(needs))
        base = files_in(root / "base")
        if edge.flag == "class-name":
            sentinel(root, "sentinel/socket.js", [])
        if edge.flag == "format" or base_out.rsplit("/", 1)[1] != out.rsplit("/", 1)[1]:
            _assert_files_follow("format", edge.options(with_edge=False), wanted, base, given)
        else:
            assert_only_its_own_change(
                edge.flag, edge.options(with_edge=False), wanted, base, given
            )


@pytest.mark.parametrize(
    ("raws", "flag"), OUTSIDE, ids=[plain_id(str(raws)[:50]) for raws, _ in OUTSIDE]
)
def test_a_value_past_an_edge_is_refused_every_way_and_writes_nothing(
    raws: dict[str, Raw], flag: str
) -> None:
    with project() as root:
        result = wsgen("generate", "--out", "given/socket.js", *flag_arguments(raws))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"wsgen: error: --{flag}: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        config = '[tool.wsgen]\nout = "given/socket.js"\n' + toml_table(raws)
        (root / "pyproject.toml").write_text(config, encoding="utf-8")
        result = wsgen("generate")
        assert result.exit_code == 2
        assert f"pyproject.toml: [tool.wsgen] {flag}: " in result.stderr, result.stderr
        assert sorted(path.name for path in root.iterdir()) == [".git", "pyproject.toml"]


# --- properties: any set of options, given any way ------------------------------------------


@st.composite
def durations(draw: st.DrawFn, minimum: int = 0) -> tuple[str, int]:
    """A duration as a user types it, with the milliseconds it means."""
    unit = draw(
        st.sampled_from(["ms", "s", "m", "bare zero"] if minimum == 0 else ["ms", "s", "m"])
    )
    if unit == "bare zero":
        return "0", 0
    if unit == "m":  # tenths of a minute are whole milliseconds
        tenths = draw(st.integers(max(1, -(-minimum // 6000)), MAX_MS // 6000))
        return f"{Decimal(tenths) / 10:f}m", tenths * 6000
    milliseconds = draw(st.one_of(st.integers(minimum, 10_000), st.integers(minimum, MAX_MS)))
    if unit == "ms":
        return f"{milliseconds}ms", milliseconds
    return f"{(Decimal(milliseconds) / 1000).normalize():f}s", milliseconds


@st.composite
def windows(draw: st.DrawFn) -> tuple[str, tuple[int, int]]:
    (low_text, low), (high_text, high) = sorted(
        [draw(durations()), draw(durations())], key=lambda pair: pair[1]
    )
    if low == high and draw(st.booleans()):
        return low_text, (low, low)
    return f"{low_text}-{high_text}", (low, high)


@st.composite
def code_lists(draw: st.DrawFn) -> tuple[str, frozenset[int]]:
    near = st.one_of(st.integers(1000, 1015), st.integers(3000, 3010), st.integers(4000, 4999))
    items: list[str] = []
    codes: set[int] = set()
    for _ in range(draw(st.integers(0, 3))):
        first = draw(near)
        last = draw(st.one_of(st.just(first), st.integers(first, min(4999, first + 50))))
        items.append(str(first) if first == last else f"{first}-{last}")
        codes.update(range(first, last + 1))
    return ",".join(items), frozenset(codes)


NAMES = st.from_regex(r"[A-Za-z_$][A-Za-z0-9_$]{0,12}", fullmatch=True)
FACTORS = st.one_of(
    st.sampled_from(["1", "2", "100", "1.5"]),
    st.decimals(1, 100, places=3).map(lambda number: f"{number:f}"),
)
FORMAT_LISTS = st.lists(
    st.sampled_from([str(fmt) for fmt in Format]), min_size=1, max_size=4, unique=True
)
FRAMEWORK_LISTS = st.lists(st.sampled_from(["react", "vue"]), max_size=2, unique=True)


def _pairs(flag: str) -> st.SearchStrategy[tuple[Raw, Any]]:
    """Values of `flag` as typed, each with its documented meaning."""
    counts = st.integers(0, MAX_COUNT).map(lambda n: (str(n), n))
    positive = durations(minimum=1)
    by_flag: dict[str, st.SearchStrategy[tuple[Raw, Any]]] = {
        "restart-delay": windows(),
        "backoff-initial": positive,
        "backoff-max": positive,
        "backoff-factor": FACTORS.map(lambda text: (text, float(text))),
        "max-retries": st.one_of(st.just(("unlimited", None)), counts),
        "connect-timeout": positive,
        "stable-after": durations(),
        "queue-limit": counts,
        "stop-on": code_lists(),
        "retry-on": code_lists(),
        "restart-on": code_lists(),
        "class-name": NAMES.map(lambda name: (name, name)),
        "format": FORMAT_LISTS.map(
            lambda names: (",".join(names), tuple(Format(n) for n in names))
        ),
        "global-name": st.one_of(st.just(("", None)), NAMES.map(lambda name: (name, name))),
        "framework": FRAMEWORK_LISTS.map(lambda names: (",".join(names), tuple(names))),
        "heartbeat": st.one_of(st.just(("off", None)), positive),
        "heartbeat-timeout": positive,
        "heartbeat-message": st.text(min_size=1, max_size=30)
        .filter(lambda t: "\x00" not in t)
        .map(lambda text: (text, text)),
    }
    if flag in SWITCHES:
        return st.booleans().map(lambda on: (on, on))
    return by_flag[flag]


PAIRS = {spec.flag: _pairs(spec.flag) for spec in OPTION_SPECS}


def documented(values: Mapping[str, tuple[Raw, Any]]) -> GeneratorOptions:
    return replace(
        DEFAULTS, **{SPECS_BY_FLAG[flag].field: value for flag, (_, value) in values.items()}
    )


def valid(raws: Mapping[str, Raw]) -> bool:
    """Whether wsgen takes these values together (the rules between options: backoff-max not
    below backoff-initial, a global only for iife, ...); the values themselves are valid."""
    try:
        build_options_under_test({flag: raw for flag, raw in raws.items()})
    except OptionError:
        return False
    return True


@st.composite
def option_sets(draw: st.DrawFn, size: int = 6) -> dict[str, tuple[Raw, Any]]:
    flags = draw(st.lists(st.sampled_from(sorted(PAIRS)), max_size=size, unique=True))
    values = {flag: draw(PAIRS[flag]) for flag in flags}
    assume(valid({flag: raw for flag, (raw, _) in values.items()}))
    return values


LAYERS = ("flag", "own", "shared")
ENDINGS = {".cjs": "cjs", ".ts": "ts", ".iife.js": "iife"}


def config_valid(values: Mapping[str, Raw], out: str) -> bool:
    """Whether a target of `values` writing `out` is valid on its own. docs/cli.md: the ending
    of `out` picks the format where no key names one, and a single format must agree with a
    definite ending (TypeScript goes into no .js)."""
    implied = next((fmt for ending, fmt in ENDINGS.items() if out.endswith(ending)), None)
    named = values.get("format")
    if named is None:
        return valid({**values, **({"format": implied} if implied else {})})
    formats = set(str(named).split(","))
    if len(formats) == 1:
        [only] = formats
        if only != (implied or only) or (implied is None and only == "ts"):
            return False
    return valid(values)


@properties(fast_tier_examples=12)
@given(values=option_sets(), data=st.data())
def test_options_split_between_flags_target_and_shared_keys_give_the_documented_precedence(
    values: dict[str, tuple[Raw, Any]], data: st.DataObject
) -> None:
    """docs/vendoring.md: each option comes from a flag, else the target's own key, else the
    shared key, else the default. Each value is put in one layer, and some get a decoy below it
    that must lose; the file made is the one all the values give as flags."""
    layers: dict[str, dict[str, Any]] = {layer: {} for layer in LAYERS}
    for flag, (raw, _) in values.items():
        layer = data.draw(st.sampled_from(LAYERS), label=f"layer of --{flag}")
        layers[layer][flag] = raw
        below = LAYERS[LAYERS.index(layer) + 1 :]
        if below and data.draw(st.booleans(), label=f"decoy for --{flag}"):
            loser, _ = data.draw(PAIRS[flag], label=f"decoy of --{flag}")
            layers[data.draw(st.sampled_from(below))].setdefault(flag, loser)
    wanted = documented(values)
    formats = tuple(str(fmt) for fmt in wanted.formats)
    # A config must be valid without its flags too (a plain `wsgen generate` uses it).
    assume(config_valid({**layers["shared"], **layers["own"]}, out_for(formats, "configured")))
    with project() as root:
        generate(
            "--out",
            out_for(formats, "given"),
            *flag_arguments({flag: raw for flag, (raw, _) in values.items()}),
        )
        if data.draw(st.booleans(), label="numbers and arrays in the config"):
            for layer in ("shared", "own"):
                layers[layer] = {flag: native(flag, raw) for flag, raw in layers[layer].items()}
        words = data.draw(st.booleans(), label="switches as on/off in the config")
        config = "[tool.wsgen]\n" + toml_table(layers["shared"], words=words)
        config += "[[tool.wsgen.targets]]\n" + toml_table(
            {**layers["own"], "out": out_for(formats, "configured")}, words=words
        )
        (root / "pyproject.toml").write_text(config, encoding="utf-8")
        generate(*flag_arguments(layers["flag"]))
        configured = files_in(root / "configured")
        assert configured == files_in(root / "given"), "the config and the flags disagree"
        for name, text in configured.items():
            assert header_options(text) == wanted, name
        update_changes_nothing(sorted((root / "configured").iterdir()))
        check_current(*flag_arguments(layers["flag"]))
        if not set(layers["flag"]) & SHAPING_FILES:  # `wsgen codes` takes no such flag
            module = next(text for name, text in configured.items() if is_module(name))
            assert codes_json(*flag_arguments(layers["flag"])) == policy_of(module)


def codes_json(*arguments: str) -> dict[int, str]:
    """What `wsgen codes --json` says the module does on each code, from its one target."""
    result = wsgen("codes", "--json", *arguments)
    assert result.exit_code == 0, result.stderr
    [target] = json.loads(result.stdout)["targets"]
    actions = dict.fromkeys(EVERY_CODE, "retry")
    for row in target["codes"]:  # a later row (an override) wins over a range before it
        actions.update(dict.fromkeys(range(row["code"], row["last"] + 1), row["action"]))
    return actions


@properties(fast_tier_examples=12)
@given(values=option_sets(size=4), flag=st.sampled_from(sorted(PAIRS)), data=st.data())
def test_changing_one_option_on_its_way_to_the_file_changes_only_what_it_documents(
    values: dict[str, tuple[Raw, Any]], flag: str, data: st.DataObject
) -> None:
    """One option changes, by flag or in the file's header line then `wsgen update`: --check
    names that option and no other, both ways give the same bytes, and the file changes only
    where that option says it does."""
    old = documented(values)
    raw, value = data.draw(PAIRS[flag], label="new value")
    changed = {**values, flag: (raw, value)}
    new = documented(changed)
    assume(getattr(new, SPECS_BY_FLAG[flag].field) != getattr(old, SPECS_BY_FLAG[flag].field))
    assume(valid({f: r for f, (r, _) in changed.items()}))
    old_formats = tuple(str(fmt) for fmt in old.formats)
    new_formats = tuple(str(fmt) for fmt in new.formats)
    assume(out_for(old_formats, "x") == out_for(new_formats, "x"))  # one --out for both
    out = out_for(old_formats, "vendor")
    old_flags = flag_arguments({f: r for f, (r, _) in values.items()})
    new_flags = flag_arguments({f: r for f, (r, _) in changed.items()})
    with project() as root:
        generate("--out", out, *old_flags)
        before = files_in(root / "vendor")
        check = wsgen("generate", "--check", "--out", out, *new_flags)
        assert check.exit_code == 1
        spec = SPECS_BY_FLAG[flag]
        old_shown, new_shown = spec.format(getattr(old, spec.field)), spec.format(value)
        for name in before:
            if name in _names(new, out):
                said = f"{name} would change: options differ: {flag} "
                line = next(line for line in check.stderr.splitlines() if said in line)
                assert line.endswith(f"{_shown(old_shown)} -> {_shown(new_shown)}"), line

        if flag not in FILE_FLAGS:
            # By hand, in the header line, then `wsgen update`: what --check above foresaw.
            header_route = root / "header"
            header_route.mkdir()
            for name, text in before.items():
                marker, settings, body = text.split("\n", 2)
                prefix, recorded = settings.split(" {", 1)
                recorded_flags = json.loads("{" + recorded)
                recorded_flags[flag] = raw
                (header_route / name).write_text(
                    f"{marker}\n{prefix} {json.dumps(recorded_flags)}\n{body}", encoding="utf-8"
                )
            result = wsgen("update", *(str(path) for path in sorted(header_route.iterdir())))
            assert result.exit_code == 0, result.stderr

        generate("--out", out, *new_flags)
        after = files_in(root / "vendor")
        if flag not in FILE_FLAGS:
            assert files_in(root / "header") == after, "the header and the flag disagree"
        if flag == "class-name":
            sentinel(root, out.replace("vendor/", "sentinel/"), _without(values, "class-name"))
        # Files a flag no longer asks for stay on disk (wsgen deletes nothing); compare what
        # the new options make.
        made = {name: text for name, text in after.items() if name in _names(new, out)}
        kept = {name: text for name, text in before.items() if name in _names(old, out)}
        assert_only_its_own_change(flag, old, new, kept, made)


def _names(options: GeneratorOptions, out: str) -> set[str]:
    from generator.outputs import plan_outputs

    return {output.path.name for output in plan_outputs(options, Path(out))}


def _unlaid(text: str) -> str:
    """`text` without what Prettier's line breaks change: whitespace, and the trailing comma
    it adds to arguments it puts one to a line."""
    return re.sub(r",\)", ")", re.sub(r"\s+", "", text))


def _shown(value: object) -> str:
    """A value as the messages show it: a switch as on or off, as its help and docs say it."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return "(none)" if value == "" else str(value)


def _without(values: Mapping[str, tuple[Raw, Any]], *flags: str) -> list[str]:
    return flag_arguments({flag: raw for flag, (raw, _) in values.items() if flag not in flags})
