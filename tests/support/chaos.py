"""A chaos server for soak tests: a `websockets` server on 127.0.0.1 that injects faults at random
(seeded) for a bounded time, then ends every client's session with 1000.

Faults, as production servers and networks produce them:

- restart: stop listening, close every open connection with 1012, refuse connections for
  0-500 ms, listen again on the same port;
- drop: abort one connection's TCP without a close frame (the client sees 1006);
- silent: one connection stops reading and answering (not even pongs), as a half-open
  connection behind a dead peer or NAT does: what the client sends is never delivered; after a
  while its TCP is aborted, as the kernel eventually does, so a client without a heartbeat is not
  stuck forever;
- close-1011 / close-1013: close one connection with that code;
- stall (on a handshake): read the HTTP request and answer nothing for a while;
- silent-on-accept (on a handshake): complete it, then go silent at once.

Every kind of fault happens at least once when the run is long enough: until a kind has been
injected, it is preferred over the weighted draw (timed faults), or forced on the first chance
after the chaos clock starts (handshake faults). A run that happened to skip a kind would prove
nothing about it.

Clients name themselves in the query string (`?client=ID&socket=ORDINAL`, the ordinal counting
the client's own WebSocket objects), so every record says whose connection it was.

The ending: when the chaos time is over, no more faults; every open connection (and every new
one) gets the text "finish"; a client answers `{"last": N}` after its last numbered message, and
the server closes that connection with 1000 ("final"). `finals` counts them.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.support.servers import Connection, ListeningServer

FINISH = "finish"
FINAL_CODE = 1000
FINAL_REASON = "soak over"

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "restart": 1,
    "drop": 2,
    "silent": 1,
    "close-1011": 1,
    "close-1013": 1,
}


@dataclass(frozen=True)
class ChaosPlan:
    """How much chaos, for how long. Every duration is in seconds and every range is drawn
    uniformly by a `random.Random(seed)`."""

    seconds: float = 30.0
    """How long faults are injected before the ending."""
    wait_for_clients: int = 0
    """Start the chaos clock once this many clients have connected (at most 10 s from the
    start), so that slow-starting clients do not miss it."""
    seed: int = 1
    gap: tuple[float, float] = (0.05, 0.4)
    """Time between two faults."""
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    down_for: tuple[float, float] = (0.0, 0.5)
    """How long a restart refuses connections."""
    silent_for: tuple[float, float] = (0.3, 1.5)
    """How long a silent connection lives before its TCP is aborted."""
    stall_for: float = 1.0
    stall_chance: float = 0.05
    """Of a handshake: answer nothing for `stall_for`, then 503."""
    silent_on_accept_chance: float = 0.03
    """Of a new connection: go silent right after the handshake."""
    heartbeat: str | None = None
    """A client's heartbeat message: answered with itself (unless silent), not recorded."""


@dataclass(frozen=True)
class Attempt:
    """One opening handshake the server saw (refused TCP connections never get this far)."""

    client: str
    socket: int
    at: float
    stalled: bool


@dataclass
class ChaosConnection(Connection):
    client: str = ""
    socket: int = 0
    fate: str = ""
    """What ended it: a fault's name, "final" (the closing 1000) or "client" (the client closed)."""
    silent_at: float | None = None
    final_at: float | None = None
    close_sent_at: float | None = None
    """Wall-clock time (time.time(), comparable with a client's Date.now()) at which the server
    sent its Close frame: what the client hands its socket after that may die in flight."""


def client_of(path: str) -> tuple[str, int]:
    """The client id and socket ordinal named in a request path's query string."""
    query = parse_qs(urlsplit(path).query)
    return query.get("client", [""])[0], int(query.get("socket", ["0"])[0])


