"""The reconnect logic on a virtual clock (tests/logic/run.mjs): the generated module runs against
a fake WebSocket with fake timers and a seeded Math.random, so every delay, window and order is
asserted exactly, and nothing depends on how loaded the machine is.

Each draw of Math.random is recorded, so the expected delay is computed from the same draw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.logic import Run, run_scenario

OPEN = 5  # the fake handshake's length, ms


@pytest.fixture
def module(render_to: RenderTo) -> Any:
    def render(**flags: object) -> Path:
        return render_to(name="reconnecting-socket.mjs", format="esm", **flags)

    return render


def closes(*codes: int, after: int = 100, reason: str = "") -> list[dict[str, Any]]:
    """Attempts that open, then are closed by the server with each code in turn; the last
    attempt opens and stays open."""
    return [{"open": OPEN, "close": [after, code, reason]} for code in codes] + [{"open": OPEN}]


def gaps(run: Run) -> list[float]:
    """For every reconnect: from the close that caused it to the next attempt, in ms."""
    closed = [event["t"] for event in run.of("reconnecting")]
    attempts = run.times("attempt")[1:]
    return [attempt - close for close, attempt in zip(closed, attempts, strict=False)]


# -- 1012: a random delay in the restart window, drawn per attempt -------------------------------


def test_1012_delay_is_drawn_afresh_for_every_attempt_inside_the_window(module: Any) -> None:
    run = run_scenario(
        module(restart_delay="1s-5s"), attempts=closes(1012, 1012, 1012, 1012), until=60_000
    )
    reconnecting = run.of("reconnecting")
    assert [event["attempt"] for event in reconnecting] == [1, 2, 3, 4]
    assert len(run.draws) == 4, "one draw per attempt"
    expected = [round(1000 + draw * 4000) for draw in run.draws]
    assert [event["delay"] for event in reconnecting] == expected
    assert len(set(expected)) == 4, "the seed gives four different draws"
    assert all(1000 <= delay <= 5000 for delay in expected)
    assert gaps(run) == expected, "each attempt goes exactly when its delay says"


def test_1012_draws_spread_over_the_whole_window(module: Any) -> None:
    run = run_scenario(module(restart_delay="2s-3s"), attempts=closes(*[1012] * 12), until=100_000)
    delays = [event["delay"] for event in run.of("reconnecting")]
    assert delays == [round(2000 + draw * 1000) for draw in run.draws]
    assert min(delays) < 2300 and max(delays) > 2700, delays


# -- backoff with full jitter --------------------------------------------------------------------


def test_backoff_ceilings_grow_by_the_factor_and_each_delay_is_a_draw_below(module: Any) -> None:
    flags = {"backoff_initial": "100ms", "backoff_factor": "3", "backoff_max": "5s"}
    run = run_scenario(module(**flags), attempts=[{"refuse": 1}] * 7 + [{"open": OPEN}])
    reconnecting = run.of("reconnecting")
    assert [event["code"] for event in reconnecting] == [1006] * 7
    ceilings = [min(5000, 100 * 3**attempt) for attempt in range(7)]
    assert ceilings == [100, 300, 900, 2700, 5000, 5000, 5000]
    expected = [round(draw * ceiling) for draw, ceiling in zip(run.draws, ceilings, strict=True)]
    assert [event["delay"] for event in reconnecting] == expected
    assert gaps(run) == expected


def test_a_stable_connection_resets_the_backoff_and_a_short_one_does_not(module: Any) -> None:
    flags = {"backoff_initial": "1s", "backoff_max": "60s", "stable_after": "5s"}
    attempts = [
        {"refuse": 1},
        {"refuse": 1},
        {"open": OPEN, "drop": 4999},  # open just short of stable: the count goes on
        {"open": OPEN, "drop": 5000},  # stable: the next retry is the first again
        {"open": OPEN},
    ]
    run = run_scenario(module(**flags), attempts=attempts, until=600_000)
    reconnecting = run.of("reconnecting")
    assert [event["attempt"] for event in reconnecting] == [1, 2, 3, 1]
    ceilings = [1000, 2000, 4000, 1000]
    expected = [round(draw * ceiling) for draw, ceiling in zip(run.draws, ceilings, strict=True)]
    assert [event["delay"] for event in reconnecting] == expected


def test_max_retries_gives_up_after_exactly_that_many_attempts(module: Any) -> None:
    run = run_scenario(
        module(max_retries="3", backoff_initial="100ms"), attempts=[{"refuse": 1}], until=60_000
    )
    assert [event["attempt"] for event in run.of("reconnecting")] == [1, 2, 3]
    assert len(run.of("attempt")) == 4
    [close] = run.of("close")
    assert (close["code"], close["wasClean"], close["readyState"]) == (1006, False, 3)
    assert run.timers == 0


def test_max_retries_unlimited_never_gives_up(module: Any) -> None:
    # options.md: --max-retries N "or 'unlimited'", given as the word, not left to the default.
    run = run_scenario(
        module(max_retries="unlimited", backoff_initial="100ms", backoff_max="100ms"),
        attempts=[{"refuse": 1}],
        until=20_000,
    )
    assert len(run.of("reconnecting")) > 100
    assert run.of("close") == []


# -- codes that stop, and the 1013 floor ---------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "done for today"])
def test_1000_never_reconnects_with_or_without_a_reason(module: Any, reason: str) -> None:
    run = run_scenario(module(), attempts=closes(1000, reason=reason), until=120_000)
    assert run.of("reconnecting") == []
    assert len(run.of("attempt")) == 1
    [close] = run.of("close")
    assert (close["code"], close["reason"], close["t"]) == (1000, reason, OPEN + 100)
    assert run.timers == 0


def test_1008_stops_for_good(module: Any) -> None:
    run = run_scenario(module(), attempts=closes(1008, reason="policy"), until=120_000)
    assert run.of("reconnecting") == []
    assert [(event["code"], event["reason"]) for event in run.of("close")] == [(1008, "policy")]


@pytest.mark.parametrize("code", [4401, 4403, 4499])
def test_stop_on_codes_and_ranges_stop_to_their_last_code(module: Any, code: int) -> None:
    run = run_scenario(module(stop_on="4401,4403-4499"), attempts=closes(code), until=60_000)
    assert run.of("reconnecting") == []
    assert [event["code"] for event in run.of("close")] == [code]


def test_retry_on_1000_reconnects_with_backoff(module: Any) -> None:
    run = run_scenario(module(retry_on="1000", backoff_initial="1s"), attempts=closes(1000))
    [event] = run.of("reconnecting")
    assert event["delay"] == round(run.draws[0] * 1000)


def test_1013_backs_off_but_never_sooner_than_the_restart_window_end(module: Any) -> None:
    flags = {"restart_delay": "1s-5s", "backoff_initial": "1s", "backoff_max": "60s"}
    run = run_scenario(module(**flags), attempts=closes(*[1013] * 6), until=600_000)
    ceilings = [min(60_000, 1000 * 2**attempt) for attempt in range(6)]
    drawn = [round(draw * ceiling) for draw, ceiling in zip(run.draws, ceilings, strict=True)]
    expected = [max(5000, delay) for delay in drawn]
    delays = [event["delay"] for event in run.of("reconnecting")]
    assert delays == expected
    assert min(drawn) < 5000 < max(drawn), "the seed exercises both sides of the floor"
    assert gaps(run) == expected


# -- the send queue ------------------------------------------------------------------------------


def test_messages_queued_while_away_go_out_first_in_order_and_one_over_the_limit_throws(
    module: Any,
) -> None:
    actions = [{"at": 200 + i, "do": "send", "data": data} for i, data in enumerate("abcd")]
    run = run_scenario(
        module(queue_limit="3", restart_delay="1s-2s"),
        attempts=closes(1012),
        actions=[{"at": 50, "do": "send", "data": "live"}, *actions],
        until=10_000,
    )
    assert [(event["n"], event["data"]) for event in run.of("sent")] == [
        (1, "live"),
        (2, "a"),
        (2, "b"),
        (2, "c"),
    ]
    assert [(event["data"], event["name"]) for event in run.of("sendError")] == [
        ("d", "QuotaExceededError")
    ]
    [opened] = [event for event in run.of("opened") if event["n"] == 2]
    [first_sent] = [event for event in run.of("sent") if event["n"] == 2][:1]
    assert first_sent["t"] == opened["t"], "the queue leaves as the socket opens"


# -- close(), timeouts and the heartbeat ---------------------------------------------------------


def test_close_during_the_delay_cancels_the_retry_and_leaves_no_timer(module: Any) -> None:
    run = run_scenario(
        module(restart_delay="1s-5s"),
        attempts=closes(1012),
        actions=[{"at": 500, "do": "close", "code": 1000, "reason": "user left"}],
        until=120_000,
    )
    assert len(run.of("attempt")) == 1
    # Closed between attempts, that is while CONNECTING: the attempt fails as a WebSocket's
    # does, "error" then "close" 1006, not clean (issue 13).
    [close] = run.of("close")
    assert (close["code"], close["reason"], close["wasClean"], close["t"]) == (1006, "", False, 500)
    assert run.times("error") == [500]
    assert run.timers == 0
    assert run.ready_state == 3


def test_a_handshake_that_never_completes_is_abandoned_at_the_connect_timeout(
    module: Any,
) -> None:
    run = run_scenario(
        module(connect_timeout="2s", backoff_initial="100ms"),
        attempts=[{"hang": True}, {"open": OPEN}],
        until=60_000,
    )
    [reconnecting] = run.of("reconnecting")
    assert (reconnecting["t"], reconnecting["code"], reconnecting["reason"]) == (
        2000,
        1006,
        "connect timeout",
    )
    assert [event["n"] for event in run.of("terminate")] == [1]
    assert run.times("attempt")[1] == 2000 + reconnecting["delay"]


def test_an_open_connection_outlives_the_connect_timeout(module: Any) -> None:
    run = run_scenario(module(connect_timeout="2s"), attempts=[{"open": OPEN}], until=60_000)
    assert run.of("reconnecting") == []
    assert len(run.of("attempt")) == 1
    assert run.timers == 0, "nothing is pending on a quiet open connection"


def test_heartbeat_pings_after_the_interval_and_gives_up_after_the_timeout(module: Any) -> None:
    flags = {"heartbeat": "1s", "heartbeat_timeout": "500ms", "heartbeat_message": "hb"}
    run = run_scenario(
        module(**flags),
        attempts=[{"open": OPEN}],
        actions=[{"at": 800, "do": "message", "data": "news"}],
        until=2600,
    )
    # Opened at 5, a message at 800 restarts the wait: ping at 1800, nothing back by 2300.
    assert [(event["t"], event["data"]) for event in run.of("sent")] == [(1800, "hb")]
    [reconnecting] = run.of("reconnecting")
    assert (reconnecting["t"], reconnecting["reason"]) == (2300, "heartbeat timeout")


def test_an_answer_to_the_heartbeat_keeps_the_connection(module: Any) -> None:
    flags = {"heartbeat": "1s", "heartbeat_timeout": "500ms"}
    run = run_scenario(
        module(**flags),
        attempts=[{"open": OPEN}],
        actions=[{"at": 1400, "do": "message", "data": "pong"}],
        until=2700,
    )
    assert run.times("sent") == [1005, 2400]
    assert run.of("reconnecting") == []


# -- the server's retry-after hint ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "base"),
    [
        ("retry-after=7", 7000),
        ("busy; retry-after=2.5", 5000),  # never sooner than 1013's own floor, the window's end
        ("Retry-After=3", 5000),
        ("retry-after=900", 26_000),  # at most backoff-max less the window's width
    ],
)
def test_a_retry_after_hint_is_a_floor_spread_over_the_window(
    module: Any, reason: str, base: int
) -> None:
    run = run_scenario(module(), attempts=closes(1013, reason=reason), until=1_000_000)
    [event] = run.of("reconnecting")
    # Spread over the restart window's width (1-5 s: 4 s), so a fleet told one hint spreads.
    delay = round(base + run.draws[0] * 4000)
    assert (event["delay"], event["fromServer"]) == (delay, True)
    assert gaps(run) == [delay]


def test_text_that_only_looks_like_a_hint_is_not_one(module: Any) -> None:
    run = run_scenario(
        module(restart_delay="1s-5s"), attempts=closes(1012, reason="xretry-after=9"), until=20_000
    )
    [event] = run.of("reconnecting")
    assert event["fromServer"] is False
    assert event["delay"] == round(1000 + run.draws[0] * 4000)


# -- waking a waiting retry (network-aware, browser globals faked) -------------------------------


def wake_run(module: Any, actions: list[dict[str, Any]], **globals_: Any) -> Run:
    """A 4000 at 105 backs off below a 20 s ceiling unless something wakes it: a wake may cut a
    backoff, never a wait the server asked for (tests/logic/test_restart_policy.py)."""
    return run_scenario(
        module(backoff_initial="20s", backoff_max="20s"),
        attempts=closes(4000),
        globals={"online": True, "hidden": False, **globals_},
        actions=actions,
        until=100_000,
    )


def test_online_wakes_a_waiting_retry_at_once(module: Any) -> None:
    run = wake_run(module, [{"at": 3000, "do": "online"}])
    assert 105 + run.draws[0] * 20_000 > 3000, "the seeded draw waits past the wake"
    assert run.times("attempt") == [0, 3000]
    assert run.timers == 0


def test_the_page_shown_again_wakes_a_waiting_retry_but_hiding_it_does_not(module: Any) -> None:
    run = wake_run(module, [{"at": 2000, "do": "hide"}, {"at": 3000, "do": "show"}])
    assert 105 + run.draws[0] * 20_000 > 3000, "the seeded draw waits past the wake"
    assert run.times("attempt") == [0, 3000]


def test_a_wake_while_an_attempt_is_connecting_does_nothing(module: Any) -> None:
    # A second attempt beside one still in its handshake would be a double connection.
    run = run_scenario(
        module(connect_timeout="10s"),
        attempts=[{"hang": True}],
        globals={"online": True, "hidden": False},
        actions=[{"at": 50, "do": "online"}, {"at": 60, "do": "show"}],
        until=5000,
    )
    assert run.times("attempt") == [0]
    assert run.of("reconnecting") == []


def test_a_wake_while_connected_does_nothing(module: Any) -> None:
    run = wake_run(module, [{"at": 50, "do": "online"}, {"at": 60, "do": "show"}])
    [reconnecting] = run.of("reconnecting")
    assert run.times("attempt") == [0, 105 + reconnecting["delay"]]


def test_a_retry_due_while_offline_waits_for_online_without_spending_an_attempt(
    module: Any,
) -> None:
    run = wake_run(module, [{"at": 1000, "do": "offline"}, {"at": 30_000, "do": "online"}])
    [reconnecting] = run.of("reconnecting")
    due = 105 + reconnecting["delay"]
    assert due < 30_000 < due + 20_000
    assert run.times("attempt") == [0, 30_000]


def test_offline_for_long_retries_after_backoff_max_anyway(module: Any) -> None:
    run = wake_run(module, [{"at": 1000, "do": "offline"}])
    [reconnecting] = run.of("reconnecting")
    assert run.times("attempt") == [0, 105 + reconnecting["delay"] + 20_000]


def test_no_wake_listener_is_left_after_the_final_close(module: Any) -> None:
    run = wake_run(
        module,
        [{"at": 1000, "do": "close"}, {"at": 2000, "do": "online"}, {"at": 2100, "do": "show"}],
    )
    assert run.times("attempt") == [0]
    assert run.timers == 0
    assert run.listeners == 0, "the window keeps no listener of a finished socket"
