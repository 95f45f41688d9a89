"""The soak's checker, on records made by hand: it must catch each breach it claims to, or a
green soak would prove nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.chaos import Attempt, ChaosConnection
from tests.support.soak import ClientRun, SoakReport, check_soak


@dataclass
class Records:
    connections: list[ChaosConnection]
    attempts: list[Attempt] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    down_periods: list[tuple[float, float]] = field(default_factory=list)
    heartbeats: int = 0


def connection(
    socket: int,
    numbers: list[int],
    fate: str,
    last: int | None = None,
    close_sent_at: float | None = None,
) -> ChaosConnection:
    messages: list[str | bytes] = [json.dumps({"n": number}) for number in numbers]
    if last is not None:
        messages.append(json.dumps({"last": last}))
    return ChaosConnection(
        socket,
        opened_at=float(socket),
        messages=messages,
        client="0",
        socket=socket,
        fate=fate,
        final_at=100.0 if fate == "final" else None,
        close_sent_at=close_sent_at,
    )


def run(
    wired: list[int],
    queued: Sequence[int] = (),
    wired_at: Sequence[int] | None = None,
    **extra: Any,
) -> ClientRun:
    """A client's report; `wired_at` (ms, Date.now()) defaults to message n handed over at n s."""
    close = {
        "type": "close",
        "code": 1000,
        "reason": "soak over",
        "stillSending": False,
        "sent": len(wired) - 1,
        "errors": 0,
        "queued": list(queued),
        "refused": [],
        "wired": wired,
        "wiredAt": list(wired_at)
        if wired_at is not None
        else [n * 1000 for n in range(len(wired))],
    }
    events: list[dict[str, Any]] = [{"type": "open"}, *extra.pop("events", []), close]
    return ClientRun("0", events, **extra)


# Messages 1-3 went out on socket 1, which was dropped after delivering 1 and 2;
# 4-5 were queued and went out on socket 2, which the server closed for good.
WIRED = [0, 1, 1, 1, 2, 2]


def check(connections: list[ChaosConnection], client: ClientRun, **options: Any) -> SoakReport:
    return check_soak(Records(connections), [client], **options)


def test_a_clean_run_counts_the_tail_lost_on_a_dropped_connection() -> None:
    report = check(
        [connection(1, [1, 2], "drop"), connection(2, [4, 5], "final", last=5)],
        run(WIRED, queued=[4, 5], exit_code=0, exit_after_close=0.1),
    )
    assert report.violations == []
    assert report.losses == Counter({"sent while open, dropped": 1})
    assert report.counts["delivered"] == 4


@pytest.mark.parametrize(
    ("first", "second", "breach"),
    [
        ([1, 2, 3], [3, 4, 5], "message 3 delivered twice"),
        ([1, 3, 2], [4, 5], "message 2 delivered after 3"),
        ([1, 3], [4, 5], "socket 1 delivered [1, 3], not a prefix of [1, 2, 3]"),
    ],
)
def test_duplicates_reordering_and_gaps_are_breaches(
    first: list[int], second: list[int], breach: str
) -> None:
    report = check(
        [connection(1, first, "drop"), connection(2, second, "final", last=5)], run(WIRED)
    )
    assert any(breach in violation for violation in report.violations), report.violations


def test_a_message_that_never_left_the_queue_is_a_breach() -> None:
    report = check(
        [connection(1, [1, 2, 3], "drop"), connection(2, [5], "final", last=5)],
        run([0, 1, 1, 1, 0, 2]),
    )
    assert report.violations == ["client 0: message 4 never left the module's queue"]


def test_a_loss_handed_over_before_the_servers_close_is_a_breach() -> None:
    # Messages 2 and 3 were handed to socket 1 at 2 s and 3 s; the server sent 1012 at 3.5 s.
    records = [
        connection(1, [1], "restart", close_sent_at=3.5),
        connection(2, [4, 5], "final", last=5, close_sent_at=100.0),
    ]
    report = check(records, run(WIRED))
    assert len(report.violations) == 2
    assert (
        "ended with a close handshake (restart); handed over 1500 ms before"
        in (report.violations[0])
    )


def test_a_loss_handed_over_after_the_servers_close_is_in_flight() -> None:
    # The server sent its Close at 1.9995 s: 2 (handed over at 2 s) and 3 crossed it.
    records = [
        connection(1, [1], "close-1013", close_sent_at=1.9995),
        connection(2, [4, 5], "final", last=5, close_sent_at=100.0),
    ]
    report = check(records, run(WIRED))
    assert report.violations == []
    assert report.losses == Counter({"sent while open, handed over after the server's Close": 2})


def test_the_rule_splits_one_tail_at_the_close() -> None:
    # Closed at 2.5 s: 2 was handed over before (the module's loss), 3 after (in flight).
    records = [
        connection(1, [1], "close-1013", close_sent_at=2.5),
        connection(2, [4, 5], "final", last=5, close_sent_at=100.0),
    ]
    report = check(records, run(WIRED))
    assert [violation.split(",")[0] for violation in report.violations] == [
        "client 0: message 2 (sent while open) lost on socket 1"
    ]
    assert report.losses == Counter({"sent while open, handed over after the server's Close": 1})


