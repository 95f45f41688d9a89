"""Half-open connections: the server stops reading and answering without closing, as a dead peer
behind a NAT or a crashed host does (the chaos server's "silent" fault), and stays that way for
longer than the test. Nothing ever closes such a connection from the other side, so the client
must notice by itself (the heartbeat) and must let the old socket go at once: Node's `ws` waits
up to 30 s for a close frame after `close()`, which a dead peer never sends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.chaos import ChaosConnection, ChaosPlan, ChaosServer
from tests.support.lateness import allow
from tests.support.node import NodeClient
from tests.support.soak import EXIT_WITHIN, SOAK_SCRIPT

pytestmark = pytest.mark.node

INTERVAL, TIMEOUT, BACKOFF = 0.1, 0.2, 0.05
FLAGS = {
    "heartbeat": "100ms",
    "heartbeat_timeout": "200ms",
    "backoff_initial": "50ms",
    "restart_delay": "50ms-100ms",
}
SILENT_FOR = 8.0
"""Longer than the test waits for anything: the peer never answers again."""


def one_silence() -> ChaosPlan:
    """The first connection goes silent 0.3 s after it opens; the ending starts at 0.6 s, so
    the next connection is told "finish" and closed with 1000 (the soak client's protocol)."""
    return ChaosPlan(
        seconds=0.5,
        wait_for_clients=1,
        gap=(0.3, 0.3),
        weights={"silent": 1},
        silent_for=(SILENT_FOR, SILENT_FOR),
        stall_chance=0,
        silent_on_accept_chance=0,
        heartbeat="ping",
    )


def soak_client(module: Path, server: ChaosServer) -> NodeClient:
    config: dict[str, Any] = {"url": server.url, "client": "0", "seed": 1, "every": [10, 60]}
    return NodeClient(module, config, script=SOAK_SCRIPT)


def test_heartbeat_notices_a_silent_server_within_interval_and_timeout_and_reconnects(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FLAGS)
    with ChaosServer(one_silence()) as server:
        with soak_client(module, server) as running:
            server.wait_until(lambda: server.finals == 1, timeout=5)
        silent, final = server.connections
    assert [(event["code"], event["reason"]) for event in running.of("reconnecting")] == [
        (1006, "heartbeat timeout")
    ]
    assert (silent.fate, final.fate) == ("silent", "final")
    assert silent.silent_at is not None
    # The silence starts anywhere in a heartbeat interval: the unanswered heartbeat goes out
    # within INTERVAL, is given up TIMEOUT later, and the retry waits below BACKOFF.
    noticed_after = final.opened_at - silent.silent_at
    assert TIMEOUT - 0.02 <= noticed_after <= INTERVAL + TIMEOUT + BACKOFF + allow(0.5), (
        noticed_after
    )


def test_a_connection_the_heartbeat_gave_up_does_not_keep_node_running(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FLAGS)
    with ChaosServer(one_silence()) as server:
        with soak_client(module, server) as running:
            server.wait_until(lambda: server.finals == 1, timeout=5)
            assert running.wait_exit(5) == 0
    assert_exits_soon_after_close(running)


def test_reconnect_on_a_half_open_connection_lets_the_old_socket_go_at_once(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(backoff_initial="50ms")  # no heartbeat: only reconnect() gets it out
    with ChaosServer(one_silence()) as server:
        with NodeClient(module, {"url": server.url}) as running:
            silent = server.connections
            server.wait_until(lambda: bool(silent) and silent[0].silent_at is not None)
            running.command({"reconnect": True})
            running.wait_for("open", count=2)
            running.command({"close": []})
            assert running.wait_exit(5) == 0
    first: ChaosConnection = server.connections[0]
    assert first.fate == "silent"
    assert_exits_soon_after_close(running)


def assert_exits_soon_after_close(running: NodeClient) -> None:
    [close] = running.of("close")
    assert running.exited_at is not None
    assert running.exited_at - close["received_at"] < allow(EXIT_WITHIN)
    assert running.of("uncaught") == running.of("unhandled-rejection") == []
