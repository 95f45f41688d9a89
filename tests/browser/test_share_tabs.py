"""--share-tabs in headless Chromium: the pages of one BrowserContext are the tabs of one
browser profile, and a real server on 127.0.0.1 counts connections, handshakes and the most
connections open at once. What docs/share-tabs.md promises: one connection however many tabs,
every tab gets every message once and its sends arrive in order, a 1012 is one reconnect for the
browser, closing tabs (the holder included) loses and repeats nothing, one tab's close() leaves
the others, 1000 ends every tab, and what must not share does not."""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from generator.options import build_options
from generator.render import render_module
from tests.support.browser import StaticServer
from tests.support.lateness import allow
from tests.support.tabs import TAB_PAGE, TABS_SCRIPT, CountingServer, Tab

pytestmark = pytest.mark.browser

FAST = {
    "restart-delay": "300ms-600ms",
    "backoff-initial": "50ms",
    "backoff-max": "1s",
    "connect-timeout": "3s",
}
WINDOW = (0.3, 0.6)
SHARED = "reconnecting-socket.js"
UNSHARED = "unshared.js"  # the same options without --share-tabs
OTHER_BUILD = "other-build.js"  # --share-tabs with another restart window

OpenTab = Callable[..., Tab]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("tabs")
    builds = {
        SHARED: {**FAST, "share-tabs": "on"},
        UNSHARED: FAST,
        OTHER_BUILD: {**FAST, "share-tabs": "on", "restart-delay": "400ms-700ms"},
    }
    for name, flags in builds.items():
        (folder / name).write_text(render_module(build_options(flags)), encoding="utf-8")
    shutil.copy(TABS_SCRIPT, folder / "tabs.js")
    (folder / "index.html").write_text(TAB_PAGE, encoding="utf-8")
    with StaticServer(folder) as static:
        yield static.url


@pytest.fixture
def tab(browser: Any, site: str) -> Iterator[OpenTab]:
    """Opens a tab of one browser profile (one BrowserContext per test) on the test page."""
    context = browser.new_context()
    context.set_default_timeout(allow(10) * 1000)
    opened: list[Tab] = []

    def open_tab(module: str = SHARED) -> Tab:
        opened.append(Tab(context.new_page(), site, module))
        return opened[-1]

    try:
        yield open_tab
    finally:
        context.close()
    assert [error for tab in opened for error in tab.errors] == []


@pytest.fixture
def server() -> Iterator[CountingServer]:
    with CountingServer() as running:
        yield running


def open_in_tabs(tabs: list[Tab], url: str, **options: Any) -> None:
    """Each tab opens one socket to `url`, one tab after another, and waits for its open."""
    for each in tabs:
        each.open(url, **options)
        each.wait("s.readyState === 1")


def test_three_tabs_share_one_connection(tab: OpenTab) -> None:
    with CountingServer(subprotocols=["chat"]) as server:
        tabs = [tab() for _ in range(3)]
        for each in tabs:
            each.open(server.url, ["chat", "other"])
        for each in tabs:
            each.wait("s.readyState === 1 && e.length === 1")
        assert (len(server.connections), server.handshakes) == (1, 1)
        for each in tabs:
            assert each.events() == [{"type": "open", "readyState": 1, "protocol": "chat"}]
            assert each.state()["url"] == server.url
            assert each.state()["protocol"] == "chat"


def test_every_tab_gets_every_message_once_in_its_own_binary_type(
    tab: OpenTab, server: CountingServer
) -> None:
    tabs = [tab() for _ in range(3)]
    for each, binary_type in zip(tabs, ["blob", "arraybuffer", "blob"], strict=True):
        each.open(server.url, binary_type=binary_type)
        each.wait("s.readyState === 1")
    server.send_all("one", b"\x01\x02\x03", "three")
    for each in tabs:
        each.wait("e.filter((row) => row.type === 'message').length >= 3")
    time.sleep(0.2)  # room for a duplicate to show
    blob, buffer = "[object Blob]", "[object ArrayBuffer]"
    for each, kind in zip(tabs, [blob, buffer, blob], strict=True):
        messages = each.events(kind="message")
        assert [m["kind"] for m in messages] == ["[object String]", kind, "[object String]"]
        assert [messages[0]["data"], messages[2]["data"]] == ["one", "three"]
        binary = messages[1]
        data = each.call("bytes", binary["blob"]) if kind == blob else binary["data"]
        assert data == [1, 2, 3]
    # A tab opened now fires its own "open" and gets what comes next, not what came before.
    late = tab()
    late.open(server.url)
    late.wait("s.readyState === 1")
    server.send_all("four")
    late.wait("e.some((row) => row.data === 'four')")
    assert [row["type"] for row in late.events()] == ["open", "message"]
    assert len(server.connections) == 1


