"""The soak in Node: 20 client processes send numbered streams across the chaos server's faults
(restarts with 1012, dropped TCP, half-open silence, stalled handshakes, 1011, 1013); five of
them call `close()` at a random moment, and the server ends the others' sessions with 1000.
The invariants are checked from the server's records (`tests/support/soak.py` says which);
`pytest -rP -k soak` shows the counts."""

from __future__ import annotations

import pytest

from tests.conftest import RenderTo
from tests.support.chaos import DEFAULT_WEIGHTS, ChaosPlan
from tests.support.soak import SOAK_FLAGS, run_node_soak

pytestmark = [pytest.mark.node, pytest.mark.heavy]

EVERY_FAULT = {*DEFAULT_WEIGHTS, "stall", "silent-on-accept"}


def test_twenty_node_clients_across_chaos_lose_nothing_the_module_holds_and_never_come_back(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**SOAK_FLAGS)
    report = run_node_soak(module, clients=20, plan=ChaosPlan(seconds=40, seed=7), closers=5)
    print(report.render())
    assert report.violations == [], report.render()
    # Every fault happened, so every invariant was held against each of them.
    assert set(report.faults) >= EVERY_FAULT, report.render()
    assert report.counts["sent while not open"] > 0
    assert report.counts["delivered"] > 0.8 * report.counts["messages sent"]
    causes = {"1011", "1012", "1013", "1006 dropped", "connect timeout", "heartbeat timeout"}
    assert causes <= set(report.reconnects), report.render()
