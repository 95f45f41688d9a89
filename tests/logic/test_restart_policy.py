"""Restarts, server hints and wake-ups on a virtual clock with a seeded random (issue 14).

`restart_policy.mjs` runs the generated module against the bench's fake server and virtual
clock (bench/js), so every delay below is the exact number the module chose: no real time
passes and no machine's load can bend a figure.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.fast import FAST

pytestmark = pytest.mark.logic

HARNESS = Path(__file__).with_name("restart_policy.mjs")
ALMOST_ONE = 0.999999  # Math.random's largest draws: the end of every window


def observe(node: str, module: Path, **config: Any) -> dict[str, Any]:
    result = subprocess.run(
        [node, str(HARNESS), str(module), json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    observed: dict[str, Any] = json.loads(result.stdout)
    return observed


# -- a restart stays a restart ------------------------------------------------------------------


def test_refused_attempts_keep_the_window_then_widen_by_backoff(
    render_to: RenderTo, node: str
) -> None:
    # 300-600 ms window, backoff x2 up to 2 s; the port stays closed for 5 s after the 1012.
    got = observe(node, render_to(**FAST), scenario="restart", randoms=[ALMOST_ONE], down=5000)
    [delays] = got["reconnecting"]
    # 300 + max(window width 300, min(2000 - 300, the backoff ceiling 50 ms x 2^(n-1))): the
    # window's own spread until the backoff's ceiling outgrows it (n = 5: 400 ms, 6: 800 ms,
    # 7: 1600 ms), then never past --backoff-max.
    assert [delay for _, delay, _ in delays] == [600, 600, 600, 600, 700, 1100, 1900]
    assert [code for code, _, _ in delays] == [1012] + [1006] * 6
    # Each attempt is refused 5 ms after it starts, until the port opens at 5 s.
    assert got["attempts"] == [[600, 1205, 1810, 2415, 3120, 4225, 6130]]
    assert got["refusals"] == [[605, 1210, 1815, 2420, 3125, 4230]]
    assert got["back"] == 1


def test_never_sooner_than_the_window_minimum_after_a_refusal(
    render_to: RenderTo, node: str
) -> None:
    got = observe(node, render_to(**FAST), scenario="restart", randoms=[0], down=2000)
    [attempts], [refusals] = got["attempts"], got["refusals"]
    assert attempts[0] == 300
    # Every retry after a refusal waits the window's minimum, 300 ms, and no less.
    assert [after - refused for refused, after in zip(refusals, attempts[1:], strict=True)] == [
        300
    ] * 6
    assert got["back"] == 1


def test_a_fleet_on_a_closed_port(render_to: RenderTo, node: str) -> None:
    """Issue 14's measurement, simulated: 200 clients, --restart-delay 500ms-2s, the port
    closed for 2 s. Before the fix: 266 attempts on the closed port, the last back at 9.6 s."""
    module = render_to(restart_delay="500ms-2s", backoff_initial="1s", backoff_max="30s")
    got = observe(node, module, scenario="restart", clients=200, seed=14, down=2000)
    assert got["back"] == 200
    on_closed_port = sum(len(refused) for refused in got["refusals"])
    last_back = max(attempts[-1] for attempts in got["attempts"])
    for attempts, refusals in zip(got["attempts"], got["refusals"], strict=True):
        assert 500 <= attempts[0] <= 2000
        gaps = [after - refused for refused, after in zip(refusals, attempts[1:], strict=True)]
        assert all(gap >= 500 for gap in gaps), gaps
        assert len(refusals) <= 3
    # The seeded fleet's exact figures: about 1.2 refused attempts per client, all back 4.1 s
    # after the close (ideal: the 2 s outage plus the 1.5 s window's width, 3.5 s).
    assert (on_closed_port, last_back) == (244, 4107)


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ({}, 1012),
        ({}, 1011),  # hypercorn's shutdown
        ({}, 1001),  # websockets' and aiohttp's shutdown
        ({"restart_on": "4500"}, 4500),
    ],
)
def test_every_restart_code_keeps_its_window_after_refusals(
    render_to: RenderTo, node: str, flags: dict[str, str], code: int
) -> None:
    module = render_to(**FAST, **flags)
    got = observe(node, module, scenario="restart", randoms=[0], down=1000, code=code)
    assert [delay for _, delay, _ in got["reconnecting"][0]] == [300, 300, 300, 300]
    assert got["attempts"] == [[300, 605, 910, 1215]]


def test_without_restart_on_an_application_code_backs_off(render_to: RenderTo, node: str) -> None:
    got = observe(node, render_to(**FAST), scenario="restart", randoms=[0.5], down=100, code=4500)
    # Full jitter below 50 ms, 100 ms, ...: no window, no floor.
    assert [delay for _, delay, _ in got["reconnecting"][0]][:3] == [25, 50, 100]


def test_a_try_again_later_stays_later_after_refusals(render_to: RenderTo, node: str) -> None:
    got = observe(node, render_to(**FAST), scenario="restart", randoms=[0], down=1000, code=1013)
    # 1013 never comes back sooner than the window's end (600 ms), refused attempts neither.
    assert [delay for _, delay, _ in got["reconnecting"][0]] == [600, 600]


def test_the_first_open_ends_the_restart(render_to: RenderTo, node: str) -> None:
    got = observe(
        node,
        render_to(**FAST),
        scenario="restart",
        randoms=[0.5],
        down=1000,
        dropAfterOpen=20_000,
    )
    [delays] = got["reconnecting"]
    assert delays[:3] == [[1012, 450, False], [1006, 450, False], [1006, 450, False]]
    # A drop 20 s later (the connection stable) is a plain backoff again: 0.5 x 50 ms.
    assert delays[-1] == [1006, 25, False]


def test_the_first_refusal_keeps_the_window_even_below_the_backoff(
    render_to: RenderTo, node: str
) -> None:
    # A 300 ms window under a 1 s first backoff: the close and the first refusal keep the
    # window (300 + 300); from the second refusal the backoff's ceiling, 1 s x 2^(n-1), rules.
    module = render_to(**{**FAST, "backoff_initial": "1s", "backoff_max": "10s"})
    got = observe(node, module, scenario="restart", randoms=[ALMOST_ONE], down=2000)
    assert [delay for _, delay, _ in got["reconnecting"][0]] == [600, 600, 2300]


def test_every_open_resets_the_widening(render_to: RenderTo, node: str) -> None:
    # Restarts in a row (a rolling deploy), each on a connection that did open: always the
    # plain window, however short-lived the connections.
    got = observe(
        node, render_to(**FAST), scenario="restartEveryOpen", randoms=[ALMOST_ONE], horizon=6000
    )
    assert got["delays"] == [600] * 10


# -- server hints: floors, spread, bounds -------------------------------------------------------

# FAST: window 300-600 ms (width 300), --backoff-max 2 s. A hint is clamped to [the code's
# floor, 2 s - 300 ms] and spread over [hint, hint + 300]. The floor: 300 ms for a restart code,
# 600 ms for 1013 (the window's end), 0 for a code that backs off.
HINTS = [
    # code, reason, Math.random, delay, taken as a hint
    (1012, "retry-after=0", 0, 300, True),
    (1012, "retry-after=0", ALMOST_ONE, 600, True),
    (1012, "retry-after=0.0001", 0, 300, True),
    (1012, "retry-after=1", 0.5, 1150, True),
    (1013, "retry-after=0", 0, 600, True),
    (1013, "Retry-After=0.2; overloaded", 0, 600, True),
    (4000, "retry-after=0", 0, 0, True),
    (4000, "retry-after=0", ALMOST_ONE, 300, True),
    (4000, "shedding load, retry-after=1", 0, 1000, True),
    (1012, "retry-after=99999999999", ALMOST_ONE, 2000, True),  # capped: backoffMax at most
    (1012, "retry-after=" + "9" * 400, 0, 1700, True),  # Infinity once parsed: capped
    # Not a decimal number of seconds: no hint, the code's own delay.
    (1012, "retry-after=-5", 0, 300, False),
    (1012, "retry-after=NaN", 0, 300, False),
    (1012, "retry-after=1e309", 0, 300, False),
    (1012, "retry-after=1e3", 0, 300, False),
    (1012, "retry-after=0x10", 0, 300, False),
    (1012, "retry-after=", 0, 300, False),
    (4000, "retry-after=soon", ALMOST_ONE, 50, False),
    (4000, "xretry-after=1", ALMOST_ONE, 50, False),
]


@pytest.mark.parametrize(
    ("code", "reason", "random", "delay", "hinted"),
    HINTS,
    ids=[f"{code}-{reason[:24]}-{random}" for code, reason, random, _, _ in HINTS],
)
def test_a_hint_is_a_floor_spread_and_bounded(
    render_to: RenderTo,
    node: str,
    code: int,
    reason: str,
    random: float,
    delay: int,
    hinted: bool,
) -> None:
    got = observe(
        node,
        render_to(**FAST),
        scenario="restart",
        randoms=[random],
        code=code,
        reason=reason,
        horizon=5000,
    )
    assert got["reconnecting"][0][0] == [code, delay, hinted]


def test_a_hint_to_a_whole_fleet_spreads_it(render_to: RenderTo, node: str) -> None:
    # Default window 1-5 s; every client is told "retry-after=5".
    got = observe(
        node,
        render_to(),
        scenario="restart",
        clients=10_000,
        seed=14,
        code=1012,
        reason="retry-after=5",
        horizon=12_000,
    )
    firsts = [attempts[0] for attempts in got["attempts"]]
    assert min(firsts) >= 5000 and max(firsts) <= 9000
    buckets = [0] * 40
    for ms in firsts:
        buckets[min(39, (ms - 5000) // 100)] += 1
    uniform = 10_000 * 100 / 4000
    assert max(buckets) / uniform <= 1.25, max(buckets)


# -- wake-ups cut a backoff, never a wait the server asked for ----------------------------------

LONG = {**FAST, "restart_delay": "20s-30s", "backoff_initial": "20s", "backoff_max": "40s"}


@pytest.mark.parametrize("wake", ["online", "visibilitychange"])
@pytest.mark.parametrize(
    ("code", "reason", "down", "earliest"),
    [
        (1012, "", 0, 20_000),  # the restart window's minimum
        (1012, "", 20_010, 40_005),  # ...also after a refused attempt
        (1013, "", 0, 30_000),  # try again later: never before the window's end
        (4000, "retry-after=25", 0, 25_000),  # a hint
    ],
)
def test_a_wake_up_never_cuts_a_server_requested_wait(
    render_to: RenderTo, node: str, wake: str, code: int, reason: str, down: int, earliest: int
) -> None:
    got = observe(
        node,
        render_to(**LONG),
        scenario="wakeDuringWait",
        randoms=[0],
        code=code,
        reason=reason,
        down=down,
        wakeType=wake,
        wakeAt=[1000, 20_500, 21_000],
    )
    assert got["attempts"][-1] == earliest


@pytest.mark.parametrize("wake", ["online", "visibilitychange"])
def test_a_wake_up_cuts_a_backoff_after_a_drop(render_to: RenderTo, node: str, wake: str) -> None:
    got = observe(
        node,
        render_to(**LONG),
        scenario="wakeDuringWait",
        randoms=[0.5],
        code=4000,
        wakeType=wake,
        wakeAt=[1000],
    )
    # The backoff would have waited 10 s (0.5 x 20 s); the wake-up goes at once.
    assert got["delays"] == [10_000]
    assert got["attempts"] == [1000]


# -- close() ends the heartbeat for good --------------------------------------------------------


# close() without a code sends none, which a WebSocket reports as 1005 (issue 13).
@pytest.mark.parametrize(
    ("close_args", "reported"), [([], [1005, ""]), ([4001, "bye"], [4001, "bye"])]
)
def test_close_ends_the_heartbeat_and_reports_the_apps_close(
    render_to: RenderTo, node: str, close_args: list[Any], reported: list[Any]
) -> None:
    module = render_to(**FAST, heartbeat="200ms", heartbeat_timeout="500ms")
    got = observe(
        node,
        module,
        scenario="closeWhileServerTalks",
        options={},
        closeAt=249,
        closeArgs=close_args,
        talkUntil=1500,
    )
    # The peer talks until 1.5 s and never answers the close; before issue 14 the heartbeat
    # restarted on its messages and ended everything at ~2.2 s as 1006 "heartbeat timeout".
    assert [data for at, data in got["sent"] if at > 249] == []
    assert got["closes"] == [[30_249, *reported]]
    assert (got["reconnects"], got["attempts"]) == ([], 1)


def test_a_message_after_close_does_not_restart_an_unanswered_heartbeat(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST, heartbeat="200ms", heartbeat_timeout="500ms")
    got = observe(
        node,
        module,
        scenario="closeWhileServerTalks",
        options={},
        closeAt=249,
        closeArgs=[4001, "bye"],
        talkFrom=301,
        talkUntil=1500,
    )
    # The peer is silent until after the close: the heartbeat went at about 200 ms and is still
    # unanswered when the app closes. The peer's first message after the close must not start
    # the heartbeat again (reliability.md, close()): nothing more is sent, no heartbeat timeout.
    assert [data for at, data in got["sent"] if at <= 249] == ["ping"]
    assert [data for at, data in got["sent"] if at > 249] == []
    assert got["closes"] == [[30_249, 4001, "bye"]]
    assert (got["reconnects"], got["attempts"]) == ([], 1)
