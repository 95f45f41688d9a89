"""Real servers for behaviour tests, each on 127.0.0.1 in a background thread.

`ListeningServer` is a Python `websockets` server that can stop listening for a while and come
back on the same port. `ScriptedServer` builds on it: its n-th connection follows the n-th
`Script` (close with a code after a delay, drop TCP, go down for a while, echo), and it records
every connection and message with server-side monotonic times, so tests measure delays where they
happen. `StallingServer` accepts TCP and never answers the handshake. `tests/support/chaos.py`
builds its random fault-injecting server on `ListeningServer` too.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.support.lateness import allow


@dataclass(frozen=True)
class Script:
    """What the server does with one connection. Without `after` it keeps the connection."""

    after: float | None = None
    """Seconds after the handshake to end the connection."""
    code: int = 1000
    reason: str = ""
    drop: bool = False
    """End by aborting TCP, with no close frame (the client sees 1006)."""
    down_for: float = 0.0
    """Then stop listening (connections are refused) for this many seconds."""
    echo: bool = False
    echo_limit: int | None = None
    """With `echo`: answer only this many messages, then stay silent (like a peer that is
    gone but whose TCP connection was never closed)."""
    greet: str | bytes | None = None
    """Sent to the client as soon as it connects (bytes go as a binary frame)."""


@dataclass
class Connection:
    index: int
    opened_at: float
    path: str = "/"
    messages: list[str | bytes] = field(default_factory=list)
    ended_at: float | None = None
    close_code: int | None = None
    closing_at: float | None = None
    """When a script began to end it (close frame sent or TCP aborted): the client cannot see the
    end earlier, so delays measured from here have a sound lower bound. `ended_at` is when this
    server's handler finished, which a loaded machine can delay past the client's close event."""


class _LoopThread:
    """An asyncio loop in a daemon thread; `call` runs a coroutine there and waits for it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


class _ThreadedServer:
    """A server on 127.0.0.1 whose coroutines run in its own loop thread: `with` starts it
    (`_listen`, which sets `port`) and shuts it down (`_shutdown`)."""

    def __init__(self) -> None:
        self._thread = _LoopThread()
        self.port = 0

    def __enter__(self) -> Self:
        self._thread.call(self._listen())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._thread.call(self._shutdown())
        self._thread.stop()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def _listen(self) -> None:
        raise NotImplementedError

    async def _shutdown(self) -> None:
        raise NotImplementedError


class ListeningServer(_ThreadedServer):
    """A Python `websockets` server on 127.0.0.1 in its own loop thread, which can stop listening
    for a while (connections are refused) and come back on the same port. Subclasses say what
    happens to each connection (`_handle`) and, if they wish, to each handshake request
    (`_process_request`)."""

    def __init__(self) -> None:
        super().__init__()
        self.down_periods: list[tuple[float, float]] = []
        self.subprotocols: list[str] | None = None
        """Subprotocols the server picks from a client's list (the first it knows)."""
        self.max_queue: int | None = 16
        """Frames read ahead of the handler (websockets' default); None reads every frame as
        it comes, so a connection's end is seen at once, not after its queued messages."""
        self._servers: list[Server] = []
        self._listening = False
        self._comeback: asyncio.TimerHandle | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    async def _listen(self) -> None:
        server = await serve(
            self._handle,
            "127.0.0.1",
            self.port,
            process_request=self._process_request,
            compression=None,
            ping_interval=None,
            subprotocols=self.subprotocols,  # type: ignore[arg-type]
            max_queue=self.max_queue,
        )
        self._servers.append(server)
        self._listening = True
        self.port = server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._comeback:
            self._comeback.cancel()
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()

    async def _go_down(self, seconds: float) -> None:
        """Stop listening for `seconds`; a no-op while already down (the port is not ours)."""
        if not self._listening:
            return
        # Stop listening first, so that a client's fast retry is refused rather than accepted.
        self._servers[-1].server.close()
        self._listening = False
        began = time.monotonic()
        self.down_periods.append((began, began + seconds))
        self._comeback = asyncio.get_running_loop().call_later(
            seconds, lambda: asyncio.ensure_future(self._listen())
        )

    # -- behaviour -----------------------------------------------------------------------------
    async def _handle(self, websocket: ServerConnection) -> None:
        raise NotImplementedError

    async def _process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        return None  # complete the handshake

    # -- waiting -------------------------------------------------------------------------------
    def wait_until(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        """Poll `condition`; the `timeout` stretches with the machine's load (lateness.allow)."""
        deadline = time.monotonic() + allow(timeout)
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("server condition not met in time")
            time.sleep(0.01)


class ScriptedServer(ListeningServer):
    def __init__(
        self,
        scripts: Sequence[Script] | Callable[[int], Script] = (),
        default: Script = Script(),
    ) -> None:
        super().__init__()
        self._scripts = scripts
        self._default = default
        self.connections: list[Connection] = []
        self._sockets: dict[int, ServerConnection] = {}

    def _script_for(self, index: int) -> Script:
        if callable(self._scripts):
            return self._scripts(index)
        return self._scripts[index] if index < len(self._scripts) else self._default

    async def _handle(self, websocket: ServerConnection) -> None:
        record = Connection(len(self.connections), time.monotonic(), websocket.request.path)
        self.connections.append(record)
        self._sockets[record.index] = websocket
        script = self._script_for(record.index)
        ender = (
            asyncio.create_task(self._end(record, websocket, script))
            if script.after is not None
            else None
        )
        try:
            if script.greet is not None:
                await websocket.send(script.greet)
            async for message in websocket:
                record.messages.append(message)
                answered = len(record.messages) - 1
                if script.echo and (script.echo_limit is None or answered < script.echo_limit):
                    await websocket.send(message)
        except ConnectionClosed:
            pass
        finally:
            record.ended_at = time.monotonic()
            record.close_code = websocket.close_code
            if ender and not ender.done():
                await ender

    async def _end(self, record: Connection, websocket: ServerConnection, script: Script) -> None:
        assert script.after is not None
        await asyncio.sleep(script.after)
        record.closing_at = time.monotonic()
        if script.down_for:
            await self._go_down(script.down_for)
        if script.drop:
            websocket.transport.abort()
        else:
            await websocket.close(script.code, script.reason)

    async def _close(self, index: int, code: int, reason: str) -> None:
        self.connections[index].closing_at = time.monotonic()
        await self._sockets[index].close(code, reason)

    def close(self, index: int, code: int, reason: str = "") -> None:
        """Close connection `index` with `code` now, at the moment a test chooses rather than
        on a script's clock."""
        self._thread.call(self._close(index, code, reason))

    def drop(self, index: int) -> None:
        """Abort connection `index`'s TCP now, with no close frame (the client sees 1006),
        at the moment a test chooses rather than on a script's clock."""
        transport = self._sockets[index].transport
        self._thread.loop.call_soon_threadsafe(transport.abort)


class StallingServer(_ThreadedServer):
    """Accepts TCP connections and never answers, as a hung server or proxy would."""

    def __init__(self) -> None:
        super().__init__()
        self._server: asyncio.Server | None = None
        self.accepted = 0

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._hold, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        with contextlib.suppress(ConnectionError):
            while await reader.read(4096):
                pass
        writer.close()

    async def _shutdown(self) -> None:
        assert self._server
        self._server.close()
        # Connections still held are cut here, so the suite never waits on them.
        await asyncio.wait_for(self._server.wait_closed(), 5)
