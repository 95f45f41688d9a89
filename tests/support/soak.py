"""The soak: clients send numbered streams through the generated module across the chaos server
(`tests/support/chaos.py`), and the server's records are checked against what each client says
it sent (`tests/node/soak-client.mjs`).

Invariants (each breach is a line in `SoakReport.violations`):

- Nothing is duplicated or reordered: each client's messages reach the server in strictly
  increasing order, across all its connections.
- Nothing is lost by the module. Every message leaves the queue and is written to a WebSocket,
  and each connection delivers a prefix of what was written to its socket. The tail it did not
  deliver was in flight when the connection died, which is inherent (WebSocket has no
  acknowledgements: data handed to an open socket dies with the connection) when the connection
  died without a close handshake (dropped TCP, or a silent half-open peer), or when the message
  was handed to the socket at or after the moment the server sent its Close frame (the frame
  was on its way; the client could not know), or was still in the WebSocket's own send buffer
  when it closed (a browser transmits later than send() returns, and drops that buffer when the
  server's Close arrives). That is decided from records, never by chance: the client's
  `wiredAt` (Date.now()) against the server's `close_sent_at` (time.time(), the same wall
  clock), and the socket's `bufferedAmount` at its close against the newest sends. In a
  browser, data handed to an open socket before the server's Close is excused too: Chromium
  passes it to its network service, which drops what it has not yet written when the Close
  arrives, and `bufferedAmount` no longer counts it (a clean-clone run on a loaded machine
  lost 25 messages flushed at an open 2 ms before the server's 1011). What only the module
  decides is checked exactly on both: that every message was handed over, and to a socket
  that was open. Those losses are counted, split by whether the message was sent while open
  or queued and flushed on the next open; any other loss is a breach: the module held it, or
  (Node) the WebSocket wrote it before the server's Close and it still never arrived.
- Each client ends exactly once, with the server's final 1000 or, for clients told to, with its
  own `close()` called at a random moment of the chaos (open, connecting, waiting to retry, on a
  half-open connection); after either it makes no other attempt, and of its messages only the
  newest, still queued when it called `close()`, may be missing (discarded, as documented).
- No uncaught error, unhandled rejection or stderr output; (Node) each client process exits by
  itself within `EXIT_WITHIN` seconds of its final close.

`python -m tests.support.soak` runs the Node soak alone and prints its counts.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from tests.support.chaos import (
    FINAL_CODE,
    Attempt,
    ChaosConnection,
    ChaosPlan,
    ChaosServer,
)
from tests.support.lateness import allow
from tests.support.node import NODE_DIR, NodeClient

SOAK_SCRIPT = NODE_DIR / "soak.mjs"
EXIT_WITHIN = 1.0
LIFECYCLE_EVENTS = ("open", "reconnecting", "close")

# Short delays so a ~30 s chaos run sees hundreds of reconnects. The connect timeout sits below
# the server's 1 s stall, so a stalled handshake is abandoned and retried. The heartbeat is on
# in the module and turned off at runtime for some clients, and some get their URL from an async
# function (GROUPS, in turn), so one run shows the module each way.
SOAK_FLAGS: dict[str, str] = {
    "restart_delay": "50ms-300ms",
    "backoff_initial": "50ms",
    "backoff_max": "1s",
    "connect_timeout": "400ms",
    "stable_after": "2s",
    "heartbeat": "200ms",
    "heartbeat_timeout": "300ms",
}
HEARTBEAT_MESSAGE = "ping"  # the module's default --heartbeat-message
GROUPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("heartbeat", {}),
    ("no heartbeat", {"options": {"heartbeatInterval": 0}}),
    ("heartbeat, async URL provider", {"urlProvider": True}),
)


class ServerRecords(Protocol):
    """What the checker reads from the server: a `ChaosServer`, or records built by a test."""

    connections: list[ChaosConnection]
    attempts: list[Attempt]
    faults: Counter[str]
    down_periods: list[tuple[float, float]]
    heartbeats: int


@dataclass
class ClientRun:
    """What one client reported (its event lines) and, in Node, how its process ended."""

    client: str
    events: list[dict[str, Any]]
    exit_code: int | None = None
    exit_after_close: float | None = None
    stderr: str = ""
    group: str = ""
    """A label for the client's runtime options; losses are counted per group."""


