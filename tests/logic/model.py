"""What the docs promise a generated module does, as an executable statement.

Written from README.md, docs/close-codes.md, docs/options.md, docs/drop-in.md and
docs/reliability.md, not from the template: given the settings a socket runs with (generated
defaults under runtime `options`) and a scenario (how each connection attempt ends, and what the
app, the server and the browser do when), `predict` plays the story on a clock of whole
milliseconds and returns everything user code and the server could observe, in the vocabulary
of tests/logic/scenario.mjs: attempts, what was sent, closed or let go on each connection,
events with their fields and readyState, calls of `shouldReconnect`, and errors thrown.

Random delays take their draw from the same seeded sequence the harness gives Math.random, one
draw per delay the module chooses, so the prediction is exact rather than an interval. Where two
things are due in the same millisecond, the order is the harness's, not a promise: `predict`
raises `Ambiguous` and the property skips that example.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from generator.codes import Action, lookup
from generator.options import GeneratorOptions

CONNECTING, OPEN, CLOSING, CLOSED = 0, 1, 2, 3
ABNORMAL_CLOSURE = 1006  # what a dropped connection or a failed attempt reports
NO_STATUS_RECEIVED = 1005  # what a close() without a code reports
TABLE = "table"  # shouldReconnect returned undefined: apply the table

Row = tuple[int, str, dict[str, Any]]


class Ambiguous(Exception):
    """Two things fall due in the same millisecond: which goes first is the harness's order."""


# -- the settings a socket runs with ------------------------------------------------------------


@dataclass(frozen=True)
class Hook:
    """`options.shouldReconnect` as data (tests/logic/scenario.mjs builds the function)."""

    kind: str  # table (undefined), stop (null), delay (ms), attempt (ms times attempt), codes
    ms: int = 0
    codes: Mapping[int, int | None] = field(default_factory=dict)

    def answer(self, code: int, attempt: int) -> int | str | None:
        """A delay in ms, None for null (stop), or TABLE for undefined."""
        if self.kind == "stop":
            return None
        if self.kind == "delay":
            return self.ms
        if self.kind == "attempt":
            return self.ms * attempt
        if self.kind == "codes" and code in self.codes:
            return self.codes[code]
        return TABLE

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ms": self.ms,
            "codes": {str(c): v for c, v in self.codes.items()},
        }


@dataclass(frozen=True)
class Settings:
    """The options in effect: the generated DEFAULTS, each overridden by a runtime option.
    docs/options.md: "Every generated default can be overridden at runtime"; the optional
    features exist only when generated ("a feature turned off emits no code at all")."""

    restart_min: int
    restart_max: int
    backoff_initial: int
    backoff_factor: float
    backoff_max: int
    max_retries: float
    connect_timeout: int
    stable_after: int
    queue_limit: int
    stop_on: frozenset[int]
    retry_on: frozenset[int]
    restart_on: frozenset[int]
    close_policy: Mapping[int, Action]
    heartbeat_interval: int  # 0: no heartbeat (not generated, or turned off at runtime)
    heartbeat_timeout: int
    heartbeat_message: str
    network_aware: bool
    retry_hint: bool
    hook: Hook | None  # only with --reconnect-hook
    url_provider: bool
    manual_reconnect: bool

    @property
    def width(self) -> int:
        return self.restart_max - self.restart_min


RUNTIME_NAMES = {
    "restartDelayMin": "restart_min",
    "restartDelayMax": "restart_max",
    "backoffInitial": "backoff_initial",
    "backoffFactor": "backoff_factor",
    "backoffMax": "backoff_max",
    "maxRetries": "max_retries",
    "connectTimeout": "connect_timeout",
    "stableAfter": "stable_after",
    "queueLimit": "queue_limit",
    "heartbeatInterval": "heartbeat_interval",
    "heartbeatTimeout": "heartbeat_timeout",
    "heartbeatMessage": "heartbeat_message",
}
UNDEFINED = "$undefined"  # a runtime option given as undefined keeps the generated default
INFINITY = "$Infinity"  # JSON has no Infinity: maxRetries: Infinity, unlimited at runtime