def test_sends_from_every_tab_arrive_once_and_in_each_tabs_order(
    tab: OpenTab, server: CountingServer
) -> None:
    tabs = [tab() for _ in range(3)]
    for number, each in enumerate(tabs):
        each.open(server.url)
        # Right away, before the connection is open in this tab: queued, then sent in order.
        each.call("send", 0, *[f"tab{number}-{n}" for n in range(40)])
    for number, each in enumerate(tabs):
        each.wait("s.readyState === 1")
        each.call("send", 0, *[f"tab{number}-{n}" for n in range(40, 80)])
    server.wait_until(lambda: len(server.received()) >= 240)
    for each in tabs:
        each.wait("s.bufferedAmount === 0")
    time.sleep(0.2)  # room for a duplicate to show
    received = server.received()
    for number in range(3):
        mine = [text for text in received if text.startswith(f"tab{number}-")]
        assert mine == [f"tab{number}-{n}" for n in range(80)]
    assert len(received) == 240
    assert len(server.connections) == 1


def test_1012_is_one_reconnect_for_the_browser_and_every_tab_sees_it(
    tab: OpenTab, server: CountingServer
) -> None:
    tabs = [tab() for _ in range(3)]
    open_in_tabs(tabs, server.url)
    server.close_all(1012, "deploy")
    for each in tabs:
        each.wait("e.filter((row) => row.type === 'open').length === 2")
    seen = [each.events(kind="reconnecting") for each in tabs]
    assert seen[0] == seen[1] == seen[2]
    [reconnecting] = seen[0]
    assert reconnecting["code"] == 1012 and reconnecting["reason"] == "deploy"
    assert reconnecting["attempt"] == 1
    assert WINDOW[0] * 1000 <= reconnecting["delay"] <= WINDOW[1] * 1000
    first, second = server.connections
    assert server.handshakes == 2 and server.most_open_at_once == 1
    assert first.closing_at is not None
    # No sooner than the window allows; the upper bound leaves a loaded machine room.
    assert WINDOW[0] <= second.opened_at - first.closing_at <= WINDOW[1] + allow(1)


def test_closing_tabs_one_by_one_repeats_nothing_and_loses_only_the_last_instant(
    tab: OpenTab, server: CountingServer
) -> None:
    """The first tab holds the connection, then the next in line: closing each in turn hands
    the connection over while the tabs left keep sending."""
    tabs = [tab() for _ in range(4)]
    open_in_tabs(tabs, server.url)
    for number, each in enumerate(tabs):
        each.call("startSending", 0, f"tab{number}", 20)
    sent: dict[int, int] = {}
    for closing in range(3):
        enough = 20 * (closing + 1)
        server.wait_until(lambda: len(server.received()) >= enough)  # noqa: B023 (waited here)
        tabs[closing].page.close()
        survivor = tabs[closing + 1]
        survivor.wait(f"e.filter((row) => row.type === 'open').length === {closing + 2}")
    last = tabs[3]
    sent[3] = last.call("stopSending", "tab3")
    last.wait("s.bufferedAmount === 0")
    server.wait_until(lambda: f"tab3-{sent[3]}" in server.received())
    time.sleep(0.2)  # room for a duplicate to show
    # docs/share-tabs.md, "What can be lost": nothing sent twice or out of order, nothing lost
    # while a connection lasts; at a hand-over, only what tabs passed through the closing
    # holder in the instant before its page began to go (here 100 ms of sending, at rest).
    instant = round(allow(0.1) / 0.02)
    for number in range(4):
        on_each = [
            [
                int(text.split("-")[1])
                for text in connection.messages
                if isinstance(text, str) and text.startswith(f"tab{number}-")
            ]
            for connection in server.connections
        ]
        mine = [n for numbers in on_each for n in numbers]
        assert mine == sorted(set(mine)), (number, on_each)
        sent_on = [numbers for numbers in on_each if numbers]
        for numbers in sent_on:
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), on_each
        # A tab that began sending just before the first holder closed may have passed its first
        # messages through it in that instant: the start counts as a gap too.
        gaps = [sent_on[0][0] - 1]
        gaps += [later[0] - earlier[-1] - 1 for earlier, later in itertools.pairwise(sent_on)]
        assert all(gap <= instant for gap in gaps), (number, gaps, instant)
    # The last tab, which never closed, has every message it sent after the last hand-over.
    assert mine[-1] == sent[3]
    # Each hand-over was one new connection, opened after the last one had closed.
    assert len(server.connections) == 4
    assert server.most_open_at_once == 1, f"overlap {server.longest_overlap * 1000:.1f} ms"
    reconnects = last.events(kind="reconnecting")
    assert [(row["code"], row["delay"]) for row in reconnects] == [(1001, 0)] * 3


