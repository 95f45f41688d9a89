"""The `wsgen demo` server: one port on 127.0.0.1 for the page, the module and the WebSocket.

Python `websockets` answers plain HTTP from its `process_request` hook (the page, its files and
the page's control requests) and upgrades requests for SOCKET_PATH. The page's buttons ask the
server, through CONTROL_PATH, to act on the page's live connection.

A "restart" closes every connection with 1012 and then, for the seconds chosen, answers each
WebSocket handshake with HTTP 503 (and a Retry-After). The port itself stays open so that the
page and the module can still load; a browser reports a refused handshake exactly as it reports
a refused TCP connection (an error, then close 1006), so the generated module sees what it would
see during a real restart.

Only the demo's own page may use it: a request whose Host is not the demo's address
is refused (DNS rebinding), and so is a WebSocket handshake whose Origin is another page. What
it keeps is bounded, and SIGTERM closes every connection with 1012, as a restarting server
should, before exiting 0.
"""

from __future__ import annotations

import asyncio
import json
import math
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from ..codes import lookup
from .page import (
    ACTIONS_BY_NAME,
    CONTROL_PATH,
    CUSTOM_ACTION,
    SOCKET_PATH,
    Asset,
    Site,
)

HOST = "127.0.0.1"
MAX_DOWN_FOR = 60.0  # seconds a restart may refuse connections
# Bounds on what the demo keeps, so a page (or anything else) sending much cannot grow it.
MAX_MESSAGE_BYTES = 64 * 1024  # larger messages close the connection with 1009
KEPT_MESSAGES = 100  # per connection, the latest
KEPT_CONNECTIONS = 1000  # the latest

Report = Callable[[str], None]

# What a server may put in a close frame: RFC 6455 §7.4.1 keeps 1004 (reserved), 1005, 1006 and
# 1015 (reported locally) off the wire, and 1016-2999 are unassigned.
SENDABLE_CODES: tuple[tuple[int, int], ...] = ((1000, 1003), (1007, 1014), (3000, 4999))
MAX_REASON_BYTES = 123  # a close frame's payload is at most 125 bytes, 2 of them the code


def can_send(code: int) -> bool:
    return any(first <= code <= last for first, last in SENDABLE_CODES)


def _quiet(_: str) -> None:
    pass