def test_a_loss_still_in_the_websockets_buffer_at_its_close_is_in_flight() -> None:
    # Sent before the server's Close (at 3.5 s), but 3 never left the browser's buffer.
    records = [
        connection(1, [1], "restart", close_sent_at=3.5),
        connection(2, [4, 5], "final", last=5, close_sent_at=100.0),
    ]
    closed = {"type": "socket-closed", "socket": 1, "unsent": 9, "held": [3]}
    report = check(records, run(WIRED, events=[closed]))
    assert [violation.split(",")[0] for violation in report.violations] == [
        "client 0: message 2 (sent while open) lost on socket 1"
    ]
    assert report.losses == Counter(
        {"sent while open, still in the WebSocket's buffer at its close": 1}
    )


def test_in_a_browser_a_loss_handed_to_an_open_socket_before_the_servers_close_is_in_flight() -> (
    None
):
    # The records of the Node breach above, from a browser: its network service may still hold
    # 2 and 3 when the 1012 arrives, and bufferedAmount does not count them.
    records = [
        connection(1, [1], "restart", close_sent_at=3.5),
        connection(2, [4, 5], "final", last=5, close_sent_at=100.0),
    ]
    report = check(records, run(WIRED), browser=True)
    assert report.violations == []
    assert report.losses == Counter(
        {"sent while open, in the browser's network pipeline at the server's Close": 2}
    )
    # A connection the client closed (no Close from the server) is not excused by it.
    closed_by_client = [connection(1, [1], "client"), connection(2, [4, 5], "final", last=5)]
    assert len(check(closed_by_client, run(WIRED), browser=True).violations) == 2


def test_a_message_handed_to_a_socket_that_was_not_open_is_a_breach() -> None:
    records = [connection(1, [1, 2, 3], "drop"), connection(2, [4, 5], "final", last=5)]
    handed = {"type": "sent-not-open", "n": 4, "socket": 2, "readyState": 2}
    for browser in (False, True):
        report = check(records, run(WIRED, events=[handed]), browser=browser)
        assert report.violations == [
            "client 0: message 4 handed to socket 2 while its readyState was 2, not open"
        ]


def test_a_loss_on_a_connection_the_client_closed_is_a_breach() -> None:
    records = [connection(1, [1], "client"), connection(2, [4, 5], "final", last=5)]
    report = check(records, run(WIRED))
    assert len(report.violations) == 2
    assert "the server sent no Close" in report.violations[0]


def test_an_attempt_after_the_final_1000_is_a_breach() -> None:
    records = Records([connection(1, [1, 2, 3], "drop"), connection(2, [4, 5], "final", last=5)])
    records.attempts.append(Attempt("0", 3, at=100.5, stalled=False))
    report = check_soak(records, [run(WIRED)])
    assert report.violations == ["client 0: 1 connection attempts after the final 1000"]


def test_a_marker_sent_again_after_a_lost_final_connection_is_fine_but_a_retried_1000_is_not() -> (
    None
):
    # The heartbeat gave up socket 2 (marker sent, 1000 on its way); socket 3 carried it again.
    records = [
        connection(1, [1, 2, 3], "drop"),
        connection(2, [4, 5], "final", last=5),
        connection(3, [], "final", last=5),
    ]
    again = run(WIRED, events=[{"type": "reconnecting", "code": 1006, "reason": "heartbeat"}])
    assert check(records, again).violations == []
    retried = run(WIRED, events=[{"type": "reconnecting", "code": 1000, "reason": "bye"}])
    assert check(records, retried).violations == ["client 0: reconnected after a 1000"]


@pytest.mark.parametrize(
    ("extra", "breach"),
    [
        ({"exit_after_close": 1.5}, "process exited 1.50 s after its final close"),
        ({"exit_code": 70}, "process exited with 70"),
        ({"stderr": "Error: boom"}, "wrote to stderr: Error: boom"),
        ({"events": [{"type": "uncaught", "message": "boom"}]}, "uncaught: boom"),
        ({"events": [{"type": "close", "code": 1000}]}, "2 close events, expected exactly 1"),
    ],
)
def test_process_and_event_breaches(extra: dict[str, Any], breach: str) -> None:
    records = [connection(1, [1, 2, 3], "drop"), connection(2, [4, 5], "final", last=5)]
    report = check(records, run(WIRED, **extra))
    assert report.violations == [f"client 0: {breach}"]


def test_a_client_that_closes_itself_may_discard_only_its_newest_queued_messages() -> None:
    called = {"type": "close-called", "made": 2, "readyState": 0}
    records = [connection(1, [1, 2, 3], "drop"), connection(2, [4], "client")]
    report = check(records, run([0, 1, 1, 1, 2, 0, 0], events=[called]))
    assert report.violations == []
    assert report.counts["discarded by close() (still queued)"] == 2

    records = [connection(1, [1, 2, 3], "drop"), connection(2, [5], "client")]
    gap = check(records, run([0, 1, 1, 1, 0, 2, 0], events=[called]))
    assert gap.violations == [
        "client 0: message 4 never left the module's queue",
        "client 0: message 6 never left the module's queue",
    ]


def test_an_attempt_after_the_clients_own_close_is_a_breach() -> None:
    called = {"type": "close-called", "made": 2, "readyState": 1}
    records = Records([connection(1, [1, 2, 3], "drop"), connection(2, [4, 5], "client")])
    records.attempts.append(Attempt("0", 3, at=5.0, stalled=False))
    report = check_soak(records, [run(WIRED, events=[called])])
    assert report.violations == ["client 0: 1 connection attempts after its own close()"]


def test_an_event_after_the_final_close_is_a_breach() -> None:
    records = [connection(1, [1, 2, 3], "drop"), connection(2, [4, 5], "final", last=5)]
    client = run(WIRED)
    client.events.append({"type": "reconnecting", "code": 1006, "reason": ""})
    assert check(records, client).violations == ["client 0: reconnecting after the final close"]
