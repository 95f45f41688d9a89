"""Format names and the file names each format gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.formats import Format, declarations_path, parse_formats, stem
from generator.options import build_options
from generator.outputs import plan_outputs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("esm", (Format.ESM,)),
        ("cjs, iife", (Format.CJS, Format.IIFE)),
        (["ts", "esm,ts"], (Format.TS, Format.ESM)),
    ],
)
def test_formats_come_from_lists_and_comma_lists_in_order(
    value: str | list[str], expected: tuple[Format, ...]
) -> None:
    assert parse_formats(value) == expected


@pytest.mark.parametrize("value", ["", "esm,,cjs", "umd", 3, [None]])
def test_anything_else_is_refused_with_the_allowed_values(value: object) -> None:
    with pytest.raises(ValueError, match=re.escape("expected esm|cjs|iife|ts")):
        parse_formats(value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("socket.js", "socket"),
        ("socket.iife.js", "socket"),
        ("socket.iife.d.ts", "socket"),
        ("socket.d.cts", "socket"),
        ("my.socket.mjs", "my.socket"),
        ("socket", "socket"),
        (".js", ".js"),
    ],
)
def test_stem_drops_the_ending_a_format_gave(name: str, expected: str) -> None:
    assert stem(Path(name)) == expected


@pytest.mark.parametrize(
    ("module", "declarations"),
    [
        ("a/socket.js", "a/socket.d.ts"),
        ("a/socket.mjs", "a/socket.d.mts"),
        ("a/socket.cjs", "a/socket.d.cts"),
        ("a/socket.iife.js", "a/socket.iife.d.ts"),
        ("a/socket", "a/socket.d.ts"),
    ],
)
def test_declarations_sit_where_typescript_looks_for_them(module: str, declarations: str) -> None:
    assert declarations_path(Path(module)) == Path(declarations)


def test_without_out_each_format_gets_its_default_name() -> None:
    options = build_options({"format": "ts,iife,cjs,esm", "types": True})
    assert [str(output.path) for output in plan_outputs(options)] == [
        "output/reconnecting-socket.ts",
        "output/reconnecting-socket.iife.js",
        "output/reconnecting-socket.cjs",
        "output/reconnecting-socket.js",
        "output/reconnecting-socket.iife.d.ts",
        "output/reconnecting-socket.d.cts",
        "output/reconnecting-socket.d.ts",
    ]
