"""--share-tabs on a virtual clock (tests/logic/tabs.mjs): several tabs, each a realm of its own
running the generated iife, over fake Web Locks, BroadcastChannel and WebSocket that behave as
browsers specify them, one clock and one seeded Math.random. The election, the hand-over and its
ordering, the last close, and which tab's settings apply, asserted exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.logic import TabsRun, run_tabs

pytestmark = pytest.mark.logic

LATENCY = 1  # ms: the fakes' lock grant, channel message and handshake
FAST = {"restart_delay": "300ms-600ms", "backoff_initial": "50ms", "backoff_max": "2s"}


@pytest.fixture
def module(render_to: RenderTo) -> Any:
    def render(**flags: object) -> Path:
        return render_to(name="socket.iife.js", format="iife", share_tabs="on", **{**FAST, **flags})

    return render


def opened(*tabs: int, at: int = 0, step: int = 10) -> list[dict[str, Any]]:
    """Each tab opens one socket, `step` ms after the one before."""
    return [{"at": at + step * n, "tab": tab, "do": "open"} for n, tab in enumerate(tabs)]


def types(run: TabsRun, tab: int, socket: int = 0) -> list[str]:
    return [kind for _, where, which, kind, _ in run.log if where == tab and which == socket]


def from_tab(run: TabsRun, tab: int) -> list[str]:
    """What the server received from tab `tab` (messages are named "tab<n>-..."), over every
    connection in order."""
    prefix = f"tab{tab}-"
    return [m for c in run.connections for m in c["received"] if m.startswith(prefix)]


def test_the_first_socket_holds_the_connection_and_the_others_follow_it(module: Any) -> None:
    run = run_tabs(module(), tabs=3, actions=opened(0, 1, 2), until=2000)
    [connection] = run.connections
    assert connection["tab"] == 0 and "closedAt" not in connection
    for tab in range(3):
        assert types(run, tab) == ["open"]
        assert run.states[tab][0]["readyState"] == 1
    # A socket joining an open connection fires its own "open", once welcomed.
    joined = run.of("open", tab=2)[0]["t"]
    assert 20 < joined <= 20 + 4 * LATENCY
    assert run.draws == [] and run.thrown == []


def test_a_socket_that_shares_reads_its_url_at_once_as_a_websocket_does(module: Any) -> None:
    """docs/share-tabs.md: each tab keeps the drop-in API; a WebSocket's `url` is readable
    from `new` on, CONNECTING, before the holder has said anything."""
    actions = [*opened(0, 1), {"at": 30, "tab": 1, "do": "open", "url": "http://tabs.test/b"}]
    run = run_tabs(module(), tabs=2, actions=actions, until=500)
    assert run.born == [
        [{"readyState": 0, "url": "ws://tabs.test/"}],
        [{"readyState": 0, "url": "ws://tabs.test/"}, {"readyState": 0, "url": "ws://tabs.test/b"}],
    ]


def test_a_1012_is_one_reconnect_and_every_tab_sees_the_same_event(module: Any) -> None:
    actions = [*opened(0, 1, 2), {"at": 100, "do": "serverClose", "code": 1012}]
    run = run_tabs(module(), tabs=3, actions=actions, until=3000)
    first, second = run.connections
    [(drawn_in, draw)] = run.draws  # one draw, the holder's, for the whole browser
    delay = round(300 + draw * 300)
    seen = [[dict(e, tab=None) for e in run.of("reconnecting", tab)] for tab in range(3)]
    assert seen[0] == seen[1] == seen[2]
    [reconnecting] = seen[0]
    assert (reconnecting["code"], reconnecting["attempt"], reconnecting["delay"]) == (
        1012,
        1,
        delay,
    )
    assert second["openedAt"] == first["closedAt"] + delay + LATENCY
    for tab in range(3):
        assert types(run, tab) == ["open", "reconnecting", "open"]
    assert run.server["mostOpen"] == 1 and drawn_in == 0


def test_the_next_in_line_takes_over_at_once_and_sends_what_was_never_handed_in_order(
    module: Any,
) -> None:
    """The holder's tab closes inside a restart window, while the connection's queue holds the
    other tabs' messages: the next tab in line connects at once (no window, no draw), and every
    message of the tabs that stay arrives once, in each tab's order, those sent during the
    hand-over too."""
    actions = [
        *opened(0, 1, 2),
        {"at": 100, "tab": 1, "do": "send", "data": ["tab1-1", "tab1-2"]},
        {"at": 200, "do": "serverClose", "code": 1012},
        {"at": 210, "tab": 1, "do": "send", "data": ["tab1-3"]},
        {"at": 220, "tab": 2, "do": "send", "data": ["tab2-1", "tab2-2"]},
        {"at": 250, "tab": 0, "do": "closeTab"},
        {"at": 250, "tab": 2, "do": "send", "data": ["tab2-3"]},  # while no tab holds it
        {"at": 251, "tab": 1, "do": "send", "data": ["tab1-4"]},
        {"at": 400, "tab": 2, "do": "send", "data": ["tab2-4"]},
    ]
    run = run_tabs(module(), tabs=3, actions=actions, until=3000)
    first, second = run.connections
    assert second["tab"] == 1
    assert second["openedAt"] <= 250 + 5 * LATENCY, "at once, not after the restart window"
    assert len(run.draws) == 1, "only the 1012 drew a delay"
    assert from_tab(run, 1) == ["tab1-1", "tab1-2", "tab1-3", "tab1-4"]
    assert from_tab(run, 2) == ["tab2-1", "tab2-2", "tab2-3", "tab2-4"]
    assert first["received"] == ["tab1-1", "tab1-2"]
    for tab in (1, 2):
        assert types(run, tab) == ["open", "reconnecting", "reconnecting", "open"]
        handover = run.of("reconnecting", tab)[1]
        assert (handover["code"], handover["attempt"], handover["delay"]) == (1001, 1, 0)
        assert run.states[tab][0]["bufferedAmount"] == 0
    assert run.server["mostOpen"] == 1


def test_from_the_holders_pagehide_on_what_others_send_waits_for_the_next_holder(
    module: Any,
) -> None:
    """docs/share-tabs.md, "What can be lost": a closing page runs on for a moment after the
    browser has cut its connection, so from its "pagehide" on the holder takes nothing more from
    the other tabs; they keep it, and the next holder sends it, once and in order."""
    actions = [
        *opened(0, 1),
        {"at": 100, "tab": 1, "do": "send", "data": ["tab1-1"]},
        {"at": 200, "tab": 0, "do": "pagehide"},
        {"at": 210, "tab": 1, "do": "send", "data": ["tab1-2", "tab1-3"]},
        {"at": 300, "tab": 0, "do": "closeTab"},
        {"at": 400, "tab": 1, "do": "send", "data": ["tab1-4"]},
    ]
    run = run_tabs(module(), tabs=2, actions=actions, until=2000)
    first, second = run.connections
    assert first["received"] == ["tab1-1"]
    assert second["received"] == ["tab1-2", "tab1-3", "tab1-4"]
    assert run.states[1][0]["bufferedAmount"] == 0


def test_the_holder_tabs_own_close_leaves_the_connection_to_the_others(module: Any) -> None:
    actions = [
        *opened(0, 1),
        {"at": 100, "tab": 0, "do": "close", "code": 4000, "reason": "bye"},
        {"at": 200, "do": "serverSend", "data": "still here"},
        {"at": 300, "tab": 1, "do": "send", "data": "tab1-1"},
        {"at": 1000, "tab": 1, "do": "close"},
    ]
    run = run_tabs(module(), tabs=2, actions=actions, until=3000)
    [connection] = run.connections
    assert types(run, 0) == ["open", "close"]
    [own] = run.of("close", tab=0)
    assert (own["code"], own["reason"], own["wasClean"]) == (4000, "bye", True)
    assert [e["data"] for e in run.of("message", tab=1)] == ["still here"]
    assert connection["received"] == ["tab1-1"]
    # Open until the last socket anywhere closed, then closed with 1000.
    assert connection["code"] == 1000
    assert 1000 < connection["closedAt"] <= 1000 + 10 * LATENCY


def test_a_socket_closed_and_made_again_in_one_task_keeps_the_connection(module: Any) -> None:
    """React's StrictMode, or a component replaced by another, closes a socket and creates one
    for the same URL in one task: the connection stays."""
    actions = [*opened(0), {"at": 100, "tab": 0, "do": "closeAndOpen", "socket": 0}]
    run = run_tabs(module(), tabs=1, actions=actions, until=2000)
    [connection] = run.connections
    assert "closedAt" not in connection
    assert types(run, 0, socket=0) == ["open", "close"]
    assert types(run, 0, socket=1) == ["open"]


def test_a_socket_made_after_the_last_one_closed_connects_once_that_close_is_over(
    module: Any,
) -> None:
    """The next holder connects only once the connection before is closed: a server slow to
    answer the close never sees two connections at once."""
    actions = [*opened(0), {"at": 100, "tab": 0, "do": "close"}, *opened(1, at=110)]
    run = run_tabs(module(), tabs=2, actions=actions, closing=50, until=2000)
    first, second = run.connections
    assert first["code"] == 1000
    assert first["closedAt"] <= second["openedAt"] <= first["closedAt"] + 5 * LATENCY
    assert run.server["mostOpen"] == 1


def test_a_tab_that_crashed_is_no_member_any_more(module: Any) -> None:
    actions = [
        *opened(0, 1),
        {"at": 100, "tab": 0, "do": "close"},
        {"at": 500, "tab": 1, "do": "closeTab"},
    ]
    run = run_tabs(module(), tabs=2, actions=actions, until=2000)
    [connection] = run.connections
    assert connection["code"] == 1000
    assert 500 < connection["closedAt"] <= 500 + 10 * LATENCY


@pytest.mark.parametrize("at", [101, 500], ids=["at-once", "later"])
def test_after_a_final_close_a_new_socket_has_a_new_connection(module: Any, at: int) -> None:
    """Whether it comes at once (an app that makes a new socket when one closes) or later."""
    actions = [
        *opened(0, 1),
        {"at": 100, "do": "serverClose", "code": 1000, "reason": "over"},
        {"at": at, "tab": 1, "do": "open"},
    ]
    run = run_tabs(module(), tabs=2, actions=actions, until=2000)
    for tab in (0, 1):
        assert [(e["code"], e["reason"]) for e in run.of("close", tab)] == [(1000, "over")]
    assert types(run, 1, socket=1) == ["open"]
    _, second = run.connections
    assert at < second["openedAt"] <= at + 10 * LATENCY
    assert run.server["mostOpen"] == 1


def test_reconnect_in_any_tab_reconnects_the_shared_connection_once(module: Any) -> None:
    actions = [*opened(0, 1, 2), {"at": 100, "tab": 2, "do": "reconnect"}]
    run = run_tabs(module(), tabs=3, actions=actions, until=2000)
    _, second = run.connections
    assert second["openedAt"] <= 100 + 4 * LATENCY
    for tab in range(3):
        assert types(run, tab) == ["open", "open"], "reconnect() fires no reconnecting"
    assert run.draws == []


def test_a_members_queue_limit_counts_only_what_waits_for_an_open(module: Any) -> None:
    actions = [
        *opened(0, 1),
        {"at": 100, "tab": 1, "do": "send", "data": [f"tab1-{n}" for n in range(1, 6)]},
        {"at": 200, "do": "serverClose", "code": 1012},
        {"at": 210, "tab": 1, "do": "send", "data": ["tab1-6", "tab1-7"]},
        {"at": 220, "tab": 1, "do": "send", "data": ["tab1-8"]},
    ]
    run = run_tabs(module(queue_limit="2"), tabs=2, actions=actions, until=3000)
    assert run.thrown == [(220, 1, "QuotaExceededError")]
    assert from_tab(run, 1) == [f"tab1-{n}" for n in range(1, 8)]


@pytest.mark.parametrize(
    ("close", "cut_short"), [("drop", True), ("serverClose", False)], ids=["backoff", "restart"]
)
def test_a_followers_wake_up_goes_to_the_holder(module: Any, close: str, cut_short: bool) -> None:
    """ "online" in a tab that follows cuts the holder's backoff short, as it would the holder's
    own; never a wait the server asked for (a 1012's restart window)."""
    actions = [
        *opened(0, 1),
        {"at": 100, "do": close, "code": 1012},
        {"at": 110, "tab": 1, "do": "online"},
    ]
    flags = {"backoff_initial": "5s", "backoff_max": "10s", "restart_delay": "3s-4s"}
    run = run_tabs(module(**flags), tabs=2, actions=actions, until=10_000)
    second = run.connections[1]
    assert (second["openedAt"] <= 110 + 4 * LATENCY) is cut_short


def test_a_url_function_shares_only_under_a_name(module: Any) -> None:
    """A function gives no URL to share under before it is called: without a name each socket
    has its own connection; with `shareTabs: "name"` they share it."""
    apart = [{"at": n, "tab": n, "do": "open", "urlFunction": True} for n in range(2)]
    named = [dict(action, options={"shareTabs": "feed"}) for action in apart]
    assert len(run_tabs(module(), tabs=2, actions=apart, until=500).connections) == 2
    run = run_tabs(module(), tabs=2, actions=named, until=500)
    assert len(run.connections) == 1
    assert [types(run, tab) for tab in (0, 1)] == [["open"], ["open"]]
    assert run.states[1][0]["url"] == "ws://tabs.test/"
    # docs/options.md, URL provider: `url` reads "" while no socket exists.
    assert [born[0]["url"] for born in run.born] == ["", ""]


@pytest.mark.parametrize(
    ("first", "second", "connections"),
    [
        ({}, {"url": "ws://tabs.test/other"}, 2),  # another URL
        ({"protocols": ["a"]}, {"protocols": ["b"]}, 2),  # other protocols
        ({"protocols": ["a"]}, {}, 2),
        ({}, {"protocols": []}, 1),  # no protocols, said two ways
        ({"url": "http://tabs.test/"}, {}, 1),  # one URL once resolved
    ],
)
def test_sockets_share_only_with_the_same_url_and_protocols(
    module: Any, first: dict[str, Any], second: dict[str, Any], connections: int
) -> None:
    """docs/share-tabs.md, "What shares": the same URL as `new WebSocket` resolves it, and the
    same protocols."""
    actions = [{"at": 0, "do": "open", **first}, {"at": 10, "tab": 1, "do": "open", **second}]
    run = run_tabs(module(), tabs=2, actions=actions, until=500)
    assert len(run.connections) == connections
    assert [types(run, tab) for tab in (0, 1)] == [["open"], ["open"]]


def test_the_connection_closes_once_every_socket_has_closed_in_any_order(module: Any) -> None:
    """docs/share-tabs.md, Closes: when the last socket anywhere closes, the connection closes
    with 1000, whichever tab closed first (here the followers, then the holder)."""
    actions = [
        *opened(0, 1, 2),
        {"at": 100, "tab": 2, "do": "close"},
        {"at": 200, "tab": 1, "do": "close"},
        {"at": 300, "tab": 0, "do": "close"},
    ]
    run = run_tabs(module(), tabs=3, actions=actions, until=2000)
    [connection] = run.connections
    assert connection["code"] == 1000 and 300 <= connection["closedAt"] <= 300 + 10 * LATENCY


def test_a_binary_message_reaches_each_tab_as_its_own_binary_type_says(module: Any) -> None:
    """docs/share-tabs.md: every tab receives every message as a Blob or an ArrayBuffer as its
    own `binaryType` says, whatever the holder's is."""
    actions = [
        {"at": 0, "do": "open", "binaryType": "arraybuffer"},
        {"at": 10, "tab": 1, "do": "open"},
        {"at": 20, "tab": 2, "do": "open", "binaryType": "arraybuffer"},
        {"at": 100, "do": "serverSend", "data": "four", "binary": True},
        {"at": 110, "do": "serverSend", "data": "text"},
    ]
    run = run_tabs(module(), tabs=3, actions=actions, until=500)
    seen = [[event["data"] for event in run.of("message", tab)] for tab in range(3)]
    assert seen == [
        ["[object ArrayBuffer] of 4 bytes", "text"],
        ["[object Blob] of 4 bytes", "text"],
        ["[object ArrayBuffer] of 4 bytes", "text"],
    ]


def test_a_failed_attempt_fires_error_in_every_tab(module: Any) -> None:
    """docs/share-tabs.md: `error` fires in every tab, as `open`, `reconnecting` and `close` do:
    a refused attempt after a 1012 gives each tab "error", then "reconnecting"."""
    actions = [
        *opened(0, 1, 2),
        {"at": 100, "do": "refuse", "ms": 1000},
        {"at": 100, "do": "serverClose", "code": 1012},
    ]
    run = run_tabs(module(), tabs=3, actions=actions, until=3000)
    for tab in range(3):
        assert types(run, tab)[:4] == ["open", "reconnecting", "error", "reconnecting"]


def test_a_page_shown_again_after_pagehide_hands_sends_on_again(module: Any) -> None:
    """A page kept in the back-forward cache fires "pagehide" and, shown again, "pageshow": its
    holder then hands what others send to its connection again."""
    actions = [
        *opened(0, 1),
        {"at": 100, "tab": 0, "do": "pagehide"},
        {"at": 150, "tab": 0, "do": "pageshow"},
        {"at": 200, "tab": 1, "do": "send", "data": ["tab1-1"]},
    ]
    run = run_tabs(module(), tabs=2, actions=actions, until=1000)
    assert run.connections[0]["received"] == ["tab1-1"]
    assert run.states[1][0]["bufferedAmount"] == 0


def test_once_every_socket_closed_no_listener_or_channel_is_left(module: Any) -> None:
    """After the last close, the connection closed: nothing of the sharing stays in any tab,
    neither a window listener nor an open BroadcastChannel."""
    actions = [*opened(0, 1), {"at": 100, "tab": 1, "do": "close"}, {"at": 200, "do": "close"}]
    run = run_tabs(module(network_aware="off"), tabs=2, actions=actions, until=2000)
    assert run.connections[0]["code"] == 1000
    assert run.left == [{"listeners": [], "channels": 0}] * 2


def test_each_tabs_buffered_amount_counts_only_its_own_messages(module: Any) -> None:
    """docs/share-tabs.md: `bufferedAmount` counts what this tab has sent that the holder has not
    yet handed to the connection; messages two tabs sent while it reconnected are all handed
    at its open, and each tab's count goes back to 0."""
    actions = [
        *opened(0, 1, 2),
        {"at": 100, "do": "serverClose", "code": 1012},
        {"at": 110, "tab": 1, "do": "send", "data": ["tab1-1", "tab1-2", "tab1-3"]},
        {"at": 120, "tab": 2, "do": "send", "data": ["tab2-1"]},
    ]
    run = run_tabs(module(), tabs=3, actions=actions, until=3000)
    assert run.connections[1]["received"] == ["tab1-1", "tab1-2", "tab1-3", "tab2-1"]
    assert [run.states[tab][0]["bufferedAmount"] for tab in (1, 2)] == [0, 0]


def test_a_socket_joining_while_the_connection_reconnects_opens_with_it(module: Any) -> None:
    actions = [*opened(0), {"at": 100, "do": "serverClose", "code": 1012}, *opened(1, at=150)]
    run = run_tabs(module(), tabs=2, actions=actions, until=3000)
    second = run.connections[1]
    assert types(run, 1) == ["open"]
    assert run.of("open", tab=1)[0]["t"] == second["openedAt"] + LATENCY