class ControlError(Exception):
    """A control request the server cannot carry out; `str()` is shown on the page."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class DemoConnection:
    """One accepted WebSocket connection, as the server saw it."""

    number: int
    client: str
    opened_at: float
    socket: ServerConnection
    messages: list[str] = field(default_factory=list)
    """The latest KEPT_MESSAGES messages received."""
    closed_at: float | None = None


def code_label(code: int) -> str:
    row = lookup(code)
    return f"{code} {row.name}" if row else str(code)


class DemoServer:
    """The demo's server. `start()` and `stop()` run on the loop that serves it."""

    def __init__(self, site: Site, port: int = 0, report: Report = _quiet) -> None:
        self._site = site
        self._port = port
        self._report = report
        self._server: Server | None = None
        self._refusing_until = 0.0
        self._live: dict[str, DemoConnection] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self.connections: list[DemoConnection] = []
        """The latest KEPT_CONNECTIONS connections accepted, in order (read by tests)."""
        self._accepted = 0
        self.refused = 0
        """WebSocket handshakes answered with 503 during a restart."""
        self.restarts: list[tuple[float, float]] = []
        """(began, refusing until) of every restart, in time.monotonic() seconds."""

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    async def start(self) -> None:
        """Listen on HOST; raises OSError when the port is taken."""
        self._server = await serve(
            self._handle,
            HOST,
            self._port,
            process_request=self._process_request,
            server_header=None,
            close_timeout=1,
            compression=None,
            max_size=MAX_MESSAGE_BYTES,
        )

    async def stop(self) -> None:
        """Close the listener and every connection (clients see 1001 Going Away)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def restart_stop(self) -> None:
        """Stop as a restarting server does: every connection closed with 1012 Service Restart,
        so clients come back inside their restart window; then the listener."""
        if self._server is None:
            return
        self._server.close(close_connections=False)
        action = ACTIONS_BY_NAME["restart"]
        closing = [socket.close(action.code, action.reason) for socket in self._server.connections]
        await asyncio.gather(*closing, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def open_count(self) -> int:
        """Connections open now: with --share-tabs, one however many tabs show the page."""
        return sum(1 for connection in self.connections if connection.closed_at is None)

    def _own_hosts(self) -> set[str]:
        hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        return hosts | ({HOST, "localhost"} if self.port == 80 else set())

    # -- HTTP ---------------------------------------------------------------------------------
    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        # DNS rebinding: a hostile name resolving to 127.0.0.1 reaches this port with its own
        # Host; only the demo's own address may be served.
        if request.headers.get("Host", "").lower() not in self._own_hosts():
            return connection.respond(HTTPStatus.MISDIRECTED_REQUEST, "not the demo's address\n")
        url = urlsplit(request.path)
        if url.path == SOCKET_PATH:
            # Browsers always send Origin with a handshake: only the demo's page may connect.
            # A client without one (a script, a test) is no page acting for a user.
            origin = request.headers.get("Origin")
            if origin is not None and origin.lower() not in {
                f"http://{host}" for host in self._own_hosts()
            }:
                return connection.respond(HTTPStatus.FORBIDDEN, "another page's handshake\n")
            return self._admit(connection)
        if url.path == CONTROL_PATH:
            return self._control(connection, request, parse_qs(url.query))
        asset = self._site.get(url.path)
        if asset is None:
            return connection.respond(HTTPStatus.NOT_FOUND, f"{url.path} is not part of the demo\n")
        return _asset_response(connection, asset)

    def _admit(self, connection: ServerConnection) -> Response | None:
        """None lets the handshake proceed; during a restart the answer is 503."""
        remaining = self._refusing_until - time.monotonic()
        if remaining <= 0:
            return None
        self.refused += 1
        self._report(f"refused a connection: restarting for {remaining:.1f} s more (HTTP 503)")
        response = connection.respond(
            HTTPStatus.SERVICE_UNAVAILABLE, f"restarting; back in {remaining:.1f} s\n"
        )
        response.headers["Retry-After"] = str(math.ceil(remaining))
        return response

    def _control(
        self, connection: ServerConnection, request: Request, query: dict[str, list[str]]
    ) -> Response:
        # Only the demo page may press its buttons: another site's script could reach
        # 127.0.0.1 too, and browsers label such requests cross-site.
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return _json_response(
                connection, HTTPStatus.FORBIDDEN, {"message": "cross-site control refused"}
            )
        values = {name: items[-1] for name, items in query.items()}
        try:
            message = self._act(values)
        except ControlError as error:
            return _json_response(connection, error.status, {"message": str(error)})
        self._report(message)
        return _json_response(connection, HTTPStatus.OK, {"message": message})

    # -- actions ------------------------------------------------------------------------------
    def _act(self, values: dict[str, str]) -> str:
        action = values.get("action", "")
        if action == "restart":
            return self._restart(_seconds(values.get("down", "0")))
        live = self._live.get(values.get("client", ""))
        if live is None:
            raise ControlError(
                HTTPStatus.CONFLICT, "this page has no open connection to act on right now"
            )
        if action == "drop":
            live.socket.transport.abort()
            return f"connection #{live.number}: aborted TCP without a close frame"
        if action == CUSTOM_ACTION:
            code, reason = _custom_close(values.get("code", ""), values.get("reason", ""))
        elif action in ACTIONS_BY_NAME:
            code, reason = ACTIONS_BY_NAME[action].code, ACTIONS_BY_NAME[action].reason
        else:
            known = ", ".join([*ACTIONS_BY_NAME, CUSTOM_ACTION])
            raise ControlError(HTTPStatus.BAD_REQUEST, f"unknown action {action!r}; known: {known}")
        self._close(live, code, reason)
        return f"connection #{live.number}: closed with {code_label(code)}" + (
            f" ({reason})" if reason else ""
        )

    def _restart(self, down_for: float) -> str:
        began = time.monotonic()
        self._refusing_until = began + down_for
        self.restarts.append((began, self._refusing_until))
        action = ACTIONS_BY_NAME["restart"]
        live = list(self._live.values())
        for connection in live:
            self._close(connection, action.code, action.reason)
        return (
            f"restart: closed {len(live)} connection{'s' if len(live) != 1 else ''} with "
            f"{code_label(action.code)}; refusing new ones for {down_for:g} s"
        )

    def _close(self, live: DemoConnection, code: int, reason: str) -> None:
        # The control request is answered at once; the close handshake finishes on its own.
        task = asyncio.get_running_loop().create_task(live.socket.close(code, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # -- WebSocket ----------------------------------------------------------------------------
    async def _handle(self, socket: ServerConnection) -> None:
        assert socket.request is not None
        client = parse_qs(urlsplit(socket.request.path).query).get("client", [""])[-1]
        self._accepted += 1
        live = DemoConnection(self._accepted, client, time.monotonic(), socket)
        self.connections.append(live)
        del self.connections[:-KEPT_CONNECTIONS]
        self._live[client] = live
        try:
            welcome = {"type": "welcome", "connection": live.number, "open": self.open_count}
            await socket.send(json.dumps(welcome))
            async for message in socket:
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                live.messages.append(text)
                del live.messages[:-KEPT_MESSAGES]
                reply = {
                    "type": "delivered",
                    "id": _message_id(text),
                    "connection": live.number,
                    "open": self.open_count,
                }
                await socket.send(json.dumps(reply))
        except ConnectionClosed:
            pass
        finally:
            live.closed_at = time.monotonic()
            if self._live.get(client) is live:
                del self._live[client]


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_DOWN_FOR:
        raise ControlError(
            HTTPStatus.BAD_REQUEST,
            f"down: expected seconds from 0 to {MAX_DOWN_FOR:g}, got {text!r}",
        )
    return seconds


def _custom_close(code_text: str, reason: str) -> tuple[int, str]:
    # isdigit() alone admits digits such as "²" that int() refuses.
    wellformed = code_text.isascii() and code_text.isdigit() and len(code_text) <= 5
    code = int(code_text) if wellformed else 0
    if not can_send(code):
        *most, last = [f"{first}-{end}" for first, end in SENDABLE_CODES]
        allowed = f"{', '.join(most)} or {last}"
        raise ControlError(
            HTTPStatus.BAD_REQUEST, f"code: a server can send {allowed}, got {code_text!r}"
        )
    if len(reason.encode("utf-8")) > MAX_REASON_BYTES:
        raise ControlError(
            HTTPStatus.BAD_REQUEST, f"reason: at most {MAX_REASON_BYTES} bytes of UTF-8"
        )
    return code, reason


def _message_id(text: str) -> object:
    """The page sends {"id": n, "text": ...}; anything else is acknowledged without an id."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed.get("id") if isinstance(parsed, dict) else None


