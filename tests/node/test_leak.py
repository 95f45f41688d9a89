"""Leaks across reconnects: 1,000 cycles in one Node process (`tests/node/leak.mjs`). The server
closes (4000, retried with backoff) or drops every other connection at once, and the backoff is
1 ms, so the cycles run back to back. Old sockets must be unhooked and collectable, no timer may
survive the step that made it (the heartbeat's included), and the heap must not grow with the
number of cycles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.node import NODE_DIR, NodeClient
from tests.support.servers import Script, ScriptedServer

pytestmark = [pytest.mark.node, pytest.mark.heavy]

LEAK_SCRIPT = NODE_DIR / "leak.mjs"
FAST_CYCLES = {"backoff_initial": "1ms", "backoff_max": "1ms"}

# One connection's objects (ws WebSocket, net.Socket, parser, buffers) weigh about 3 KB after
# collection, so keeping every old socket grows the heap by ~1.5 MB over 500 cycles, while V8's
# own warm-up adds ~0.2 MB.
MAX_HEAP_GROWTH = 1_000_000


def cycle(module: Path, cycles: int) -> dict[str, Any]:
    """Run `cycles` reconnects; the two reports merged, plus the server's connection count."""

    def close_or_drop(index: int) -> Script:
        return Script(after=0, code=4000, drop=index % 2 == 1)

    with ScriptedServer(close_or_drop) as server:
        config = {"url": server.url, "cycles": cycles}
        with NodeClient(module, config, script=LEAK_SCRIPT, node_args=["--expose-gc"]) as running:
            assert running.wait_exit(60) == 0, running.stderr()
        connections = len(server.connections)
    assert running.of("uncaught") == running.of("unhandled-rejection") == []
    # The first reports: a leaking module may fire a stray event after the end.
    cycled, heap = running.of("cycles")[0], running.of("heap")[0]
    return {**cycled, **heap, "connections": connections}


@pytest.mark.parametrize("heartbeat", ["off", "1s"], ids=["heartbeat-off", "heartbeat-on"])
def test_a_thousand_reconnects_leave_no_listener_timer_socket_or_heap_growth(
    render_to: RenderTo, node: str, heartbeat: str
) -> None:
    result = cycle(render_to(heartbeat=heartbeat, **FAST_CYCLES), 1000)
    print(result)
    assert (result["cycles"], result["connections"], result["made"]) == (1000, 1000, 1000)
    # Each old socket keeps only the no-op "error" listener that stops `ws` from throwing.
    assert result["listenersLeft"] == {"open": 0, "message": 0, "close": 0, "error": 1}
    assert result["listenersAtEnd"] == result["listenersAtStart"]
    # One timer at a time: the pending retry while reconnecting; once open, none, or the
    # heartbeat's; none after the close.
    expected_open = 0 if heartbeat == "off" else 1
    assert (result["maxTimersReconnecting"], result["maxTimersOpen"]) == (1, expected_open)
    assert result["timersAfterClose"] == 0
    assert result["alive"] == 0, "old WebSocket objects are still referenced"
    assert result["endHeap"] - result["halfHeap"] < MAX_HEAP_GROWTH, result


@pytest.mark.parametrize(
    ("mutation", "symptom"),
    [
        ("if (this.#socket) detach(this.#socket);", "listenersLeft"),
        ("clearTimeout(this.#timer);\n    this.#readyState = OPEN;", "maxTimersOpen"),
    ],
    ids=["old-socket-keeps-listeners", "connect-timer-survives-open"],
)
def test_the_leak_checks_catch_a_module_that_leaks(
    render_to: RenderTo, node: str, mutation: str, symptom: str
) -> None:
    """The same harness against a module with one cleanup removed: the check must notice."""
    # A short connect timeout, so the mutant's stray timers do not hold the process for long.
    module = render_to(connect_timeout="500ms", **FAST_CYCLES)
    text = module.read_text(encoding="utf-8")
    assert mutation in text
    kept = mutation.split("\n", 1)[1].strip() if "\n" in mutation else ""
    module.write_text(text.replace(mutation, kept), encoding="utf-8")
    result = cycle(module, 50)
    if symptom == "listenersLeft":
        assert result["listenersLeft"]["close"] == 1
    else:
        assert result["maxTimersOpen"] == 1
