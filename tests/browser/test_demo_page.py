"""`wsgen demo` in headless Chromium: every button, the send box and the timeline, against the
demo server running in-process on a free port."""

from __future__ import annotations

import time
from typing import Any

import pytest

from generator.codes import lookup
from generator.demo.server import DemoServer
from tests.support.demo import running_demo
from tests.support.lateness import allow

pytestmark = pytest.mark.browser

# Short delays keep the suite fast; the restart window is wide enough to act inside it.
FAST = {"restart_delay": "300ms-600ms", "backoff_initial": "100ms", "backoff_max": "200ms"}
# Longer than any delay FAST allows: a reconnect that was going to happen has happened by then.
QUIET_PERIOD_MS = 1200


def open_demo(page: Any, server: DemoServer) -> None:
    page.goto(server.url)
    wait_for_state(page, "open")


def wait_for_state(page: Any, state: str) -> None:
    page.wait_for_selector(f"#state[data-state='{state}']")


def entries(page: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """Timeline entries, oldest first, as their data-* attributes plus `text`."""
    selector = "#timeline > li" + (f"[data-kind='{kind}']" if kind else "")
    found: list[dict[str, Any]] = page.eval_on_selector_all(
        selector, "nodes => nodes.map((node) => ({ ...node.dataset, text: node.textContent }))"
    )
    return found


def wait_for_entries(page: Any, kind: str, count: int = 1) -> list[dict[str, Any]]:
    page.wait_for_function(
        "([kind, count]) => document.querySelectorAll(`#timeline > li[data-kind='${kind}']`)"
        ".length >= count",
        arg=[kind, count],
    )
    return entries(page, kind)


def kinds(page: Any) -> list[str]:
    return [entry["kind"] for entry in entries(page)]


def press(page: Any, action: str) -> None:
    page.click(f"button[data-action='{action}']")


def assert_names_the_code(entry: dict[str, Any], code: int) -> None:
    row = lookup(code)
    assert row is not None
    assert f"{code} {row.name}" in entry["text"]
    assert row.description in entry["text"], "the meaning comes from the code table"


def connections_seen(server: DemoServer, count: int) -> int:
    """The server's number of connections once it has recorded `count`, or what it has when time
    is up: its handler records a connection on the server's own thread, a moment after the page
    has already seen the open."""
    deadline = time.monotonic() + allow(5)
    while len(server.connections) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(server.connections)


def closed_for_good(page: Any, server: DemoServer) -> dict[str, Any]:
    """The final close entry, once a quiet period has shown no further attempt."""
    wait_for_state(page, "closed")
    page.wait_for_timeout(QUIET_PERIOD_MS)
    assert len(server.connections) == 1
    assert entries(page, "reconnecting") == []
    [close] = entries(page, "close")
    assert "no further attempt" in close["text"]
    return close


def test_restart_reconnects_inside_the_restart_window(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        page.fill("#down-for", "0")
        press(page, "restart")
        wait_for_state(page, "reconnecting")
        wait_for_entries(page, "open", 2)
        wait_for_state(page, "open")
        first, second = server.connections
        [reconnecting] = entries(page, "reconnecting")
        opened = entries(page, "open")
    assert_names_the_code(reconnecting, 1012)
    assert 300 <= int(reconnecting["delay"]) <= 600
    assert "attempt 1 made after" in reconnecting["text"], "the countdown ran to its end"
    [(restart_began, _)] = server.restarts
    assert first.closed_at is not None
    # The client cannot see the 1012 before the server sends it, so the restart's start is a sound
    # lower bound; the server's own record of the close can trail the client's under load.
    assert second.opened_at - restart_began >= 0.3
    assert second.opened_at - first.closed_at <= int(reconnecting["delay"]) / 1000 + allow(1.0)
    assert "connection #2" in opened[1]["text"]


def test_restart_refuses_connections_for_the_chosen_seconds(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        # Well past the 300-600 ms restart delay, so the first attempt lands inside.
        page.fill("#down-for", "1.5")
        press(page, "restart")
        wait_for_entries(page, "open", 2)
        [(began, until)] = server.restarts
        second = server.connections[1]
        reconnecting = entries(page, "reconnecting")
        closes = [int(entry["code"]) for entry in reconnecting]
        refused = [entry["text"] for entry in reconnecting[1:]]
        [answer] = entries(page, "server")
    assert until - began == pytest.approx(1.5)
    assert server.refused >= 1
    assert second.opened_at >= until
    assert closes[0] == 1012
    assert set(closes[1:]) == {1006}, "a refused handshake reads as 1006 in the browser"
    assert all("inside its restart window the server answers HTTP 503" in text for text in refused)
    assert "refusing new ones for 1.5 s" in answer["text"]


def test_end_session_closes_for_good_and_never_tries_again(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        assert page.is_disabled("#new-socket")
        press(page, "end")
        close = closed_for_good(page, server)
        assert_names_the_code(close, 1000)
        assert page.is_disabled("button[data-action='restart']"), "nothing left to act on"
        # A fresh socket is the only way back.
        page.click("#new-socket")
        wait_for_state(page, "open")
        assert connections_seen(server, 2) == 2


def test_message_sent_while_reconnecting_is_queued_then_delivered(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        page.fill("#message", "before")
        page.click("#send")
        wait_for_entries(page, "delivered")
        # The server stays away long enough to type while the module waits.
        page.fill("#down-for", "3")
        press(page, "restart")
        wait_for_state(page, "reconnecting")
        page.fill("#message", "while away")
        page.click("#send")
        [queued] = wait_for_entries(page, "queued")
        assert page.inner_text("#queue-count") == "1"
        assert "while away" in page.inner_text("#queue")
        wait_for_entries(page, "delivered", 2)
        first, second = server.connections
        assert page.inner_text("#queue-count") == "0"
        delivered = entries(page, "delivered")
        sent = entries(page, "sent")
        order = kinds(page)
    assert '"text":"while away"' in second.messages[0]
    assert '"text":"before"' in first.messages[0]
    assert [entry["connection"] for entry in delivered] == ["1", "2"]
    assert delivered[1]["id"] == queued["id"]
    assert order.index("queued") < order.index("open", order.index("reconnecting"))
    assert [entry["id"] for entry in sent] == ["1", queued["id"]]


def test_drop_reads_as_1006_and_reconnects(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        press(page, "drop")
        wait_for_entries(page, "open", 2)
        first = server.connections[0]
        [reconnecting] = entries(page, "reconnecting")
    assert_names_the_code(reconnecting, 1006)
    assert first.socket.close_code == 1006, "the server sent no close frame"


def test_policy_violation_closes_for_good(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        press(page, "policy")
        close = closed_for_good(page, server)
    assert_names_the_code(close, 1008)
    assert 'reason: "token expired"' in close["text"]


def test_try_again_later_waits_at_least_the_restart_window(page: Any) -> None:
    with running_demo(**FAST) as server:
        open_demo(page, server)
        press(page, "later")
        wait_for_entries(page, "open", 2)
        assert connections_seen(server, 2) == 2
        [reconnecting] = entries(page, "reconnecting")
    assert_names_the_code(reconnecting, 1013)
    assert int(reconnecting["delay"]) >= 600


def test_custom_code_and_reason_follow_the_policy(page: Any) -> None:
    with running_demo(**FAST, stop_on="4401") as server:
        open_demo(page, server)
        # A code no server may send is refused by the demo server, and said so.
        page.fill("#custom-code", "1006")
        page.click("#custom-button")
        [error] = wait_for_entries(page, "error")
        assert "a server can send 1000-1003, 1007-1014 or 3000-4999" in error["text"]
        # An application code retries by default...
        page.fill("#custom-code", "4000")
        page.fill("#custom-reason", "shard moved")
        page.click("#custom-button")
        [retried] = wait_for_entries(page, "reconnecting")
        wait_for_entries(page, "open", 2)
        # ...and one named by --stop-on stops.
        page.fill("#custom-code", "4401")
        page.fill("#custom-reason", "")
        page.click("#custom-button")
        wait_for_state(page, "closed")
        assert connections_seen(server, 2) == 2
        [close] = entries(page, "close")
    assert_names_the_code(retried, 4000)
    assert 'reason: "shard moved"' in retried["text"]
    assert close["code"] == "4401"
    assert "Application-defined" in close["text"]


def test_the_page_shows_the_flags_and_loads_nothing_from_elsewhere(page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with running_demo(**FAST, class_name="AppSocket") as server:
        open_demo(page, server)
        command = page.inner_text("#command")
        given = page.eval_on_selector_all(
            ".flag.given code", "nodes => nodes.map(n => n.textContent)"
        )
        listed = page.eval_on_selector_all(".flag", "nodes => nodes.map(n => n.textContent)")
        [connecting] = entries(page, "connecting")
        base = server.url
    assert command == (
        "wsgen demo --restart-delay 300ms-600ms --backoff-initial 100ms --backoff-max 200ms "
        "--class-name AppSocket"
    )
    assert given == ["--restart-delay", "--backoff-initial", "--backoff-max", "--class-name"]
    # A switch reads as the flag that sets it, as a user would type it.
    assert "--no-types" in listed and "--network-aware" in listed
    assert not [item for item in listed if "True" in item or "False" in item], listed
    assert "new AppSocket(url)" in connecting["text"]
    assert requested, "the page made requests"
    assert [url for url in requested if not url.startswith(base)] == [], "offline: no CDN"
    assert {url.removeprefix(base).split("?")[0] for url in requested} >= {
        "",
        "demo.css",
        "demo.js",
        "reconnecting-socket.js",
    }


def test_with_share_tabs_two_tabs_show_one_connection_and_act_on_it(page: Any) -> None:
    """`wsgen demo --share-tabs`: open the page in two tabs and watch one connection serve both;
    a button in either tab acts on it, and a message from one is answered in both."""
    with running_demo(**FAST, share_tabs="on") as server:
        second = page.context.new_page()
        for tab in (page, second):
            open_demo(tab, server)
        assert page.is_visible("#sharing")
        second.fill("#message", "from the second tab")
        second.click("#send")
        [other] = wait_for_entries(page, "delivered")
        assert other["from"] == "another tab"
        # The server's own count of open connections, which its answer carried to both tabs.
        for tab in (page, second):
            tab.wait_for_function("document.getElementById('open-count').textContent === '1'")
        second.fill("#down-for", "0")
        press(second, "restart")
        for tab in (page, second):
            wait_for_entries(tab, "open", 2)
            assert [entry["code"] for entry in entries(tab, "reconnecting")] == ["1012"]
        time.sleep(0.3)  # room for a connection too many to show
        assert len(server.connections) == 2
