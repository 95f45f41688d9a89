"""The one table of WebSocket close codes: what each means and what the generated module does.

Every other place that speaks of a close code (the templates, `wsgen codes`, `wsgen explain`,
the table in docs/close-codes.md) draws from `CLOSE_CODES`. Sources: RFC 6455 §7.4.1 and the
IANA "WebSocket Close Code Number Registry" (1000-1015, 3000, 3003, 3008), RFC 6455 §7.4.2 for
4000-4999.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple


class Action(StrEnum):
    """What the generated module does when a connection closes with a given code."""

    STOP = "stop"
    """Fire `close` and never reconnect."""
    RETRY = "retry"
    """Reconnect after an exponential backoff with full jitter."""
    RESTART = "restart"
    """Reconnect after a uniform random delay inside the restart window."""
    RETRY_LATER = "retry-later"
    """Reconnect with backoff, but never sooner than the restart window's maximum."""

    @property
    def summary(self) -> str:
        return _ACTION_SUMMARIES[self]


_ACTION_SUMMARIES = {
    Action.STOP: "stop, never reconnect",
    Action.RETRY: "retry with backoff",
    Action.RESTART: "reconnect after the restart delay",
    Action.RETRY_LATER: "retry with backoff, never sooner than the restart window's max",
}

FIRST_CODE = 1000
LAST_CODE = 4999


class CloseCode(NamedTuple):
    """One row of the table; `last` differs from `code` only for a range such as 4000-4999."""

    code: int
    name: str
    description: str
    when: str
    fix: str
    action: Action
    why: str
    last: int | None = None

    @property
    def first(self) -> int:
        return self.code

    @property
    def end(self) -> int:
        return self.code if self.last is None else self.last

    @property
    def is_range(self) -> bool:
        return self.last is not None

    @property
    def label(self) -> str:
        return format_range(self.first, self.end)

    def covers(self, code: int) -> bool:
        return self.first <= code <= self.end