@dataclass
class SoakReport:
    counts: Counter[str] = field(default_factory=Counter)
    reconnects: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    losses: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    max_exit_after_close: float | None = None

    def render(self) -> str:
        lines = [
            "soak: " + ", ".join(f"{name} {value}" for name, value in self.counts.items()),
            "faults injected: " + _counter_text(self.faults),
            "reconnects by cause: " + _counter_text(self.reconnects),
            "inherent losses (data in flight on a dead connection): "
            + (_counter_text(self.losses) or "none"),
        ]
        if self.max_exit_after_close is not None:
            lines.append(f"slowest exit after the final close: {self.max_exit_after_close:.2f} s")
        lines.append(f"violations: {len(self.violations)}")
        lines.extend(f"  {violation}" for violation in self.violations[:50])
        return "\n".join(lines)


def _counter_text(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {value}" for name, value in sorted(counter.items()))


def reconnect_cause(event: dict[str, Any], opened: bool) -> str:
    if event["reason"] in ("connect timeout", "heartbeat timeout"):
        return str(event["reason"])
    if event["code"] == 1006:
        return "1006 dropped" if opened else "1006 before open"
    return str(event["code"])


def check_soak(
    server: ServerRecords,
    runs: Sequence[ClientRun],
    exit_within: float = EXIT_WITHIN,
    browser: bool = False,
) -> SoakReport:
    """Check every invariant for every client; `exit_within`: seconds a Node process may take to
    exit after its final close; `browser`: the clients ran in a browser, whose network
    pipeline may drop data handed to an open socket before the server's Close."""
    report = SoakReport(faults=Counter(server.faults))
    report.counts["clients"] = len(runs)
    report.counts["connections"] = len(server.connections)
    report.counts["handshakes"] = len(server.attempts)
    report.counts["refusal windows"] = len(server.down_periods)
    report.counts["heartbeats answered"] = server.heartbeats
    for run in runs:
        _check_client(run, server, report, exit_within, browser)
    exits = [run.exit_after_close for run in runs if run.exit_after_close is not None]
    report.max_exit_after_close = max(exits) if exits else None
    return report


def _check_client(
    run: ClientRun, server: ServerRecords, report: SoakReport, exit_within: float, browser: bool
) -> None:
    def breach(message: str) -> None:
        report.violations.append(f"client {run.client}: {message}")

    # -- the client's own account ----------------------------------------------------------
    opened = False
    for event in run.events:
        if event["type"] == "open":
            opened = True
            report.counts["opens"] += 1
        elif event["type"] == "reconnecting":
            report.reconnects[reconnect_cause(event, opened)] += 1
            opened = False
        elif event["type"] in ("uncaught", "unhandled-rejection", "page-error"):
            breach(f"{event['type']}: {event.get('message')}")
    lifecycle = [event for event in run.events if event["type"] in LIFECYCLE_EVENTS]
    closes = [event for event in lifecycle if event["type"] == "close"]
    if len(closes) != 1:
        breach(f"{len(closes)} close events, expected exactly 1")
        return
    [close] = closes
    if lifecycle[-1] is not close:
        breach(f"{lifecycle[-1]['type']} after the final close")
    called = next((event for event in run.events if event["type"] == "close-called"), None)
    if called is None and close["code"] != FINAL_CODE:
        breach(f"ended with {close['code']} {close['reason']!r}, not the server's final 1000")
    if close["stillSending"]:
        breach("was still sending when it closed (it never got 'finish')")
    if run.stderr.strip():
        breach(f"wrote to stderr: {run.stderr.strip()[:500]}")
    if run.exit_code not in (None, 0):
        breach(f"process exited with {run.exit_code}")
    if run.exit_after_close is not None and run.exit_after_close > exit_within:
        breach(f"process exited {run.exit_after_close:.2f} s after its final close")

    sent: int = close["sent"]
    queued = set(close["queued"])
    refused = set(close["refused"])
    wired: list[int] = close["wired"]  # wired[n]: ordinal of the socket message n went out on
    wired_at: list[int] = close["wiredAt"]  # wired_at[n]: when (Date.now(), ms)
    report.counts["messages sent"] += sent
    report.counts["sent while open"] += sent - len(queued)
    report.counts["sent while not open"] += len(queued)
    report.counts["refused by send() (queue full)"] += len(refused)

    # -- what left the queue -----------------------------------------------------------------
    connections = sorted(
        (c for c in server.connections if c.client == run.client), key=lambda c: c.socket
    )
    written: dict[int, list[int]] = defaultdict(list)  # socket ordinal -> numbers, in order
    never_wired: list[int] = []
    for number in range(1, sent + 1):
        socket = wired[number] if number < len(wired) else 0
        if socket:
            written[socket].append(number)
        elif number not in refused:
            never_wired.append(number)
    if called is not None and never_wired == list(range(sent - len(never_wired) + 1, sent + 1)):
        # The newest messages, still queued when the app called close(): discarded, as
        # documented, not lost.
        report.counts["discarded by close() (still queued)"] += len(never_wired)
    else:
        for number in never_wired:
            breach(f"message {number} never left the module's queue")
    unknown = set(written) - {connection.socket for connection in connections}
    if unknown:
        breach(f"messages written to sockets {sorted(unknown)}, which the server never accepted")

    for event in run.events:
        if event["type"] == "sent-not-open":
            breach(
                f"message {event['n']} handed to socket {event['socket']} while its readyState "
                f"was {event['readyState']}, not open"
            )

    # -- what the server got -----------------------------------------------------------------
    terminated = {
        event["socket"]: event["unsent"] for event in run.events if event["type"] == "terminated"
    }
    # Per socket: the messages still in the WebSocket's own send buffer when it closed.
    held = {
        event["socket"]: set(event["held"])
        for event in run.events
        if event["type"] == "socket-closed"
    }
    delivered: set[int] = set()
    previous = 0
    lasts: list[int] = []
    for connection in connections:
        got: list[int] = []
        for message in connection.messages:
            body = json.loads(message)
            if "last" in body:
                lasts.append(body["last"])
                continue
            number = body["n"]
            if number in delivered:
                breach(f"message {number} delivered twice")
            elif number < previous:
                breach(f"message {number} delivered after {previous}")
            delivered.add(number)
            previous = max(previous, number)
            got.append(number)
        # A connection carries a prefix of what was written to its socket, and whatever it
        # lost is the tail that was in flight when it died.
        on_socket = written.get(connection.socket, [])
        if got != on_socket[: len(got)]:
            breach(f"socket {connection.socket} delivered {got}, not a prefix of {on_socket}")
            continue
        for number in on_socket[len(got) :]:
            kind = "queued" if number in queued else "sent while open"
            handed_at = wired_at[number] if number < len(wired_at) else 0
            cause = _loss_cause(connection, handed_at, browser)
            if cause is None and number in held.get(connection.socket, ()):
                cause = "still in the WebSocket's buffer at its close"
            if cause is None:
                note = terminated.get(connection.socket)
                close_sent = connection.close_sent_at
                when = (
                    f"handed over {close_sent * 1000 - handed_at:.0f} ms before the server "
                    "sent its Close"
                    if close_sent is not None
                    else "the server sent no Close"
                )
                breach(
                    f"message {number} ({kind}) lost on socket {connection.socket}, which "
                    f"ended with a close handshake ({connection.fate}); {when}"
                    + (f"; the module terminated it with {note} bytes unsent" if note else "")
                )
            else:
                group = f"{run.group}: " if run.group else ""
                report.losses[f"{group}{kind}, {cause}"] += 1
    report.counts["delivered"] += len(delivered)

    # -- the end, and nothing after it -------------------------------------------------------
    mine = [attempt for attempt in server.attempts if attempt.client == run.client]
    finals = [connection.final_at for connection in connections if connection.final_at]
    if called is not None:
        state = "open" if called["readyState"] == 1 else "connecting or waiting to retry"
        report.counts[f"close() called while {state}"] += 1
        if lasts or finals:
            breach("closed itself, yet also finished with the server")
        later = [attempt for attempt in mine if attempt.socket > called["made"]]
        if later:
            breach(f"{len(later)} connection attempts after its own close()")
        return
    # On a slow machine the heartbeat may give up the connection that carried the marker before
    # its 1000 arrives: the client comes back and sends the same marker again. So the markers
    # all say `sent`, the module never retried a 1000, and nothing follows the last final 1000.
    if not lasts or set(lasts) != {sent}:
        breach(f"final markers {lasts}, expected [{sent}]")
    if any(event["type"] == "reconnecting" and event["code"] == FINAL_CODE for event in lifecycle):
        breach(f"reconnected after a {FINAL_CODE}")
    if not finals:
        breach("no final close on the server")
        return
    later = [attempt for attempt in mine if attempt.at > max(finals)]
    if later:
        breach(f"{len(later)} connection attempts after the final 1000")


def _loss_cause(connection: ChaosConnection, handed_at: int, browser: bool) -> str | None:
    """Why data in flight on this connection was lost, or None when nothing excuses a loss.
    `handed_at`: when the client handed the message to the (open) socket (Date.now(), ms)."""
    if connection.fate == "drop":
        return "dropped"
    if connection.fate in ("silent", "silent-on-accept"):
        return "half-open"
    close_sent = connection.close_sent_at
    # Date.now() counts whole ms: a message of the same ms as the Close may be after it.
    if close_sent is not None and handed_at >= math.floor(close_sent * 1000):
        return "handed over after the server's Close"
    if browser and close_sent is not None:
        return "in the browser's network pipeline at the server's Close"
    return None


def run_node_soak(
    module: Path,
    clients: int,
    plan: ChaosPlan,
    closers: int = 0,
    every: tuple[int, int] = (10, 60),
) -> SoakReport:
    """Run `clients` Node processes against a ChaosServer following `plan`, the last `closers`
    of them calling `close()` at a random moment of the chaos; check and count."""
    started = time.monotonic()
    configs = soak_configs(clients, plan, closers, every)
    plan = replace(plan, wait_for_clients=clients, heartbeat=HEARTBEAT_MESSAGE)
    with ChaosServer(plan) as server:
        running = [
            NodeClient(module, {"url": server.url, **config}, script=SOAK_SCRIPT)
            for config in configs
        ]
        try:
            # Bounded: the chaos time, then the slowest possible way back (a stall, a silent
            # connection, the longest backoff) several times over.
            try:
                server.wait_until(
                    lambda: all(node.process.poll() is not None for node in running),
                    timeout=plan.seconds + 20,
                )
            except TimeoutError:
                raise AssertionError(_still_running(server, configs, running)) from None
            runs = [
                _finished_run(config, node) for config, node in zip(configs, running, strict=True)
            ]
        finally:
            for node in running:
                node.kill()
    # A busy machine runs a process's exit late: the allowance stretches with the load now.
    report = check_soak(server, runs, exit_within=allow(EXIT_WITHIN))
    report.counts["seconds"] = round(time.monotonic() - started)
    return report


def soak_configs(
    clients: int, plan: ChaosPlan, closers: int = 0, every: tuple[int, int] = (10, 60)
) -> list[dict[str, Any]]:
    """Each client's configuration for soak-client.mjs (without the url): its group's runtime
    options (GROUPS, in turn), its seed, and for the last `closers`, when to call close()."""
    draw = random.Random(plan.seed)
    configs: list[dict[str, Any]] = []
    for number in range(clients):
        group, settings = GROUPS[number % len(GROUPS)]
        config: dict[str, Any] = {
            "client": str(number),
            "group": group,
            **settings,
            "seed": plan.seed * 1000 + number,
            "every": list(every),
        }
        if number >= clients - closers:
            config["closeAfter"] = round(draw.uniform(0.2, 0.8) * plan.seconds * 1000)
        configs.append(config)
    return configs


def _still_running(
    server: ChaosServer, configs: list[dict[str, Any]], running: list[NodeClient]
) -> str:
    """Who never finished, and where each one was: what a timeout needs to be understood."""
    lines = [f"clients still running (ending: {server.ending}, finals: {server.finals}):"]
    for config, node in zip(configs, running, strict=True):
        if node.process.poll() is None:
            client = config["client"]
            fates = [(c.socket, c.fate) for c in server.connections if c.client == client]
            lines.append(f"  client {client}: last events {node.events[-4:]}; sockets {fates[-4:]}")
    return "\n".join(lines)


def _finished_run(config: dict[str, Any], node: NodeClient) -> ClientRun:
    code = node.wait_exit(10)
    closes = node.of("close")
    exit_after = None
    if closes and node.exited_at is not None:
        exit_after = node.exited_at - closes[-1]["received_at"]
    return ClientRun(
        config["client"], node.events, code, exit_after, node.stderr(), config["group"]
    )


def main() -> None:
    from generator.options import build_options
    from generator.render import render_module

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--closers", type=int, default=5)
    arguments = parser.parse_args()
    flags = {name.replace("_", "-"): value for name, value in SOAK_FLAGS.items()}
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / "reconnecting-socket.mjs"
        module.write_text(render_module(build_options(flags)), encoding="utf-8")
        plan = ChaosPlan(seconds=arguments.seconds, seed=arguments.seed)
        report = run_node_soak(module, arguments.clients, plan, arguments.closers)
    print(report.render())


if __name__ == "__main__":
    main()