class ChaosServer(ListeningServer):
    def __init__(self, plan: ChaosPlan) -> None:
        super().__init__()
        self.plan = plan
        self.connections: list[ChaosConnection] = []
        self.attempts: list[Attempt] = []
        self.faults: Counter[str] = Counter()
        """Faults injected, by name; "restart-closes" counts the connections restarts closed."""
        self.ending = False
        self._chaos_started = False
        self.finals = 0
        self.heartbeats = 0
        self._random = random.Random(plan.seed)
        # Open connections a fault may hit: not silent, not already ending.
        self._live: dict[int, tuple[ChaosConnection, ServerConnection]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._silenced: list[asyncio.Transport] = []

    def __enter__(self) -> ChaosServer:
        super().__enter__()
        self._thread.call(self._start())
        return self

    async def _start(self) -> None:
        self._spawn(self._inject_faults())

    async def _shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        # A silent connection reads nothing, so it would never finish a closing handshake.
        for transport in self._silenced:
            transport.abort()
        await super()._shutdown()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- faults --------------------------------------------------------------------------------
    async def _inject_faults(self) -> None:
        waiting_until = time.monotonic() + 10
        while time.monotonic() < waiting_until and (
            len({record.client for record in self.connections}) < self.plan.wait_for_clients
        ):
            await asyncio.sleep(0.01)
        self._chaos_started = True
        deadline = time.monotonic() + self.plan.seconds
        names = list(self.plan.weights)
        weights = [self.plan.weights[name] for name in names]
        while True:
            await asyncio.sleep(self._random.uniform(*self.plan.gap))
            if time.monotonic() >= deadline:
                break
            not_yet = [name for name in names if self.faults[name] == 0 and self.plan.weights[name]]
            fault = (
                self._random.choice(not_yet) if not_yet else self._random.choices(names, weights)[0]
            )
            if fault == "restart":
                await self._restart()
            else:
                self._hit_one(fault)
        self._begin_ending()

    async def _restart(self) -> None:
        if not self._listening:
            return  # still down from the last restart
        self.faults["restart"] += 1
        await self._go_down(self._random.uniform(*self.plan.down_for))
        for record, websocket in self._take_all_live("restart"):
            self.faults["restart-closes"] += 1
            self._spawn(self._close(record, websocket, 1012, "restart"))

    def _hit_one(self, fault: str) -> None:
        if not self._live:
            return
        index = self._random.choice(sorted(self._live))
        record, websocket = self._live.pop(index)
        record.fate = fault
        self.faults[fault] += 1
        if fault == "drop":
            websocket.transport.abort()
        elif fault == "silent":
            self._go_silent(record, websocket)
        else:
            code = int(fault.removeprefix("close-"))
            self._spawn(self._close(record, websocket, code, fault))

    def _take_all_live(self, fate: str) -> list[tuple[ChaosConnection, ServerConnection]]:
        taken = list(self._live.values())
        self._live.clear()
        for record, _ in taken:
            record.fate = fate
        return taken

    def _go_silent(self, record: ChaosConnection, websocket: ServerConnection) -> None:
        # Reading nothing means answering nothing: no messages, no pongs, no close frames.
        websocket.transport.pause_reading()
        record.silent_at = time.monotonic()
        self._silenced.append(websocket.transport)
        self._thread.loop.call_later(
            self._random.uniform(*self.plan.silent_for), websocket.transport.abort
        )

    async def _close(
        self, record: ChaosConnection, websocket: ServerConnection, code: int, reason: str
    ) -> None:
        # close() writes the Close frame before its first await: this is when it left.
        record.close_sent_at = time.time()
        with contextlib.suppress(ConnectionClosed):
            await websocket.close(code, reason)

    # -- handshakes and connections ------------------------------------------------------------
    def _handshake_fault(self, name: str, chance: float) -> bool:
        if self.ending or not self._chaos_started or chance == 0:
            return False  # a chance of 0 turns the kind off, as a weight of 0 does
        return self.faults[name] == 0 or self._random.random() < chance

    async def _process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        client, socket = client_of(request.path)
        stalled = self._handshake_fault("stall", self.plan.stall_chance)
        self.attempts.append(Attempt(client, socket, time.monotonic(), stalled))
        if not stalled:
            return None
        self.faults["stall"] += 1
        await asyncio.sleep(self.plan.stall_for)
        return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "stalled\n")

    async def _handle(self, websocket: ServerConnection) -> None:
        assert websocket.request is not None
        client, socket = client_of(websocket.request.path)
        record = ChaosConnection(
            len(self.connections), time.monotonic(), client=client, socket=socket
        )
        self.connections.append(record)
        if self._handshake_fault("silent-on-accept", self.plan.silent_on_accept_chance):
            record.fate = "silent-on-accept"
            self.faults["silent-on-accept"] += 1
            self._go_silent(record, websocket)
        else:
            self._live[record.index] = (record, websocket)
            if self.ending:
                self._spawn(self._finish(websocket))
        try:
            async for message in websocket:
                if self.plan.heartbeat is not None and message == self.plan.heartbeat:
                    self.heartbeats += 1
                    # Once our close frame is out we may not answer, but must keep reading:
                    # messages the client sent before it saw the close still arrive.
                    with contextlib.suppress(ConnectionClosed):
                        await websocket.send(message)
                    continue
                record.messages.append(message)
                if isinstance(message, str) and message.startswith('{"last"'):
                    await self._end_for_good(record, websocket)
        except ConnectionClosed:
            pass
        finally:
            self._live.pop(record.index, None)
            record.ended_at = time.monotonic()
            record.close_code = websocket.close_code
            record.fate = record.fate or "client"

    # -- the ending ----------------------------------------------------------------------------
    def _begin_ending(self) -> None:
        self.ending = True
        for _, websocket in self._live.values():
            self._spawn(self._finish(websocket))

    async def _finish(self, websocket: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            await websocket.send(FINISH)

    async def _end_for_good(self, record: ChaosConnection, websocket: ServerConnection) -> None:
        self._live.pop(record.index, None)
        record.fate = "final"
        record.final_at = time.monotonic()
        self.finals += 1
        await self._close(record, websocket, FINAL_CODE, FINAL_REASON)
