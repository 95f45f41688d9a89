"""Tabs of one browser profile for the --share-tabs tests: the pages of one Playwright
BrowserContext, each running ReconnectingSockets through tests/browser/tabs.js, and a server that
counts what sharing is meant to keep low: connections, handshakes, and connections open at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from tests.support.lateness import allow
from tests.support.servers import Script, ScriptedServer

TABS_SCRIPT = Path(__file__).resolve().parent.parent / "browser" / "tabs.js"

# The page every tab loads; `?module=NAME` picks which generated file it imports (two builds
# side by side), default reconnecting-socket.js.
TAB_PAGE = """<!doctype html>
<meta charset="utf-8">
<title>tab</title>
<script type="module" src="tabs.js"></script>
"""


class CountingServer(ScriptedServer):
    """A ScriptedServer that echoes by default (tests tell each tab's message by its text) and
    counts handshakes, and the most connections it had open at once, per path and overall.
    A connection counts as open from its handshake until its TCP connection is gone: on a
    loaded machine the handler can still be echoing what came before the end, and a new
    connection's handshake would then seem to overlap a connection already closed."""

    def __init__(self, subprotocols: list[str] | None = None) -> None:
        super().__init__(default=Script(echo=True))
        self.subprotocols = subprotocols
        self.max_queue = None  # the end of a connection is read when it comes
        self.handshakes = 0
        self.most_open: dict[str, int] = {}
        """Per path: the most connections open at the same moment."""
        self.closes: list[tuple[float, int]] = []
        """(time.monotonic(), code) of each close_all()."""
        self.longest_overlap = 0.0
        """The longest a connection stayed open after a newer one's handshake, in seconds."""
        self._open: dict[ServerConnection, tuple[str, float]] = {}
        """Each connection open now: its path, and when its handshake came."""

    @property
    def most_open_at_once(self) -> int:
        return max(self.most_open.values(), default=0)

    async def _process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        self.handshakes += 1
        return None

    async def _handle(self, websocket: ServerConnection) -> None:
        assert websocket.request is not None
        path = websocket.request.path
        opened = time.monotonic()
        self._open[websocket] = (path, opened)
        open_here = sum(1 for each, _ in self._open.values() if each == path)
        self.most_open[path] = max(self.most_open.get(path, 0), open_here)

        def gone(_: object) -> None:
            now = time.monotonic()
            del self._open[websocket]
            for other_path, other_opened in self._open.values():
                if other_path == path and other_opened > opened:
                    self.longest_overlap = max(self.longest_overlap, now - other_opened)

        websocket.connection_lost_waiter.add_done_callback(gone)
        await super()._handle(websocket)

    def start(self, coroutine: Coroutine[Any, Any, Any]) -> Future[Any]:
        """Run `coroutine` on the server's loop, in the background."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._thread.loop)

    def live(self) -> list[ServerConnection]:
        return [socket for socket in self._sockets.values() if socket.state.name == "OPEN"]

    def send_all(self, *messages: str | bytes) -> None:
        """Send `messages`, in order, on every open connection."""

        async def send() -> None:
            for socket in self.live():
                for message in messages:
                    await socket.send(message)

        self._thread.call(send())

    def close_all(self, code: int, reason: str = "") -> None:
        """Close every open connection with `code`, now."""

        async def close() -> None:
            self.closes.append((time.monotonic(), code))
            for index, socket in self._sockets.items():
                if socket.state.name == "OPEN":
                    await self._close(index, code, reason)

        self._thread.call(close())

    def received(self) -> list[str]:
        """Every text message received, over every connection in the order they opened."""
        return [
            message
            for connection in self.connections
            for message in connection.messages
            if isinstance(message, str)
        ]


class Tab:
    """One page of the profile, seen from the test: sockets opened in it are numbered from 0."""

    def __init__(self, page: Any, site: str, module: str = "reconnecting-socket.js") -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(f"{site}index.html?module={module}")
        page.wait_for_function("() => window.tabs !== undefined")

    def open(
        self, url: str, protocols: Any = None, binary_type: str | None = None, **options: Any
    ) -> int:
        index: int = self.page.evaluate(
            "([url, protocols, options, type]) => tabs.open(url, protocols, options, type)",
            [url, protocols, options, binary_type],
        )
        return index

    def call(self, method: str, *arguments: Any) -> Any:
        """`tabs[method](...arguments)` in the page."""
        return self.page.evaluate("([method, args]) => tabs[method](...args)", [method, arguments])

    def events(self, socket: int = 0, kind: str | None = None) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.call("events", socket)
        return [event for event in events if kind is None or event["type"] == kind]

    def state(self, socket: int = 0) -> dict[str, Any]:
        state: dict[str, Any] = self.call("state", socket)
        return state

    def wait(self, condition: str, socket: int = 0, timeout: float = 10) -> None:
        """Wait until `condition` holds, JavaScript over `s` (the socket) and `e` (its events)."""
        script = (
            f"(i) => {{ const s = tabs.sockets[i]; const e = tabs.log[i]; return {condition}; }}"
        )
        try:
            self.page.wait_for_function(script, arg=socket, timeout=allow(timeout) * 1000)
        except PlaywrightTimeout:
            # What the socket went through says why far better than the timeout alone.
            log = self.page.evaluate("(i) => JSON.stringify(tabs.log[i])", socket)
            raise AssertionError(f"never true: {condition}; its events: {log[-4000:]}") from None

    def opens(self, socket: int = 0) -> int:
        return len(self.events(socket, "open"))