CLOSE_CODES: tuple[CloseCode, ...] = (
    CloseCode(
        1000,
        "Normal Closure",
        "The connection closed cleanly: the purpose it was opened for is fulfilled and both "
        "endpoints agree the session is complete.",
        "Both sides finished exchanging data and closed gracefully; this is the expected code "
        "at the end of a successful session.",
        "Nothing to fix: everything worked as intended. If the close was a surprise, look for a "
        "premature close() call in the application (client or server).",
        Action.STOP,
        "the session is over and both sides agree",
    ),
    CloseCode(
        1001,
        "Going Away",
        "An endpoint is going away: a server shutting down or a browser leaving the page.",
        "The server process stops or the page navigates away; the websockets server and "
        "aiohttp (with a shutdown handler) send it to every socket on SIGTERM.",
        "Reconnect after the restart delay; if it repeats, check why the server shuts down.",
        Action.RESTART,
        "servers send it to every socket at once when they shut down (the websockets server "
        "and aiohttp do on SIGTERM); backoff's near-zero first retry hits the closed port, the "
        "restart window keeps the fleet off it and spreads its return",
    ),
    CloseCode(
        1002,
        "Protocol Error",
        "An endpoint received a frame that breaks the WebSocket protocol.",
        "A client or proxy speaks a broken or incompatible WebSocket dialect.",
        "Fix the peer's implementation; reconnecting would hit the same error.",
        Action.STOP,
        "a protocol bug does not heal by reconnecting",
    ),
    CloseCode(
        1003,
        "Unsupported Data",
        "An endpoint received a type of data it cannot accept (for example binary where only "
        "text is understood).",
        "The client sent binary to a text-only server, or the reverse.",
        "Send the data type the server accepts.",
        Action.STOP,
        "the same data would be refused again",
    ),
    CloseCode(
        1004,
        "Reserved",
        "Reserved by RFC 6455; no meaning is defined.",
        "Never sent by a conforming endpoint.",
        "Check the server: it sends a code it should not.",
        Action.RETRY,
        "no defined meaning, so treat it like any unknown code",
    ),
    CloseCode(
        1005,
        "No Status Received",
        "The close frame carried no status code (reported locally; never sent on the wire).",
        "The peer closed without a code, for example a browser's ws.close() with no argument.",
        "Send an explicit close code from the peer if the reason matters.",
        Action.RETRY,
        "no code means no reason to give up",
    ),
    CloseCode(
        1006,
        "Abnormal Closure",
        "The connection dropped without a close frame (reported locally; never sent on the wire).",
        "Network loss, a crashed server, a proxy timeout, or a failed connection attempt.",
        "Reconnect with backoff; if it persists, check network, proxies and server health.",
        Action.RETRY,
        "a dropped connection is what reconnecting is for",
    ),
    CloseCode(
        1007,
        "Invalid Frame Payload Data",
        "A message's data did not match its type, such as invalid UTF-8 in a text frame.",
        "The client sent malformed text.",
        "Fix the encoding of the messages sent.",
        Action.STOP,
        "the same payload would be refused again",
    ),
    CloseCode(
        1008,
        "Policy Violation",
        "A message or the connection broke the server's policy, often authentication or "
        "authorization.",
        "An expired or missing token, a forbidden origin, or a rate limit.",
        "Fix the credentials or the policy breach before connecting again.",
        Action.STOP,
        "an auth or policy failure repeats on every attempt",
    ),
    CloseCode(
        1009,
        "Message Too Big",
        "A message was too large for the endpoint to process.",
        "The client sent a message above the server's size limit.",
        "Send smaller messages or raise the server's limit.",
        Action.STOP,
        "the same message would be refused again",
    ),
    CloseCode(
        1010,
        "Mandatory Extension",
        "The client expected the server to negotiate an extension it did not.",
        "The client requires an extension the server lacks.",
        "Align the extensions both sides support.",
        Action.STOP,
        "the negotiation would fail again",
    ),
    CloseCode(
        1011,
        "Internal Error",
        "The server met an unexpected condition that kept it from fulfilling the request.",
        "An unhandled exception in the server's handler; hypercorn also sends it to every "
        "socket 3 s after SIGTERM.",
        "Reconnect after the restart delay; fix the server bug.",
        Action.RESTART,
        "hypercorn sends it to every socket at once when it shuts down, so it gets "
        "the restart window; for a handler bug that repeats, closePolicy {1011: 'retry'}",
    ),
    CloseCode(
        1012,
        "Service Restart",
        "The server is terminating the connection because it is restarting; the client should "
        "reconnect after a brief delay.",
        "A planned restart, such as a deployment or a configuration reload; the service will be "
        "available again shortly. On SIGTERM uvicorn sends it; hypercorn (1011), aiohttp (no "
        "close frame: 1006), the websockets server (1001) and Node's ws (1006) send it when the "
        "app, on SIGTERM, closes each open socket with 1012 before the server stops.",
        "Reconnect automatically after a short delay (1 to 5 seconds); reconnecting is expected "
        "and succeeds once the server is back up.",
        Action.RESTART,
        "a planned restart; a random delay spreads the fleet's return",
    ),
    CloseCode(
        1013,
        "Try Again Later",
        "The server is overloaded or temporarily unavailable and asks clients to come back later.",
        "Load shedding or maintenance.",
        "Retry later, with backoff.",
        Action.RETRY_LATER,
        "the server asked for time; wait out the restart window",
    ),
    CloseCode(
        1014,
        "Bad Gateway",
        "A gateway or proxy received an invalid response from the upstream server.",
        "The upstream behind a proxy is down or misbehaving.",
        "Retry with backoff; check the upstream.",
        Action.RETRY,
        "an upstream failure is usually transient",
    ),
    CloseCode(
        1015,
        "TLS Handshake",
        "The TLS handshake failed, for example the certificate could not be verified (reported "
        "locally; never sent on the wire).",
        "An invalid, expired or untrusted certificate.",
        "Fix the certificate or the trust store.",
        Action.STOP,
        "a certificate problem does not heal by reconnecting",
    ),
    CloseCode(
        3000,
        "Unauthorized",
        "The request lacks valid authentication (registered in the IANA registry, like HTTP 401).",
        "A missing or expired token.",
        "Authenticate again before reconnecting.",
        Action.STOP,
        "the same credentials would be refused again",
    ),
    CloseCode(
        3003,
        "Forbidden",
        "The client is authenticated but not allowed (registered in the IANA registry, like "
        "HTTP 403).",
        "The user lacks permission for the resource.",
        "Grant the permission or connect elsewhere.",
        Action.STOP,
        "permissions do not change by reconnecting",
    ),
    CloseCode(
        3008,
        "Timeout",
        "The server timed the connection out (registered in the IANA registry, like HTTP 408).",
        "The client was idle or too slow.",
        "Reconnect; send heartbeats if idleness is the cause.",
        Action.RETRY,
        "a timeout is transient",
    ),
    CloseCode(
        4000,
        "Application-defined",
        "Reserved for private use by applications (RFC 6455 §7.4.2); the meaning is whatever "
        "the application says.",
        "The server's own code chose it.",
        "Read the server's documentation; mark fatal codes with --stop-on.",
        Action.RETRY,
        "the application's own meaning; mark fatal ones with --stop-on",
        last=4999,
    ),
)


def lookup(code: int) -> CloseCode | None:
    """The row that covers `code`, or None when the registry says nothing of it."""
    return next((row for row in CLOSE_CODES if row.covers(code)), None)


def format_range(first: int, last: int) -> str:
    """`1008` for one code, `4400-4499` for a range: how flags, comments and tables write them."""
    return str(first) if first == last else f"{first}-{last}"


def merge_ranges(codes: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, merged inclusive ranges of the given codes: [1000, 1002, 1003] → [(1000, 1000),
    (1002, 1003)]."""
    merged: list[tuple[int, int]] = []
    for code in sorted(set(codes)):
        if merged and merged[-1][1] == code - 1:
            merged[-1] = (merged[-1][0], code)
        else:
            merged.append((code, code))
    return merged