def settings_of(
    options: GeneratorOptions, runtime: Mapping[str, Any], hook: Hook | None = None
) -> Settings:
    """The settings of a module generated with `options` and constructed with `runtime`."""
    generated: dict[str, Any] = {
        "restart_min": options.restart_delay[0],
        "restart_max": options.restart_delay[1],
        "backoff_initial": options.backoff_initial,
        "backoff_factor": options.backoff_factor,
        "backoff_max": options.backoff_max,
        "max_retries": math.inf if options.max_retries is None else options.max_retries,
        "connect_timeout": options.connect_timeout,
        "stable_after": options.stable_after,
        "queue_limit": options.queue_limit,
        "heartbeat_interval": options.heartbeat or 0,
        "heartbeat_timeout": options.heartbeat_timeout,
        "heartbeat_message": options.heartbeat_message,
    }
    for name, value in runtime.items():
        heartbeat_setting = name.startswith("heartbeat")
        if name in RUNTIME_NAMES and value != UNDEFINED:
            if heartbeat_setting and options.heartbeat is None:
                continue  # no heartbeat generated: its runtime settings have nothing to set
            generated[RUNTIME_NAMES[name]] = math.inf if value == INFINITY else value
    policy = {int(code): Action(action) for code, action in runtime.get("closePolicy", {}).items()}
    return Settings(
        **generated,
        stop_on=options.stop_on,
        retry_on=options.retry_on,
        restart_on=options.restart_on,
        close_policy=policy,
        network_aware=options.network_aware,
        retry_hint=options.retry_hint,
        hook=hook if options.reconnect_hook else None,
        url_provider=options.url_provider,
        manual_reconnect=options.manual_reconnect,
    )


# -- what each close code does ------------------------------------------------------------------


def action_for(settings: Settings, code: int) -> Action:
    """docs/close-codes.md's table under the flags, then the runtime `closePolicy`.

    --stop-on stops; --restart-on gives the restart window; --retry-on makes a code that would
    stop reconnect, and leaves a code that already reconnects its own timing; a code no row
    covers retries with backoff. `closePolicy: { code: action }` overrides all of it."""
    if code in settings.close_policy:
        return settings.close_policy[code]
    table = _table_action(code)
    if code in settings.stop_on:
        return Action.STOP
    if code in settings.restart_on:
        return Action.RESTART
    if code in settings.retry_on and table is Action.STOP:
        return Action.RETRY
    return table


@cache
def _table_action(code: int) -> Action:
    row = lookup(code)
    return row.action if row else Action.RETRY


# docs/reliability.md, "Server hints": `retry-after=SECONDS` anywhere in the reason, at its start
# or after a space, `;` or `,`, in any case; only a plain decimal number of seconds counts.
_HINT = re.compile(r"(?:^|[\s;,])retry-after=([^\s;,]*)", re.IGNORECASE)


def retry_after(reason: str) -> float | None:
    """The server's hint in ms, or None."""
    match = _HINT.search(reason)
    if match and re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", match[1]):
        return float(match[1]) * 1000
    return None


def _power(base: float, exponent: int) -> float:
    try:
        return base**exponent
    except OverflowError:
        return math.inf


def backoff_ceiling(settings: Settings, attempt: int) -> float:
    """--backoff-initial for the first attempt, growing by --backoff-factor per attempt, at most
    --backoff-max (docs/options.md)."""
    grown = settings.backoff_initial * _power(settings.backoff_factor, attempt - 1)
    return min(settings.backoff_max, grown)


def chosen_delay(
    settings: Settings,
    action: Action,
    attempt: int,
    failed_in_a_row: int,
    hint: float | None,
    draw: float,
) -> float:
    """The delay before `attempt`, in ms before rounding, from one uniform draw in [0, 1).

    - retry: full jitter, a random delay below the attempt's backoff ceiling.
    - retry-later: the same, never sooner than the restart window's end.
    - restart: uniform over the restart window; after the n-th attempt in a row that failed
      before opening (n ≥ 2) the spread widens to the backoff's ceiling one attempt behind,
      up to --backoff-max: min + draw * max(width, min(backoffMax - min,
      backoffInitial * backoffFactor^(n-1))) (docs/reliability.md, "Restarts").
    - a server hint: never sooner than the action's own minimum, at most backoffMax less the
      window's width, plus a random part of the window's width (docs/reliability.md).
    """
    floor = {Action.RESTART: settings.restart_min, Action.RETRY_LATER: settings.restart_max}.get(
        action, 0
    )
    if hint is not None:
        bound = max(floor, settings.backoff_max - settings.width)
        return min(bound, max(floor, hint)) + draw * settings.width
    if action is Action.RESTART:
        spread: float = settings.width
        if failed_in_a_row >= 2:
            widened = settings.backoff_initial * _power(
                settings.backoff_factor, failed_in_a_row - 1
            )
            spread = max(spread, min(settings.backoff_max - floor, widened))
        return floor + draw * spread
    return max(floor, draw * backoff_ceiling(settings, attempt))


