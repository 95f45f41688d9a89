"""--share-tabs in Chromium: what a server sees of U users with T tabs each, at a 1012, with and
without the switch, beside the anchors; and the hand-over when the tab holding the connection
closes: how long the other tabs wait, and what is lost.

Each user is a BrowserContext (one browser profile) and each of its tabs a page, all loading
tests/browser/tabs.js with the client under test; the server is tests/support/tabs.py's
CountingServer (an echo server on 127.0.0.1 that counts connections and handshakes).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import BENCH, NODE_MODULES, Check, Context, Section, Table, installed_version
from ours import Unavailable, render

from tests.support.browser import StaticServer, launched_browser
from tests.support.tabs import TAB_PAGE, TABS_SCRIPT, CountingServer

# Ours in the default profile with and without the switch, and the anchors with a queue and
# backoff, whose drop-in classes open a connection per tab.
ANCHORS = {"reconnecting-websocket": "reconnecting-websocket", "partysocket": "partysocket/ws"}
BACK_WITHIN_S = 30  # every tab is back well inside this after a 1012 (ours: 1-5 s window)
QUIET_S = 1.5  # after the last expected connection, how long extra ones have to show


def client_files(ctx: Context, folder: Path) -> dict[str, str]:
    """Each client's module in `folder`, by row label: ours rendered by the CLI, each anchor
    bundled by esbuild as a module exporting its class as ReconnectingSocket."""
    files = {}
    render(["--share-tabs"], folder / "shared.js")
    files["**wsgen --share-tabs**"] = "shared.js"
    render([], folder / "default.js")
    files["wsgen default"] = "default.js"
    for package, module in ANCHORS.items():
        entry = folder / f"{package}-entry.js"
        entry.write_text(f'export {{ default as ReconnectingSocket }} from "{module}";\n')
        esbuild = str(NODE_MODULES / ".bin" / "esbuild")
        out = f"--outfile={folder / f'{package}.js'}"
        subprocess.run(
            [esbuild, str(entry), "--bundle", "--format=esm", out, "--log-level=warning"],
            cwd=BENCH,
            env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
            check=True,
            timeout=60,
        )
        files[f"{package} {installed_version(package)}"] = f"{package}.js"
    shutil.copy(TABS_SCRIPT, folder / "tabs.js")
    (folder / "index.html").write_text(TAB_PAGE, encoding="utf-8")
    return files


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def open_users(browser: Any, site: str, module: str, url: str, users: int, tabs: int) -> list:
    """`users` profiles with `tabs` tabs each, every tab with one socket to `url`."""
    contexts = []
    for _ in range(users):
        context = browser.new_context()
        context.set_default_timeout(60_000)
        for _ in range(tabs):
            page = context.new_page()
            page.goto(f"{site}index.html?module={module}")
            page.wait_for_function("() => window.tabs !== undefined")
            page.evaluate("(url) => tabs.open(url)", url)
        contexts.append(context)
    for context in contexts:
        for page in context.pages:
            page.wait_for_function("() => tabs.sockets[0].readyState === 1")
    return contexts


def opens(page: Any) -> int:
    count: int = page.evaluate("tabs.log[0].filter((row) => row.type === 'open').length")
    return count


def at_a_restart(browser: Any, site: str, module: str, users: int, tabs: int) -> list[str]:
    """One client's row: connections for the users' tabs, then what a 1012 brings back."""
    with CountingServer() as server:
        contexts = open_users(browser, site, module, server.url, users, tabs)
        time.sleep(QUIET_S)
        before, handshakes = len(server.connections), server.handshakes
        server.close_all(1012, "restart")
        [(closed_at, _)] = server.closes
        expected = before  # each connection there was comes back once
        back = wait_until(lambda: len(server.connections) >= before + expected, BACK_WITHIN_S)
        time.sleep(QUIET_S)
        reopened = server.connections[before:]
        every_tab_back = all(opens(page) >= 2 for context in contexts for page in context.pages)
        last = max((c.opened_at for c in reopened), default=closed_at) - closed_at
        for context in contexts:
            context.close()
    return [
        f"{users} x {tabs}",
        f"{before:,}",
        f"{len(reopened):,}",
        f"{server.handshakes - handshakes:,}",
        f"{last:.1f} s" if back and every_tab_back else "not all back",
    ]


def hand_over(browser: Any, site: str, trial: int) -> dict[str, Any]:
    """Three tabs share a connection and send every 50 ms while the server sends every 50 ms;
    the tab holding the connection (the first) closes. What the server and the tabs left saw."""
    with CountingServer() as server:
        url = f"{server.url}trial{trial}"
        [context] = open_users(browser, site, "shared.js", url, 1, 3)
        holder, *followers = context.pages
        for number, page in enumerate(context.pages):
            page.evaluate("(prefix) => tabs.startSending(0, prefix, 50)", f"tab{number}")
        stop = False
        sent_by_server: list[int] = []

        async def tick() -> None:
            n = 0
            while not stop:
                n += 1
                for socket in server.live():
                    await socket.send(f"s-{n}")
                    sent_by_server.append(n)
                await asyncio.sleep(0.05)

        ticking = server.start(tick())
        time.sleep(1)
        handed_before_close = holder.evaluate("tabs.sentSoFar('tab0')")
        closed_at = time.monotonic()
        holder.close()
        for page in followers:
            page.wait_for_function("() => tabs.log[0].filter((r) => r.type === 'open').length >= 2")
        time.sleep(1)
        stop = True
        ticking.result(5)
        sent = {
            number: page.evaluate(f"tabs.stopSending('tab{number}')")
            for number, page in enumerate(followers, start=1)
        }
        for page in followers:
            page.wait_for_function("() => tabs.sockets[0].bufferedAmount === 0")
        wait_until(
            lambda: all(f"tab{n}-{count}" in server.received() for n, count in sent.items()), 10
        )
        time.sleep(0.3)
        received = server.received()
        old, new = server.connections[0], server.connections[1]
        inbound = [
            [
                int(row["data"][2:])
                for row in page.evaluate("tabs.log[0]")
                if row["type"] == "message" and row.get("data", "").startswith("s-")
            ]
            for page in followers
        ]
        context.close()
    followers_lost = sum(
        len(
            set(range(1, count + 1))
            - {int(m.split("-")[1]) for m in received if m.startswith(f"tab{n}-")}
        )
        for n, count in sent.items()
    )
    mine = [int(m.split("-")[1]) for m in received if m.startswith("tab0-")]
    return {
        "gap_ms": (new.opened_at - (old.ended_at or new.opened_at)) * 1000,
        "after_close_ms": (new.opened_at - closed_at) * 1000,
        "followers_lost": followers_lost,
        "duplicates": len(received) - len(set(received)),
        "holder_lost": len(set(range(1, handed_before_close + 1)) - set(mine)),
        "holder_sent": handed_before_close,
        "inbound_lost": max(len(set(sent_by_server) - set(seen)) for seen in inbound),
        "inbound_duplicates": max(len(seen) - len(set(seen)) for seen in inbound),
        "most_open": server.most_open_at_once,
    }


def run(ctx: Context) -> Section:
    users, tabs = (2, 2) if ctx.quick else (20, 3)
    trials = 1 if ctx.quick else 10
    section = Section(
        "Tabs of one browser (--share-tabs)",
        [
            "client",
            "users x tabs",
            "connections",
            "new connections at a 1012",
            "handshakes at a 1012",
            "last one back after the 1012",
        ],
    )
    section.notes.append(
        f"Headless Chromium: {users} users, each a browser profile (a Playwright BrowserContext) "
        f"with {tabs} tabs, every tab one socket to the same URL on an echo server on 127.0.0.1 "
        "that then closes every connection with 1012. Ours in the default profile (a 1-5 s "
        "restart window) with and without --share-tabs; the anchors with their defaults, "
        "bundled by esbuild. bench/share_tabs.py."
    )
    folder = ctx.tmp / "share-tabs"
    folder.mkdir(exist_ok=True)
    try:
        files = client_files(ctx, folder)
    except Unavailable as why:
        section.notes.append(f"--share-tabs: not available yet ({why}).")
        return section
    with StaticServer(folder) as static, launched_browser() as browser:
        rows = {
            name: at_a_restart(browser, static.url, module, users, tabs)
            for name, module in files.items()
        }
        trials_seen = [hand_over(browser, static.url, trial) for trial in range(trials)]
    for name, row in rows.items():
        section.rows.append([name, *row])
    shared = rows["**wsgen --share-tabs**"]
    section.checks.append(
        Check(
            f"--share-tabs: {users} connections for {users} x {tabs} tabs, and one reconnect per "
            "browser at a 1012",
            f"{shared[1]} connections, {shared[2]} back",
            shared[1] == shared[2] == f"{users:,}",
        )
    )
    gaps = [t["gap_ms"] for t in trials_seen]
    after = [t["after_close_ms"] for t in trials_seen]
    section.subtables.append(
        Table(
            "Hand-over: the tab holding the connection closes",
            ["measure", "figure"],
            [
                ["trials (users of 3 tabs)", str(trials)],
                [
                    "new connection opened after the tab's close, median / max",
                    f"{statistics.median(after):.0f} / {max(after):.0f} ms",
                ],
                [
                    "new connection opened after the old one closed at the server, median / max",
                    f"{statistics.median(gaps):.0f} / {max(gaps):.0f} ms",
                ],
                ["most connections open at once", str(max(t["most_open"] for t in trials_seen))],
                [
                    "messages of the tabs left, lost / duplicated",
                    f"{sum(t['followers_lost'] for t in trials_seen)} / "
                    f"{sum(t['duplicates'] for t in trials_seen)}",
                ],
                [
                    "messages the closing tab had sent, lost",
                    f"{sum(t['holder_lost'] for t in trials_seen)} of "
                    f"{sum(t['holder_sent'] for t in trials_seen)}",
                ],
                [
                    "server messages (one per 50 ms) a tab left missed, most in a trial",
                    f"{max(t['inbound_lost'] for t in trials_seen)} (duplicated: "
                    f"{max(t['inbound_duplicates'] for t in trials_seen)})",
                ],
            ],
        )
    )
    section.checks.append(
        Check(
            "hand-over: nothing the tabs left sent is lost or repeated; never two connections",
            f"{sum(t['followers_lost'] for t in trials_seen)} lost, "
            f"{sum(t['duplicates'] for t in trials_seen)} repeated, at most "
            f"{max(t['most_open'] for t in trials_seen)} open",
            all(
                t["followers_lost"] == t["duplicates"] == 0 and t["most_open"] == 1
                for t in trials_seen
            ),
        )
    )
    section.notes.append(
        "Hand-over: each trial is a fresh profile of 3 tabs sharing a connection, each tab "
        "sending a numbered message every 50 ms and the server sending one every 50 ms; the "
        "first tab (which holds the connection) is closed after 1 s. 'Sent, lost' counts the "
        "closing tab's messages it had sent before its close that the server never received "
        "(handed to its socket, or still in its page, when the page went); 'server messages "
        "missed' are those the server sent on the old connection that the closing tab's page "
        "never passed on: it was going away."
    )
    return section
