"""The generated module's behaviour, run in Node (with `ws`) against a real server on 127.0.0.1:
what only a network shows. Exact delays, windows and backoff are in tests/logic (virtual clock).

Delays are short and set by flags, so each test takes about a second. Server-side times are
measured where they happen, by the server; the client reports the delays it chose. Every test
runs twice: over the esm output (imported) and the cjs output (required)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.conftest import RenderTo
from tests.support.fast import FAST_GIVING_UP
from tests.support.lateness import allow
from tests.support.node import client
from tests.support.servers import Script, ScriptedServer, StallingServer

pytestmark = pytest.mark.node


@pytest.fixture(params=["esm", "cjs"])
def render_to(request: pytest.FixtureRequest, render_to: RenderTo) -> RenderTo:
    """The suite's `render_to`, in the format under test."""
    suffix = ".mjs" if request.param == "esm" else ".cjs"

    def render_in_format(**flags: object) -> Path:
        return render_to(name=f"reconnecting-socket{suffix}", format=request.param, **flags)

    return render_in_format


def unused_url() -> str:
    """A URL on a port nobody listens on: every attempt, the first included, is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"ws://127.0.0.1:{probe.getsockname()[1]}/"


def test_close_1000_never_reconnects(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer([Script(after=0.1, code=1000, reason="bye")]) as server:
        with client(module, server.url) as running:
            assert running.wait_exit(5) == 0
            # Three whole retry windows pass with no new connection.
            time.sleep(3 * 0.6)
            assert len(server.connections) == 1
    assert running.of("reconnecting") == []
    [close] = running.of("close")
    assert (close["code"], close["reason"], close["wasClean"]) == (1000, "bye", True)
    assert close["readyState"] == 3
    assert len(running.of("onclose")) == 1
    assert len(running.of("open")) == 1


def test_close_1012_reconnects_once_inside_the_restart_window(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST_GIVING_UP)
    # The server refuses connections for the first half of the window, like a restarting one.
    scripts = [Script(after=0.1, code=1012, reason="deploy", down_for=0.15)]
    with ScriptedServer(scripts) as server:
        with client(module, server.url, rules=[{"on": "open", "count": 2, "close": []}]) as running:
            assert running.wait_exit(5) == 0
    [reconnecting] = running.of("reconnecting")
    assert (reconnecting["code"], reconnecting["reason"], reconnecting["attempt"]) == (
        1012,
        "deploy",
        1,
    )
    assert reconnecting["readyState"] == 0
    assert 300 <= reconnecting["delay"] <= 600
    assert len(server.connections) == 2
    first, second = server.connections
    assert first.closing_at is not None and first.ended_at is not None
    # The client cannot see the 1012 before the server sends it: a sound lower bound.
    assert second.opened_at - first.closing_at >= 0.3
    gap = second.opened_at - first.ended_at
    # The upper bound leaves a loaded machine room to schedule (more the busier it is now); the
    # exact delay is checked on the virtual clock (tests/logic).
    assert gap <= reconnecting["delay"] / 1000 + allow(1.0), gap
    assert len(running.of("open")) == 2
    # close() with no code sends none; the server echoes none: 1005, as a WebSocket reports.
    assert [event["code"] for event in running.of("close")] == [1005]


def test_close_1008_stops_without_retry(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer([Script(after=0.1, code=1008, reason="token expired")]) as server:
        with client(module, server.url) as running:
            assert running.wait_exit(5) == 0
        time.sleep(0.3)
        assert len(server.connections) == 1
    assert running.of("reconnecting") == []
    assert [(event["code"], event["reason"]) for event in running.of("close")] == [
        (1008, "token expired")
    ]


def test_tcp_drop_retries_with_growing_delays(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer(default=Script(after=0.05, drop=True)) as server:
        rules = [{"on": "reconnecting", "count": 4, "close": []}]
        # Math.random pinned near 1: each full-jitter delay sits at its ceiling.
        with client(module, server.url, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
        assert len(server.connections) == 4
    events = running.of("reconnecting")
    assert [event["code"] for event in events] == [1006] * 4
    assert [event["attempt"] for event in events] == [1, 2, 3, 4]
    assert [event["delay"] for event in events] == [50, 100, 200, 400]
    # Closed while CONNECTING (between attempts): the attempt fails, 1006, as on a WebSocket.
    assert [event["code"] for event in running.of("close")] == [1006]


def test_messages_sent_while_reconnecting_arrive_once_in_order(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST_GIVING_UP)
    sent_while_away = [f"queued-{n}" for n in range(5)]
    rules = [
        {"on": "reconnecting", "send": sent_while_away},
        {"on": "open", "count": 2, "send": ["after-open"], "close": []},
    ]
    with ScriptedServer([Script(after=0.1, code=1012, down_for=0.1)]) as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[-1].ended_at is not None)
    first, second = server.connections
    assert first.messages == []
    assert second.messages == [*sent_while_away, "after-open"]
    assert running.of("send-error") == []


def test_queue_overflow_throws_rather_than_dropping_silently(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(queue_limit=2, **FAST_GIVING_UP)
    rules = [
        {"on": "reconnecting", "send": ["a", "b", "c"]},
        {"on": "open", "count": 2, "close": []},
    ]
    with ScriptedServer([Script(after=0.1, code=1012)]) as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[-1].ended_at is not None)
    assert server.connections[1].messages == ["a", "b"]
    [error] = running.of("send-error")
    assert (error["data"], error["name"]) == ("c", "QuotaExceededError")


def test_send_after_final_close_throws_like_websocket(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "close", "send": ["too late"]}]
    with ScriptedServer([Script(after=0.05, code=1000)]) as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [error] = running.of("send-error")
    assert error["name"] == "InvalidStateError"


def test_user_close_during_the_delay_cancels_the_retry_and_node_exits(
    render_to: RenderTo, node: str
) -> None:
    # A long delay, so that a pending retry timer would hold the process well past the wait.
    module = render_to(**{**FAST_GIVING_UP, "restart_delay": "8s-9s"})
    rules = [{"on": "reconnecting", "close": [1000, "user left"]}]
    with ScriptedServer([Script(after=0.1, code=1012)]) as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(6) == 0
        assert len(server.connections) == 1
    [close] = running.of("close")
    # Closed while CONNECTING (between attempts): the attempt fails, as on a WebSocket.
    assert (close["code"], close["reason"], close["wasClean"]) == (1006, "", False)
    exited_after = running.exited_at - running.of("close")[0]["received_at"]
    assert exited_after < allow(1.0)


def test_connect_timeout_abandons_a_stalled_handshake_and_retries_without_crash(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**{**FAST_GIVING_UP, "connect_timeout": "200ms"})
    rules = [{"on": "reconnecting", "count": 3, "close": []}]
    with StallingServer() as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
        assert server.accepted >= 3
    events = running.of("reconnecting")
    assert [(event["code"], event["reason"]) for event in events] == [(1006, "connect timeout")] * 3
    assert running.of("uncaught") == running.of("unhandled-rejection") == []
    assert "Error" not in running.stderr()


def test_max_retries_ends_with_a_final_close(render_to: RenderTo, node: str) -> None:
    module = render_to(max_retries=2, **FAST_GIVING_UP)
    with client(module, unused_url()) as running:
        assert running.wait_exit(5) == 0
    assert len(running.of("reconnecting")) == 2
    [close] = running.of("close")
    assert close["code"] == 1006


def test_retry_on_1000_reconnects_behind_an_idle_closing_proxy(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(retry_on="1000", **FAST_GIVING_UP)
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer([Script(after=0.05, code=1000)]) as server:
        with client(module, server.url, random=0.0, rules=rules) as running:
            assert running.wait_exit(5) == 0
        assert len(server.connections) == 2
    [reconnecting] = running.of("reconnecting")
    assert reconnecting["code"] == 1000


def test_stop_on_marks_an_application_code_fatal(render_to: RenderTo, node: str) -> None:
    fatal = render_to(stop_on="4401", **FAST_GIVING_UP)
    with ScriptedServer([Script(after=0.05, code=4401)]) as server:
        with client(fatal, server.url) as running:
            assert running.wait_exit(5) == 0
    assert running.of("reconnecting") == []
    assert [event["code"] for event in running.of("close")] == [4401]


def test_1013_waits_at_least_the_restart_window(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "reconnecting", "close": []}]
    with ScriptedServer([Script(after=0.05, code=1013)]) as server:
        with client(module, server.url, random=0.0, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [reconnecting] = running.of("reconnecting")
    assert reconnecting["delay"] == 600