def whole_ms(delay: float) -> int:
    """Timers take whole milliseconds: the nearest, as Math.round gives it (half up)."""
    return math.floor(max(0.0, delay) + 0.5)


def mulberry32(seed: int) -> Iterator[float]:
    """The harness's seeded Math.random (tests/logic/seeded-random.mjs), draw for draw."""
    mask = 0xFFFFFFFF
    state = seed & mask
    while True:
        state = (state + 0x6D2B79F5) & mask
        t = ((state ^ (state >> 15)) * (1 | state)) & mask
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & mask)) & mask) ^ t
        yield ((t ^ (t >> 14)) & mask) / 4294967296


# -- the scenario -------------------------------------------------------------------------------


@dataclass(order=True)
class _Due:
    at: int
    order: int
    what: str = field(compare=False)
    args: tuple[Any, ...] = field(compare=False, default=())
    live: bool = field(compare=False, default=True)


@dataclass
class _Connection:
    """One WebSocket the module made, as the fake server sees it."""

    n: int
    fate: Mapping[str, Any]
    state: int = CONNECTING
    dues: list[_Due] = field(default_factory=list)  # what the server will do on it

    def ends(self) -> None:
        self.state = CLOSED
        for due in self.dues:
            due.live = False


@dataclass
class _Socket:
    """What the docs say a socket keeps track of, in their words."""

    ready: int = CONNECTING
    connection: _Connection | None = None  # the attempt in progress or the open connection
    provider_call: _Due | None = None  # a URL function's answer still awaited
    attempt_timer: _Due | None = None  # --connect-timeout of the attempt in progress
    retry: _Due | None = None  # the pending retry (or the wait for the network)
    cuttable: bool = False  # the pending retry is a backoff: online or a visible page ends it
    attempts: int = 0  # reconnections since the last stable connection (or reconnect())
    failed_in_a_row: int = 0  # attempts that failed before opening, since the last open
    server_wait: Action | None = None  # restart or retry-later asked by the close, until an open
    opened_at: int | None = None
    queue: list[Any] = field(default_factory=list)
    closing: tuple[int, str] | None = None  # close(code, reason) was called
    heard_at: int = 0  # the last message (or the open), for the heartbeat
    ping_out: bool = False
    heartbeat: _Due | None = None


