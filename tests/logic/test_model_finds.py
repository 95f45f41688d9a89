"""The disagreements the model of the docs found, and stories a surviving mutant showed no drawn
example told, kept as fixed stories so that every run checks them whatever examples the
properties draw (tests/logic/test_model.py)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.options import build_options
from tests.logic.model import Hook, first_difference, observed, predict, settings_of
from tests.logic.scenarios import Case
from tests.support.batch import LogicBatch

pytestmark = pytest.mark.logic

FINDS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # A WebSocket closed while connecting fires "error" then "close", both seeing readyState
    # CLOSED (Chromium does); the module fired "error" while still CLOSING.
    "close() while connecting: error sees CLOSED": (
        {},
        {"attempts": [{"hang": True}], "actions": [{"at": 10, "do": "close"}]},
    ),
    # A wake-up (online, a page shown) cuts a pending backoff, never an attempt under way; while
    # a URL function was answering, the module called it again and dropped the first attempt.
    "a wake-up leaves a URL function answering": (
        {},
        {
            "url": {"provider": [{"ms": 99}]},
            "globals": {"online": False, "hidden": True},
            "actions": [{"at": 2, "do": "online"}, {"at": 4, "do": "show"}],
        },
    ),
    # The final close reports the peer's answer to close(), as a WebSocket does (the docs said
    # the app's own code; they now say what a WebSocket does).
    "close(): the peer's answer is reported": (
        {},
        {
            "attempts": [{"open": 1, "answer": [1000, "ok"]}],
            "actions": [{"at": 2, "do": "close", "code": 4000, "reason": "bye"}],
        },
    ),
    # A constructor that throws on a retry fails that attempt; a mutant that let the error
    # escape the retry's timer (no reconnect ever again) survived every drawn story.
    "a constructor that throws on a retry": (
        {"restart-delay": "100ms-200ms"},
        {"attempts": [{"open": 1, "close": [10, 1012]}, {"throws": True}, {"open": 3}]},
    ),
    # shouldReconnect's delay turns a stop code into a reconnect; an attempt refused after it
    # is a failed attempt that backs off, not the stop coming back. A mutant that remembered
    # the stop as the server's wait survived every drawn story.
    "the hook reconnects on a stop code, then a refusal backs off": (
        {},
        {
            "hook": {"kind": "codes", "codes": {1000: 100}},
            "attempts": [{"open": 1, "close": [10, 1000]}, {"refuse": 3}, {"open": 3}],
        },
    ),
    # A delay the hook chose is a backoff that a wake-up cuts short (reliability.md, Wake-ups);
    # it wins over the server's hint, so the reconnecting event is not fromServer.
    "a wake-up cuts the hook's delay short": (
        {},
        {
            "hook": {"kind": "codes", "codes": {4000: 5000}},
            "globals": {"online": True, "hidden": True},
            "attempts": [{"open": 1, "close": [10, 4000]}, {"open": 3}],
            "actions": [{"at": 200, "do": "show"}],
        },
    ),
    # A restart's wait is the server's, which no wake-up cuts; once it is over and finds the
    # browser offline, the wait is the network's, and "online" ends it (reliability.md).
    "online ends a restart's retry that found the browser offline": (
        {"restart-delay": "100ms-200ms"},
        {
            "globals": {"online": True, "hidden": False},
            "attempts": [{"open": 1, "close": [10, 1012]}, {"open": 3}],
            "actions": [{"at": 50, "do": "offline"}, {"at": 1000, "do": "online"}],
        },
    ),
    "the hook's delay wins over a hint": (
        {},
        {
            "hook": {"kind": "codes", "codes": {4000: 100}},
            "attempts": [{"open": 1, "close": [10, 4000, "retry-after=2"]}, {"open": 3}],
        },
    ),
}


@pytest.mark.parametrize("find", FINDS)
def test_a_find_of_the_model_stays_fixed(batch: LogicBatch, find: str) -> None:
    flags, story = FINDS[find]
    hook = Hook(**story["hook"]) if "hook" in story else None
    story = {key: value for key, value in story.items() if key != "hook"}
    case = Case(build_options(flags), {}, hook, {"seed": 1, "until": 30_000, **story})
    settings = settings_of(case.options, case.runtime, case.hook)
    scenario = case.harness_scenario(settings.heartbeat_message)
    run = batch.run(batch.module(case.options), scenario)
    difference = first_difference(predict(settings, scenario), observed(run.log))
    assert difference is None, difference
