"""`wsgen codes --json` says what the generated module does, for every close code 1000-4999,
under the same options (a property over option sets).

For each code, a connection that opened is closed by the server with it, once with Math.random
at 0 and once at its largest, all codes in one request to one Node process
(tests/logic/batch.mjs, `decide`). What the JSON says must be what happens:
- stop: the final close, with that code;
- restart: a reconnect inside the restart window, drawn over all of it;
- retry: a backoff below the first ceiling (--backoff-initial), drawn from 0;
- retry-later: a backoff never sooner than the restart window's end.

CI runs a fixed set of examples; WSGEN_MODEL_EXAMPLES=200 searches deeper.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from generator.codes import CLOSE_CODES, FIRST_CODE, LAST_CODE
from generator.options import build_options
from generator.parsing import format_codes
from tests.support.batch import LogicBatch
from tests.support.cli import wsgen

pytestmark = pytest.mark.logic

EXAMPLES = int(os.environ.get("WSGEN_MODEL_EXAMPLES", "0"))
EVERY_CODE = list(range(FIRST_CODE, LAST_CODE + 1))
ALMOST_ONE = 0.999999  # Math.random's largest draws: the end of every window

TABLE_CODES = [code for row in CLOSE_CODES if not row.is_range for code in [row.code]]


@st.composite
def code_sets(draw: st.DrawFn) -> frozenset[int]:
    """Codes as users list them: table codes, and ranges anywhere, unassigned ones included."""
    codes = set(draw(st.lists(st.sampled_from(TABLE_CODES), max_size=4)))
    for _ in range(draw(st.integers(0, 2))):
        first = draw(st.integers(FIRST_CODE, LAST_CODE))
        codes.update(range(first, min(LAST_CODE, first + draw(st.integers(0, 120))) + 1))
    return frozenset(codes)


@st.composite
def code_flags(draw: st.DrawFn) -> dict[str, str]:
    """--stop-on, --retry-on and --restart-on (never overlapping: the flags refuse that), with
    the restart window and the backoff at the edges of their domains."""
    stop, retry, restart = draw(code_sets()), draw(code_sets()), draw(code_sets())
    retry -= stop
    restart -= stop | retry
    low = draw(st.sampled_from((0, 1, 300, 1000)))
    high = low + draw(st.sampled_from((0, 1, 700, 4000)))
    initial = draw(st.sampled_from((1, 50, 1000, 6000)))
    flags = {
        "restart-delay": f"{low}ms-{high}ms",
        "backoff-initial": f"{initial}ms",
        "backoff-max": f"{initial + draw(st.sampled_from((0, 1, 30_000)))}ms",
        "backoff-factor": str(draw(st.sampled_from((1, 2, 100)))),
    }
    for flag, codes in (("stop-on", stop), ("retry-on", retry), ("restart-on", restart)):
        if codes:
            flags[flag] = format_codes(codes)
    return flags


def said(entries: list[dict[str, Any]], code: int) -> str:
    """The action the JSON gives `code`: the narrowest entry that covers it (4401 inside
    4000-4999); a code no entry covers retries (docs/close-codes.md)."""
    covering = [entry for entry in entries if entry["code"] <= code <= entry["last"]]
    if not covering:
        return "retry"
    narrowest = min(covering, key=lambda entry: entry["last"] - entry["code"])
    return str(narrowest["action"])


@settings(
    max_examples=EXAMPLES or 4,
    derandomize=not EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(flags=code_flags())
def test_codes_json_says_what_the_module_does_on_every_code(
    batch: LogicBatch, flags: dict[str, str]
) -> None:
    arguments = [part for flag, value in flags.items() for part in (f"--{flag}", value)]
    result = wsgen("codes", "--json", *arguments)
    assert result.exit_code == 0, result.stderr
    [target] = json.loads(result.stdout)["targets"]
    options = build_options(flags)
    note(f"wsgen codes --json {' '.join(arguments)}")
    module = batch.module(options)
    soonest = batch.decide(module, EVERY_CODE, 0.0, {})
    latest = batch.decide(module, EVERY_CODE, ALMOST_ONE, {})
    low, high = options.restart_delay
    first_ceiling = min(options.backoff_max, options.backoff_initial)
    # What each action looks like at the two ends of Math.random.
    looks = {
        "stop": (("close", None), ("close", None)),
        "restart": (
            ("reconnecting", low),
            ("reconnecting", round(low + ALMOST_ONE * (high - low))),
        ),
        "retry": (("reconnecting", 0), ("reconnecting", round(ALMOST_ONE * first_ceiling))),
        "retry-later": (
            ("reconnecting", high),
            ("reconnecting", round(max(high, ALMOST_ONE * first_ceiling))),
        ),
    }
    wrong = [
        (code, action, soonest[code], latest[code])
        for code in EVERY_CODE
        for action in [said(target["codes"], code)]
        if (soonest[code], latest[code]) != looks[action]
    ]
    assert not wrong, f"{len(wrong)} codes do not do what the JSON says, first: {wrong[:5]}"