class Scenario:
    """Plays a scenario (tests/logic/scenario.mjs's shape) against the promise."""

    def __init__(self, settings: Settings, scenario: Mapping[str, Any], draws: Iterator[float]):
        self.settings = settings
        self.scenario = scenario
        self.draws = draws
        self.log: list[Row] = []
        self.now = 0
        self._queue: list[_Due] = []
        self._order = itertools.count()
        self._connections: list[_Connection] = []
        self._url_calls = 0
        self.browser = scenario.get("globals")
        self.online = bool(self.browser and self.browser.get("online", True))
        self.hidden = bool(self.browser and self.browser.get("hidden", False))
        self.socket = _Socket()
        self.listening = bool(self.browser) and settings.network_aware

    # -- the clock

    def _at(self, at: int, what: str, *args: Any) -> _Due:
        due = _Due(at, next(self._order), what, args)
        heapq.heappush(self._queue, due)
        return due

    def _server(self, connection: _Connection, after: int, what: str, *args: Any) -> None:
        """The fake server does `what` on `connection` `after` ms from now, if it still lives."""
        connection.dues.append(self._at(self.now + after, what, connection, *args))

    @staticmethod
    def _cancel(*dues: _Due | None) -> None:
        for due in dues:
            if due is not None:
                due.live = False

    def note(self, kind: str, **fields: Any) -> None:
        self.log.append((self.now, kind, fields))

    def play(self, limit: int | None = None) -> list[Row]:
        """The rows up to the scenario's `until`, or a few more than `limit` if it comes first."""
        for action in self.scenario.get("actions", []):
            self._at(action["at"], "action", action)
        self._start_attempt()
        until = self.scenario.get("until", 60_000)
        while self._queue:
            due = heapq.heappop(self._queue)
            if not due.live:
                continue
            if due.at > until:
                break
            twins = [other for other in self._queue if other.live and other.at == due.at]
            if twins:
                raise Ambiguous(f"{due.what} and {twins[0].what} both at {due.at} ms")
            self.now = due.at
            getattr(self, f"_on_{due.what.replace('-', '_')}")(*due.args)
            if limit is not None and len(self.log) > limit:
                break
        return self.log

    # -- connecting

    def _start_attempt(self) -> None:
        """One attempt: the URL (a function is called before every attempt), then a WebSocket.
        --connect-timeout counts from here."""
        s = self.socket
        s.attempt_timer = self._at(self.now + self.settings.connect_timeout, "connect-timeout")
        url = self.scenario.get("url")
        if not isinstance(url, Mapping):
            self._new_connection(url or "ws://logic.test/")
            return
        self._url_calls += 1
        k = self._url_calls
        self.note("urlCall", k=k)
        answer = url["provider"][min(k, len(url["provider"])) - 1]
        if answer.get("ms") is None:
            self._on_url_answer(k, answer)
        else:
            s.provider_call = self._at(self.now + answer["ms"], "url-answer", k, answer)

    def _on_url_answer(self, k: int, answer: Mapping[str, Any]) -> None:
        self.socket.provider_call = None
        if not answer.get("fail") and not answer.get("invalid"):
            self._new_connection(f"ws://logic.test/?k={k}")
            return
        # docs/options.md, URL provider: a rejected promise, a throw, or a URL the WebSocket
        # constructor refuses (drop-in.md: a fragment is a SyntaxError) is a failed attempt:
        # "error", then "reconnecting" with code 1006 and the error as the reason.
        self.note("error", readyState=self.socket.ready)
        reason = "Error: no token" if answer.get("fail") else "SyntaxError"
        self._closed(ABNORMAL_CLOSURE, reason, False)

    def _new_connection(self, url: str) -> None:
        n = len(self._connections) + 1
        fates = self.scenario.get("attempts") or [{"open": 5}]
        connection = _Connection(n, fates[min(n, len(fates)) - 1])
        self._connections.append(connection)
        self.socket.connection = connection
        self.note("attempt", n=n, url=url)
        if connection.fate.get("throws"):
            # docs/drop-in.md: a WebSocket constructor that throws on an attempt after the first
            # makes it a failed attempt: "error", then "reconnecting" with code 1006 and the
            # error as the reason.
            connection.ends()
            self.socket.connection = None
            self.note("error", readyState=self.socket.ready)
            self._closed(ABNORMAL_CLOSURE, "Error: constructor refused", False)
        elif "refuse" in connection.fate:
            self._server(connection, connection.fate["refuse"], "refused")
        elif not connection.fate.get("hang"):
            self._server(connection, connection.fate.get("open", 5), "opened")

    def _let_go(self) -> None:
        """The module gives up its connection or attempt: the server sees it dropped."""
        s = self.socket
        if s.connection is not None:
            if s.connection.state in (CONNECTING, OPEN):
                self.note("release", n=s.connection.n)
            s.connection.ends()
            s.connection = None
        self._cancel(s.provider_call, s.attempt_timer, s.heartbeat)
        s.provider_call = s.attempt_timer = s.heartbeat = None

    # -- what the server does

    def _on_refused(self, connection: _Connection) -> None:
        if connection.state != CONNECTING:
            return
        connection.ends()
        self.note("refused", n=connection.n)
        # docs/drop-in.md: a refused connection fires "error", then "reconnecting".
        self.note("error", readyState=self.socket.ready)
        self._closed(ABNORMAL_CLOSURE, "", False)

    def _on_opened(self, connection: _Connection) -> None:
        if connection.state != CONNECTING:
            return
        connection.state = OPEN
        self.note("opened", n=connection.n)
        s = self.socket
        self._cancel(s.attempt_timer)
        s.attempt_timer = None
        s.ready = OPEN
        s.opened_at = self.now
        s.failed_in_a_row = 0
        s.server_wait = None  # reliability.md: "The first open ends it"
        # drop-in.md: queued messages go out at the open, in order, before "open" fires.
        queued, s.queue = s.queue, []
        for data in queued:
            self._send(connection, data)
        if self.settings.heartbeat_interval:
            s.heard_at, s.ping_out = self.now, False
            s.heartbeat = self._at(self.now + self.settings.heartbeat_interval, "ping")
        self.note("open", readyState=OPEN)
        fate = connection.fate
        if "close" in fate:
            after, code, *reason = fate["close"]
            self._at(
                self.now + after, "server-close", connection, code, reason[0] if reason else ""
            )
        elif "drop" in fate:
            self._at(self.now + fate["drop"], "drop", connection)

    def _send(self, connection: _Connection, data: Any) -> None:
        self.note("sent", n=connection.n, data=data)
        pong = connection.fate.get("pong")
        if pong is not None and data == self.scenario.get("ping"):
            self._server(connection, pong, "message", "pong")

    def _on_message(self, connection: _Connection, data: Any) -> None:
        if connection.state != OPEN:
            return
        s = self.socket
        # options.md, Heartbeat: any message is a sign of life; the next heartbeat goes after
        # INTERVAL without one.
        if self.settings.heartbeat_interval and s.ready == OPEN:
            s.heard_at, s.ping_out = self.now, False
            self._cancel(s.heartbeat)
            s.heartbeat = self._at(self.now + self.settings.heartbeat_interval, "ping")
        self.note("message", readyState=s.ready, data=data)

    def _on_server_close(self, connection: _Connection, code: int, reason: str) -> None:
        if connection.state != OPEN:
            return
        connection.ends()
        self.note("serverClose", n=connection.n, code=code, reason=reason)
        self._closed(code, reason, True)

    def _on_drop(self, connection: _Connection) -> None:
        if connection.state != OPEN:
            return
        connection.ends()
        self.note("drop", n=connection.n)
        self._closed(ABNORMAL_CLOSURE, "", False)

    def _on_answer(self, connection: _Connection, code: int, reason: str, clean: bool) -> None:
        connection.ends()
        self._closed(code, reason, clean)

    # -- the module's own timers

    def _on_connect_timeout(self) -> None:
        # options.md: "Abandon and retry an attempt that has not opened after this long."
        self.socket.attempt_timer = None
        self._let_go()
        self._closed(ABNORMAL_CLOSURE, "connect timeout", False)

    def _on_ping(self) -> None:
        s = self.socket
        assert s.connection is not None
        self._send(s.connection, self.settings.heartbeat_message)
        s.ping_out = True
        s.heartbeat = self._at(self.now + self.settings.heartbeat_timeout, "heartbeat-timeout")

    def _on_heartbeat_timeout(self) -> None:
        # options.md: nothing within the timeout after a heartbeat: the connection is dead,
        # "closed and retried with backoff like a 1006, reason "heartbeat timeout"".
        self.socket.heartbeat = None
        self._let_go()
        self._closed(ABNORMAL_CLOSURE, "heartbeat timeout", False)

    def _on_retry(self) -> None:
        s = self.socket
        s.retry = None
        # options.md, Network awareness: a retry that finds the browser offline spends no
        # attempt; "online" connects at once, and it waits --backoff-max at most.
        if self.listening and not self.online:
            s.retry = self._at(self.now + self.settings.backoff_max, "retry-anyway")
            s.cuttable = True  # reliability.md: a wait that found the browser offline is the
            return  # network's, so "online" ends it
        self._start_attempt()

    def _on_retry_anyway(self) -> None:
        self.socket.retry = None
        self._start_attempt()

    # -- a connection ends

    def _closed(self, code: int, reason: str, was_clean: bool) -> None:
        """The module's connection (or attempt) closed with `code`: reconnect, or finish."""
        s, settings = self.socket, self.settings
        opened = s.opened_at is not None
        self._let_go()
        if opened:
            # options.md: "A connection open this long resets the backoff."
            if self.now - s.opened_at >= settings.stable_after:  # type: ignore[operator]
                s.attempts = 0
        else:
            s.failed_in_a_row += 1
        s.opened_at = None
        if s.closing is not None:
            # reliability.md, close(): the final close reports the peer's answer, as a WebSocket
            # does; a peer that never answers leaves the app's own code and reason to report.
            self._finish(*((code, reason) if was_clean else s.closing), was_clean)
            return
        action = action_for(settings, code)
        if opened or action is not Action.RETRY:
            if action in (Action.RESTART, Action.RETRY_LATER):
                s.server_wait = action
        elif s.server_wait is not None:
            # reliability.md: "A restart stays a restart": an attempt that fails before the
            # next open waits as the close that began it asked; so does a 1013.
            action = s.server_wait
        hooked: int | str | None = TABLE
        if settings.hook is not None:
            # options.md, Reconnect hook: asked on every close the app did not ask for, with the
            # attempt that would follow; a delay in ms, null to stop, undefined for the table.
            self.note("hook", code=code, reason=reason, wasClean=was_clean, attempt=s.attempts + 1)
            hooked = settings.hook.answer(code, s.attempts + 1)
            if hooked is None:
                action = Action.STOP
            elif hooked != TABLE:
                action = Action.RETRY
        if action is Action.STOP or s.attempts >= settings.max_retries:
            self._finish(code, reason, was_clean)
            return
        hint = None
        if settings.retry_hint and hooked == TABLE:
            hint = retry_after(reason)
        if isinstance(hooked, int):
            delay = whole_ms(hooked)
        else:
            raw = chosen_delay(
                settings, action, s.attempts + 1, s.failed_in_a_row, hint, next(self.draws)
            )
            delay = whole_ms(raw)
        s.attempts += 1
        s.ready = CONNECTING
        s.retry = self._at(self.now + delay, "retry")
        # reliability.md, Wake-ups: online and a visible page cut a backoff short, never a wait
        # the server asked for (a restart window, 1013, a hint).
        s.cuttable = action is Action.RETRY and hint is None
        fields: dict[str, Any] = {
            "readyState": CONNECTING,
            "code": code,
            "reason": reason,
            "wasClean": was_clean,
            "attempt": s.attempts,
            "delay": delay,
        }
        if settings.retry_hint:
            fields["fromServer"] = hint is not None
        self.note("reconnecting", **fields)

    def _finish(self, code: int, reason: str, was_clean: bool) -> None:
        """drop-in.md: "close" fires once, when it is over for good; the queue is discarded,
        no timer is left, and the browser listeners go away."""
        s = self.socket
        if s.ready == CLOSED:
            return
        self._cancel(s.retry)
        s.retry = None
        s.ready = CLOSED
        s.queue = []
        self.listening = False
        self.note("close", readyState=CLOSED, code=code, reason=reason, wasClean=was_clean)

    # -- what the app and the browser do

    def _on_action(self, action: Mapping[str, Any]) -> None:
        self.note("do", **action)
        getattr(self, f"_do_{action['do'].lower()}")(action)

    def _do_send(self, action: Mapping[str, Any]) -> None:
        s, data = self.socket, action["data"]
        if s.ready == OPEN:
            assert s.connection is not None
            self._send(s.connection, data)
        elif s.ready > OPEN:
            # drop-in.md: send() after close throws InvalidStateError.
            self.note("sendError", data=data, name="InvalidStateError")
        elif len(s.queue) >= self.settings.queue_limit:
            # options.md: --queue-limit messages queue; one more throws QuotaExceededError.
            self.note("sendError", data=data, name="QuotaExceededError")
        else:
            s.queue.append(data)
        # README: bufferedAmount counts the queued bytes (UTF-8 for text) as well as the
        # connection's (none: the fake server reads at once).
        self.note("buffered", amount=sum(len(text.encode()) for text in s.queue))

    def _do_close(self, action: Mapping[str, Any]) -> None:
        s = self.socket
        if s.ready > OPEN:
            return
        code, reason = action.get("code"), action.get("reason")
        s.closing = (NO_STATUS_RECEIVED if code is None else code, reason or "")
        self._cancel(s.retry, s.heartbeat)
        s.retry = s.heartbeat = None
        if s.ready == OPEN:
            assert s.connection is not None
            frame = {k: v for k, v in (("code", code), ("reason", reason)) if v is not None}
            self.note("closeFrame", n=s.connection.n, **frame)
            s.connection.state = CLOSING
            for due in s.connection.dues:  # a closing socket takes no more from the server
                due.live = False
            s.ready = CLOSING
            self._answer(s.connection, code, reason)
            return
        # drop-in.md: close() while CONNECTING (an attempt, or between attempts) fails the
        # attempt as a WebSocket's close() does: "error", then "close" 1006, not clean.
        self._let_go()
        s.ready = CLOSING
        self.note("error", readyState=CLOSED)
        self._finish(ABNORMAL_CLOSURE, "", False)

    def _answer(self, connection: _Connection, code: int | None, reason: str | None) -> None:
        """How the fake server answers the app's close frame (tests/logic/scenario.mjs)."""
        answer = connection.fate.get("answer")
        if isinstance(answer, Mapping):
            self._server(connection, answer["silent"], "answer", ABNORMAL_CLOSURE, "", False)
        elif answer:
            self._server(connection, 1, "answer", answer[0], answer[1], True)
        else:
            echo = NO_STATUS_RECEIVED if code is None else code
            self._server(connection, 1, "answer", echo, reason or "", True)

    def _do_reconnect(self, action: Mapping[str, Any]) -> None:
        s = self.socket
        if not self.settings.manual_reconnect:
            self.note("reconnectError", name="TypeError")  # no such method was generated
            return
        if s.ready > OPEN:
            # options.md: "After the final close it throws InvalidStateError."
            self.note("reconnectError", name="InvalidStateError")
            return
        # options.md: drops the current connection (or the pending retry) and connects now,
        # with the backoff reset; no "reconnecting" fires.
        self._cancel(s.retry)
        s.retry = None
        self._let_go()
        s.attempts = s.failed_in_a_row = 0
        s.opened_at = None
        s.ready = CONNECTING
        self._start_attempt()

    def _do_message(self, action: Mapping[str, Any]) -> None:
        if self._connections:
            self._on_message(self._connections[-1], action["data"])

    def _do_serverclose(self, action: Mapping[str, Any]) -> None:
        if self._connections:
            self._on_server_close(self._connections[-1], action["code"], action.get("reason", ""))

    def _do_drop(self, action: Mapping[str, Any]) -> None:
        if self._connections:
            self._on_drop(self._connections[-1])

    def _do_online(self, action: Mapping[str, Any]) -> None:
        self.online = True
        self._wake()

    def _do_offline(self, action: Mapping[str, Any]) -> None:
        self.online = False

    def _do_show(self, action: Mapping[str, Any]) -> None:
        self.hidden = False
        self._wake()

    def _do_hide(self, action: Mapping[str, Any]) -> None:
        self.hidden = True

    def _wake(self) -> None:
        """options.md: "online" connects at once, and a page shown again retries now, when a
        retry is pending and is a backoff, not a wait the server asked for."""
        s = self.socket
        if self.listening and s.retry is not None and s.cuttable:
            self._cancel(s.retry)
            s.retry = None
            self._start_attempt()