# How a tab can go: navigating elsewhere, or its renderer crashing (chrome://crash, which a
# browser-initiated navigation turns into a crash of the tab's renderer process).
GOING = {"navigates": "about:blank", "crashes": "chrome://crash"}


@pytest.mark.parametrize("going", list(GOING))
def test_when_the_holder_tab_navigates_away_or_crashes_the_next_takes_over(
    tab: OpenTab, server: CountingServer, going: str
) -> None:
    holder, follower = tab(), tab()
    open_in_tabs([holder, follower], server.url)
    follower.call("startSending", 0, "tab1", 20)
    server.wait_until(lambda: len(server.received()) >= 5)
    try:
        holder.page.goto(GOING[going])
    except Exception:  # a crashed page's navigation fails: the crash is the point
        holder.errors.clear()
    follower.wait("e.filter((row) => row.type === 'open').length === 2")
    sent = follower.call("stopSending", "tab1")
    follower.wait("s.bufferedAmount === 0")
    server.wait_until(lambda: f"tab1-{sent}" in server.received())
    time.sleep(0.2)  # room for a duplicate to show
    assert server.received() == [f"tab1-{n}" for n in range(1, sent + 1)]
    assert [(row["code"], row["delay"]) for row in follower.events(kind="reconnecting")] == [
        (1001, 0)
    ]
    assert len(server.connections) == 2 and server.most_open_at_once == 1


@pytest.mark.parametrize("closing", [0, 1], ids=["holder", "follower"])
def test_one_tabs_close_leaves_the_connection_to_the_others(
    tab: OpenTab, server: CountingServer, closing: int
) -> None:
    tabs = [tab() for _ in range(3)]
    open_in_tabs(tabs, server.url)
    tabs[closing].call("close", 0, 4000, "done here")
    tabs[closing].wait("s.readyState === 3")
    assert tabs[closing].events(kind="close") == [
        {"type": "close", "readyState": 3, "code": 4000, "reason": "done here", "wasClean": True}
    ]
    others = [each for number, each in enumerate(tabs) if number != closing]
    for number, each in enumerate(others):
        each.call("send", 0, f"still here {number}")
    server.wait_until(lambda: len(server.received()) == 2)
    server.send_all("to those left")
    for each in others:
        each.wait("e.some((row) => row.data === 'to those left')")
        assert each.state()["readyState"] == 1
    assert tabs[closing].events(kind="message") == []
    assert (len(server.connections), server.handshakes) == (1, 1)
    assert server.connections[0].close_code is None


def test_the_last_socket_anywhere_closes_the_connection_with_1000(
    tab: OpenTab, server: CountingServer
) -> None:
    tabs = [tab() for _ in range(2)]
    open_in_tabs(tabs, server.url)
    for each in tabs:
        each.call("close", 0)
    server.wait_until(lambda: server.connections[0].close_code is not None)
    assert server.connections[0].close_code == 1000
    for each in tabs:
        assert [(row["type"], row.get("code")) for row in each.events()[1:]] == [("close", 1005)]


def test_server_1000_ends_every_tab(tab: OpenTab, server: CountingServer) -> None:
    tabs = [tab() for _ in range(3)]
    open_in_tabs(tabs, server.url)
    server.close_all(1000, "bye")
    for each in tabs:
        each.wait("s.readyState === 3")
        assert each.events()[1:] == [
            {"type": "close", "readyState": 3, "code": 1000, "reason": "bye", "wasClean": True}
        ]
    time.sleep(2 * WINDOW[1])
    assert len(server.connections) == 1


def test_two_urls_make_two_connections(tab: OpenTab, server: CountingServer) -> None:
    tabs = [tab() for _ in range(2)]
    for each in tabs:
        each.open(server.url + "a")
        each.open(server.url + "b")
        each.wait("s.readyState === 1", socket=0)
        each.wait("s.readyState === 1", socket=1)
    assert sorted(connection.path for connection in server.connections) == ["/a", "/b"]
    assert server.handshakes == 2


@pytest.mark.parametrize(
    ("modules", "options", "connections"),
    [
        ([UNSHARED] * 3, {}, 3),
        ([SHARED, OTHER_BUILD, SHARED], {}, 2),
        ([SHARED] * 2, {"shareTabs": False}, 2),
    ],
    ids=["without-the-switch", "two-builds", "opted-out"],
)
def test_what_must_not_share_does_not(
    tab: OpenTab,
    server: CountingServer,
    modules: list[str],
    options: dict[str, Any],
    connections: int,
) -> None:
    """Without --share-tabs every tab has its own connection; a build with other options shares
    only with its own kind; a socket created with `shareTabs: false` has its own."""
    tabs = [tab(module) for module in modules]
    open_in_tabs(tabs, server.url, **options)
    time.sleep(0.3)  # room for a connection too many to show
    assert len(server.connections) == server.handshakes == connections