def _asset_response(connection: ServerConnection, asset: Asset) -> Response:
    response = connection.respond(HTTPStatus.OK, "")
    return _with_body(response, asset.content_type, asset.body)


def _json_response(
    connection: ServerConnection, status: HTTPStatus, payload: dict[str, str]
) -> Response:
    response = connection.respond(status, "")
    body = json.dumps(payload).encode("utf-8")
    return _with_body(response, "application/json", body)


def _with_body(response: Response, content_type: str, body: bytes) -> Response:
    # Headers is a multi-dict where assignment adds a value: build it afresh.
    headers = Headers(
        [(name, value) for name, value in response.headers.raw_items() if name == "Date"]
    )
    headers["Connection"] = "close"
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    # Each run serves other flags under the same URLs; a cached module would mislead.
    headers["Cache-Control"] = "no-store"
    return replace(response, headers=headers, body=body)


async def serve_until_interrupted(site: Site, port: int, report: Report) -> None:
    """Serve until cancelled (Ctrl-C cancels the task asyncio.run runs) or SIGTERM, which
    closes every connection with 1012 and returns."""
    server = DemoServer(site, port, report)
    await server.start()
    report(f"wsgen: demo at {server.url}  (Ctrl-C stops it)")
    terminated = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, terminated.set)
    try:
        await terminated.wait()
    except asyncio.CancelledError:
        await server.stop()
        raise
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
    await server.restart_stop()
    report("wsgen: demo stopped (SIGTERM): connections closed with 1012")


def run(site: Site, port: int, report: Report) -> None:
    """Block serving the demo until Ctrl-C; then close every connection and return."""
    try:
        asyncio.run(serve_until_interrupted(site, port, report))
    except KeyboardInterrupt:
        report("wsgen: demo stopped")