def predict(settings: Settings, scenario: Mapping[str, Any], limit: int | None = None) -> list[Row]:
    """Everything observable of `scenario` under `settings`, as the docs promise it (stopping
    once more than `limit` rows are logged)."""
    draws = mulberry32(scenario.get("seed", 1))
    return Scenario(settings, scenario, draws).play(limit)


def observed(log: list[tuple[int, str, dict[str, Any]]]) -> list[Row]:
    """The harness's log in the model's words: the module's close() on an open connection is a
    close frame; any other close() or terminate() of a live connection lets it go; closing one
    already closing or closed shows nothing to the server."""
    rows: list[Row] = []
    for at, kind, fields in log:
        if kind in ("socketClose", "terminate"):
            state = fields["state"]
            if kind == "socketClose" and state == OPEN:
                frame = {k: fields[k] for k in ("code", "reason") if fields.get(k) is not None}
                rows.append((at, "closeFrame", {"n": fields["n"], **frame}))
            elif state <= OPEN:
                rows.append((at, "release", {"n": fields["n"]}))
            continue
        if str(fields.get("reason", "")).startswith("SyntaxError"):
            fields = {**fields, "reason": "SyntaxError"}  # the message's words may change
        rows.append((at, kind, fields))
    return rows


def first_difference(expected: list[Row], actual: list[Row]) -> str | None:
    """None when equal; otherwise the rows around the first difference, side by side."""
    for index, (want, got) in enumerate(itertools.zip_longest(expected, actual)):
        if want != got:
            start = max(0, index - 6)
            lines = [f"first difference at row {index}:"]
            for i in range(start, min(index + 4, max(len(expected), len(actual)))):
                mark = ">>" if i == index else "  "
                lines.append(f"{mark} model:  {_row(expected, i)}")
                lines.append(f"{mark} module: {_row(actual, i)}")
            return "\n".join(lines)
    return None


def _row(rows: list[Row], index: int) -> str:
    return repr(rows[index]) if index < len(rows) else "(nothing)"
