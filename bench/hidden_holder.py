"""--share-tabs with the connection held by a hidden tab: does Chromium's throttling of timers in
hidden pages keep the restart window and the heartbeat on time?

Chromium runs the timers of a hidden page at most once a second; after 5 minutes hidden it runs
"chained" ones (set from a timer's own callback, five deep or more) at most once a minute
(intensive wake-up throttling), unless the page is opted out, which an open WebSocket does.
Here a real Chromium holds the shared connection in a background tab while a visible tab of the
same profile follows it, beside the same run with the visible tab holding it, and beside a
control: a background tab without a socket, whose 100 ms timer re-arms itself. The 5 minutes
are shortened to 10 s with Chromium's own switch
(`--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/10`); the rules are
otherwise the browser's. Playwright's launch keeps every page visible, so Chromium is started
here with a DevTools port and Playwright attaches to it without changing what pages report.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import Check, Context, Section
from ours import Unavailable, render

from tests.support.browser import LAUNCH_ARGS, StaticServer, find_chromium
from tests.support.servers import ListeningServer
from tests.support.tabs import TAB_PAGE, TABS_SCRIPT

GRACE_S = 10  # Chromium's 5 minutes hidden before intensive throttling, shortened
QUICK_GRACE_S = 3  # --quick: shorter still, and no wait for a dead peer (up to a minute)
FLAGS = ["--share-tabs", "--restart-delay", "1s-2s", "--heartbeat", "2s"]
FLAGS += ["--heartbeat-timeout", "2s", "--backoff-initial", "100ms"]
BUSY_EVERY_S = 0.2  # the server's messages while the connection is busy
POLL_MS = 100  # Playwright's waits poll by timer: a hidden page runs no animation frames
BUSY_AFTER_GRACE_S = 30
# The control tab's timer, re-armed from its own callback every 100 ms: how long it went without
# running, up to now, is what intensive throttling does to a page without a socket.
CHAINED_TIMER = """() => {
  const ticks = [performance.now()];
  const tick = () => { ticks.push(performance.now()); setTimeout(tick, 100); };
  setTimeout(tick, 100);
  window.longestGap = () =>
    Math.max(...[...ticks, performance.now()].slice(1).map((at, i) => at - ticks[i]));
}"""


class HeartbeatServer(ListeningServer):
    """Echoes, unless told to play dead (a peer gone without a close: nothing comes back); sends
    on every open connection when asked; records when each message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.silent = False
        self.arrivals: list[tuple[float, str]] = []
        self.opened: list[float] = []
        self.closed: list[float] = []
        self.sockets: list[Any] = []

    async def _handle(self, websocket: Any) -> None:
        self.opened.append(time.monotonic())
        self.sockets.append(websocket)
        try:
            async for message in websocket:
                self.arrivals.append((time.monotonic(), message))
                if not self.silent:
                    await websocket.send(message)
        except Exception:  # the connection went: that is all there is to record
            pass

    def run(self, coroutine: Any, timeout: float = 120) -> Any:
        return self._thread.call(coroutine, timeout)

    async def busy(self, seconds: float) -> None:
        """A message every BUSY_EVERY_S on every open connection for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for socket in self.sockets:
                if socket.state.name == "OPEN":
                    await socket.send("news")
            await asyncio.sleep(BUSY_EVERY_S)

    async def close_all(self, code: int) -> float:
        closed = time.monotonic()
        for socket in self.sockets:
            if socket.state.name == "OPEN":
                await socket.close(code)
        return closed


@contextmanager
def chromium_with_real_visibility(grace: int) -> Iterator[Any]:
    """Chromium started here, with intensive throttling after `grace` seconds hidden, and
    Playwright attached to it: its pages are the tabs of one window, the front one visible."""
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="wsgen-hidden-"))
    feature = f"--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/{grace}"
    command = [find_chromium(), *LAUNCH_ARGS, "--remote-debugging-port=0", feature]
    process = subprocess.Popen(
        [*command, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(
                f"http://127.0.0.1:{port}", no_defaults=True
            )
            yield browser.contexts[0]
            browser.close()
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


def measure(context: Any, site: str, hidden_holder: bool, quick: bool) -> dict[str, Any]:
    """One run: the holder hidden or visible, after the grace period of busy traffic."""
    grace = QUICK_GRACE_S if quick else GRACE_S
    with HeartbeatServer() as server:
        back, control = context.pages[0], context.new_page()
        front = context.new_page()  # the newest page is the front tab; the others are hidden
        for page in (back, control, front):
            page.goto(f"{site}index.html")
            page.wait_for_function("() => window.tabs !== undefined", polling=POLL_MS)
        control.evaluate(CHAINED_TIMER)
        holder, follower = (back, front) if hidden_holder else (front, back)
        for page in (holder, follower):  # the first to open holds the connection
            page.evaluate("(url) => tabs.open(url)", server.url)
            page.wait_for_function("() => tabs.sockets[0].readyState === 1", polling=POLL_MS)
        seen = {"holder": holder.evaluate("document.visibilityState")}
        # Busy past the grace period: the heartbeat's timer re-arms itself, a chain.
        server.run(server.busy(grace + (1 if quick else BUSY_AFTER_GRACE_S)))
        seen["dead_after_s"] = None
        if not quick:
            # The peer goes silent: how long until the holder gives the connection up?
            server.silent = True
            silent_at = time.monotonic()
            reason = "() => tabs.log[0].some((row) => row.reason === 'heartbeat timeout')"
            follower.wait_for_function(reason, timeout=90_000, polling=POLL_MS)
            seen["dead_after_s"] = time.monotonic() - silent_at
            server.silent = False
            follower.wait_for_function("() => tabs.sockets[0].readyState === 1", polling=POLL_MS)
        # Quiet and answered: the heartbeat's own rhythm.
        started = time.monotonic()
        time.sleep(5 if quick else 12)
        pings = [at for at, message in server.arrivals if at > started and message == "ping"]
        seen["ping_gaps_s"] = [b - a for a, b in itertools.pairwise(pings)]
        # 1012s: the restart window's timer is set from the close, not from a timer.
        late = []
        for _ in range(1 if quick else 3):
            opened = len(server.opened)
            closed = server.run(server.close_all(1012))
            deadline = time.monotonic() + 20
            while len(server.opened) == opened and time.monotonic() < deadline:
                time.sleep(0.01)
            rows = follower.evaluate("tabs.log[0]")
            drawn = [row["delay"] for row in rows if row.get("code") == 1012][-1]
            late.append((server.opened[-1] - closed) * 1000 - drawn)
            follower.wait_for_function("() => tabs.sockets[0].readyState === 1", polling=POLL_MS)
        seen["restart_late_ms"] = late
        seen["control_gap_s"] = control.evaluate("() => longestGap() / 1000")
        front.close()
        control.close()
        back.goto("about:blank")
    return seen


def run(ctx: Context) -> Section:
    section = Section(
        "A hidden tab holding the shared connection (Chromium)",
        [
            "tab holding the connection",
            "its visibility",
            "dead peer found after",
            "heartbeat every 2 s, measured",
            "1012: late on the drawn delay",
        ],
    )
    section.notes.append(__doc__.split("\n\n", 1)[1].replace("\n", " ").strip())
    section.notes.append(
        "Each run: a profile of two tabs sharing a connection (`wsgen generate "
        + " ".join(FLAGS)
        + f"`), the server sending a message every 0.2 s for the grace period and "
        f"{BUSY_AFTER_GRACE_S} s more "
        "(the heartbeat's timer then re-arms itself from its own callback); then the peer "
        "goes silent (no answer, no close), then it answers pings while sending nothing else "
        "(the heartbeat's own rhythm), then closes with 1012. A visible holder finds a silent "
        "peer within the interval plus the timeout (4 s)."
    )
    folder = ctx.tmp / "hidden-holder"
    folder.mkdir(exist_ok=True)
    try:
        render(FLAGS, folder / "reconnecting-socket.js")
    except Unavailable as why:
        section.notes.append(f"--share-tabs: not available yet ({why}).")
        return section
    shutil.copy(TABS_SCRIPT, folder / "tabs.js")
    (folder / "index.html").write_text(TAB_PAGE, encoding="utf-8")
    results = {}
    grace = QUICK_GRACE_S if ctx.quick else GRACE_S
    with StaticServer(folder) as static, chromium_with_real_visibility(grace) as context:
        for hidden in (False, True):
            results[hidden] = measure(context, static.url, hidden, ctx.quick)
    for hidden, seen in results.items():
        gaps = seen["ping_gaps_s"]
        late = seen["restart_late_ms"]
        dead = seen["dead_after_s"]
        section.rows.append(
            [
                "the background one" if hidden else "the front one",
                seen["holder"],
                "not measured (--quick)" if dead is None else f"{dead:.1f} s",
                f"{statistics.median(gaps):.1f} s (max {max(gaps):.1f})" if gaps else "no ping",
                f"{min(late):+.0f} to {max(late):+.0f} ms",
            ]
        )
    hidden, visible = results[True], results[False]
    section.notes.append(
        "Control: the background tab without a socket went "
        f"{hidden['control_gap_s']:.0f} s without running its 100 ms timer (intensive "
        "throttling in force); the background tab holding the connection ran its own timers "
        "within a second of time throughout."
    )
    section.checks.append(
        Check(
            "a hidden holder keeps the restart window (at most 1 s late)",
            json.dumps([round(ms) for ms in hidden["restart_late_ms"]]) + " ms",
            max(hidden["restart_late_ms"]) <= 1000,
        )
    )
    if hidden["dead_after_s"] is not None:
        section.checks.append(
            Check(
                "a hidden holder finds a silent peer within 2 s of a visible one",
                f"{hidden['dead_after_s']:.1f} s vs {visible['dead_after_s']:.1f} s",
                hidden["dead_after_s"] <= visible["dead_after_s"] + 2,
            )
        )
    return section
