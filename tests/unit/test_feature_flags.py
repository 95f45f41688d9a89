"""The optional features' options: switches, the heartbeat's durations and message, and that
each is recorded in the header so the file can be rebuilt from it."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from generator.jsliteral import js_string
from generator.options import (
    FILE_FLAGS,
    OPTION_SPECS,
    GeneratorOptions,
    OptionError,
    build_options,
    shown_default,
)

# The module's feature switches: boolean options, less those that pick files (--types).
SWITCHES = [
    spec.flag
    for spec in OPTION_SPECS
    if isinstance(getattr(GeneratorOptions(), spec.field), bool) and spec.flag not in FILE_FLAGS
]


def test_every_feature_switch_is_a_boolean_option() -> None:
    assert set(SWITCHES) >= {
        "network-aware",
        "retry-hint",
        "reconnect-hook",
        "url-provider",
        "manual-reconnect",
    }


@pytest.mark.parametrize("flag", SWITCHES)
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("on", True),
        ("OFF", False),
        ("true", True),
        ("False", False),
        ("yes", True),
        ("no", False),
        (True, True),
        (False, False),
    ],
)
def test_switches_read_the_usual_words(flag: str, raw: object, expected: bool) -> None:
    options = build_options({flag: raw})
    spec = next(spec for spec in OPTION_SPECS if spec.flag == flag)
    assert getattr(options, spec.field) is expected


@pytest.mark.parametrize("flag", SWITCHES)
@pytest.mark.parametrize("raw", ["maybe", "1", 0, ""])
def test_switches_refuse_anything_else(flag: str, raw: object) -> None:
    with pytest.raises(OptionError, match=rf"^--{flag}: expected on or off"):
        build_options({flag: raw})


@pytest.mark.parametrize("flag", SWITCHES)
def test_switches_are_json_booleans_in_the_header_and_on_off_in_help(flag: str) -> None:
    recorded = GeneratorOptions().to_flags()[flag]
    assert isinstance(recorded, bool)
    assert shown_default(flag) == ("on" if recorded else "off")


def test_heartbeat_is_off_by_default_and_takes_a_duration() -> None:
    assert GeneratorOptions().heartbeat is None
    assert GeneratorOptions().to_flags()["heartbeat"] == "off"
    options = build_options({"heartbeat": "1.5s", "heartbeat-timeout": "250ms"})
    assert (options.heartbeat, options.heartbeat_timeout) == (1500, 250)
    assert build_options({"heartbeat": "off"}).heartbeat is None
    assert build_options({"heartbeat": False}).heartbeat is None


def test_feature_options_round_trip_through_the_header() -> None:
    options = build_options(
        {
            "heartbeat": "20s",
            "heartbeat-message": '{"type":"ping"}\n',
            "network-aware": "off",
            "url-provider": "no",
        }
    )
    assert build_options(options.to_flags()) == options


def test_heartbeat_settings_without_a_heartbeat_are_refused() -> None:
    with pytest.raises(OptionError, match=r"^--heartbeat-message: has no effect without"):
        build_options({"heartbeat-message": "hello"})
    # The defaults, as a header records them, are fine.
    build_options({"heartbeat": "off", "heartbeat-timeout": "10s", "heartbeat-message": "ping"})


def test_heartbeat_message_must_be_short_text() -> None:
    longest = "x" * 53  # 55 with its quotes
    assert build_options({"heartbeat": "1s", "heartbeat-message": longest})
    with pytest.raises(OptionError, match=r"^--heartbeat-message: expected at most 55 char"):
        build_options({"heartbeat": "1s", "heartbeat-message": longest + "x"})
    with pytest.raises(OptionError, match=r"^--heartbeat-message: expected at most 55 char"):
        build_options({"heartbeat": "1s", "heartbeat-message": "é" * 10})  # \u00e9 each
    with pytest.raises(OptionError, match=r"^--heartbeat-message: expected a non-empty text"):
        build_options({"heartbeat": "1s", "heartbeat-message": 5})


TRICKY_TEXTS = [
    "ping",
    '{"type":"ping"}',
    "it's",
    '"\'"',
    "'\"'",
    '\\"',
    "\\'",
    "back\\slash",
    "</script><!--",
    "a&b",
    "line\nbreak\ttab\r\u0000",
    "\u2028\u2029",
    "é😀",
    "${not a template}`",
]


def test_string_literals_read_back_as_the_same_text(node: str) -> None:
    program = "console.log(JSON.stringify([" + ",".join(map(js_string, TRICKY_TEXTS)) + "]));"
    result = subprocess.run(
        [node, "-e", program], capture_output=True, text=True, timeout=30, check=True
    )
    assert json.loads(result.stdout) == TRICKY_TEXTS


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_string_literals_are_one_line_and_html_safe(text: str) -> None:
    literal = js_string(text)
    assert "\n" not in literal and "\r" not in literal and "\u2028" not in literal
    assert not re.search("[<>&]", literal)
    assert literal[0] == literal[-1] and literal[0] in "\"'"


@pytest.mark.parametrize(("raw", "expected"), [("on", True), ("off", False), ("No", False)])
def test_types_reads_the_words_every_switch_reads(raw: str, expected: bool) -> None:
    """docs/cli.md: a config gives a switch as true/false or "on"/"off"; --types/--no-types is
    a switch like the others, though it picks files rather than code."""
    assert build_options({"types": raw}).types is expected


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        # the quote that needs fewer escapes, double on a tie, as Prettier writes it
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
        ("\"'", '"\\"\'"'),
        ('"it\'s"', "'\"it\\'s\"'"),
        ('back\\"slash""', '\'back\\\\"slash""\''),
    ],
)
def test_string_literals_take_the_quote_prettier_would(text: str, literal: str) -> None:
    assert js_string(text) == literal
