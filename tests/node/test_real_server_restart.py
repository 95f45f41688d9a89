"""Real servers restarted under 200 Node clients of the generated module (issue 14).

uvicorn sends 1012 to every socket on SIGTERM and closes at once; hypercorn keeps its sockets
for its graceful timeout, then closes them with 1011. Either way the port stays closed for a
while (1.5 s after the process exits, plus the new process's start-up), and every client must
come back with the restart window's floor kept after the close and after every refused attempt.

Only what a real network shows is checked here, with bounds that allow a loaded 2-core machine
(timers fire late, never early). The exact delays are proven on a virtual clock in
tests/logic/test_restart_policy.py.
"""

from __future__ import annotations

import math

import pytest

from tests.conftest import RenderTo
from tests.support.node import NODE_DIR
from tests.support.real_restart import analyse, restart_under_fleet

pytestmark = [pytest.mark.node, pytest.mark.servers]

CLIENTS = 200
WINDOW_MS = (300, 800)
FLAGS = {"restart_delay": "300ms-800ms", "backoff_initial": "100ms", "backoff_max": "3s"}
EARLY_MS = 2  # Date.now() ticks in whole ms on both ends of a wait
RESTART_CODE = {"uvicorn": 1012, "hypercorn": 1011}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_a_fleet_comes_back_from_a_real_restart(
    render_to: RenderTo, node: str, server: str
) -> None:
    module = render_to(**FLAGS)
    run = restart_under_fleet(server, f"wsgen={module}", NODE_DIR, clients=CLIENTS, node=node)
    got = analyse(run)
    summary = f"{server}: {got}"

    # Every client got the server's restart close, but for a few the close never reached: on a
    # loaded machine a dying server's unsent close frame dies with it, and the client sees a
    # drop (1006), which it retries with backoff, as it should. Every client is back.
    codes = dict(got.restart_codes)
    lost_closes = codes.pop(1006, 0)
    assert codes == {RESTART_CODE[server]: CLIENTS - lost_closes}, summary
    assert lost_closes <= CLIENTS // 20, summary
    assert got.back == CLIENTS, summary

    # Never sooner than the window's minimum: after the close, and after every refusal (of
    # the clients the server's close reached).
    floor = WINDOW_MS[0] - EARLY_MS
    assert got.min_wait_after_close_ms >= floor, summary
    assert got.min_wait_after_refusal_ms is None or got.min_wait_after_refusal_ms >= floor

    # Attempts on the closed port: the floor alone allows one per 300 ms; the window's spread
    # and its widening keep the mean near one per 800 ms.
    closed_after_close_ms = got.port_closed_s * 1000
    assert got.closed_port_attempts_max <= 1 + math.ceil(closed_after_close_ms / WINDOW_MS[0])
    assert got.closed_port_attempts / CLIENTS <= 1 + closed_after_close_ms / WINDOW_MS[1], summary

    # All back within the outage plus the widest wait (--backoff-max), the event loop's
    # measured lateness and 5 s for a loaded server to answer 200 handshakes at once (under
    # the whole suite on 2 cores, 1 s of slack was once not enough for uvicorn).
    assert got.all_back_s <= got.port_closed_s + 3 + got.lateness_ms / 1000 + 5, summary

    # Messages: nothing accepted by send() is lost inside the module, none twice, none out
    # of order. What a dying server took and never answered is the documented gap (lost in
    # flight), measured, not gated; queued messages are all delivered unless a client's
    # first reconnection reached the old process in its last moments.
    assert got.lost_by_the_module == 0, summary
    if got.opened_on_the_dying_server == 0:
        assert got.lost_queued == 0, summary
    assert (got.duplicates, got.reorderings) == (0, 0), summary

    # The server's 1000 ends each session for good, and everything ends by itself.
    assert got.attempts_after_1000 == 0, summary
    assert run.fleet_exited_by_itself and run.fleet_exit_code == 0, summary
    # uvicorn re-raises the SIGTERM it handled (-15); hypercorn returns 0.
    assert run.server_exit_code in (0, -15) and run.second_server_exit_code in (0, -15)
