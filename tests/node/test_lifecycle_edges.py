"""Lifecycle edges an independent review found: each test failed before its fix.

Run in Node with `ws` against a real server, like the rest of the behaviour suite."""

from __future__ import annotations

import pytest

from tests.conftest import RenderTo
from tests.support.fast import FAST
from tests.support.node import client
from tests.support.servers import Script, ScriptedServer

pytestmark = pytest.mark.node


def test_an_option_given_as_undefined_keeps_its_default(render_to: RenderTo, node: str) -> None:
    # Before: connectTimeout undefined fired at once, and every attempt was abandoned.
    module = render_to(**FAST)
    rules = [{"on": "open", "close": []}]
    with ScriptedServer() as server:
        unset = ["connectTimeout", "backoffMax", "restartDelayMin", "queueLimit"]
        with client(module, server.url, unsetOptions=unset, rules=rules) as running:
            assert running.wait_exit(5) == 0
    assert running.of("reconnecting") == []
    assert len(server.connections) == 1


def test_a_throwing_reconnect_hook_falls_back_to_the_table(render_to: RenderTo, node: str) -> None:
    # Before: the socket read OPEN with no connection, and never reconnected or closed.
    module = render_to(**FAST)
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer([Script(after=0.05, code=1012)]) as server:
        with client(module, server.url, hook={"1012": "throw"}, rules=rules) as running:
            running.wait_exit(5)
        assert len(server.connections) == 2
    [reconnecting] = running.of("reconnecting")
    assert 300 <= reconnecting["delay"] <= 600, "the table's restart window applied"
    # The hook's own error is still reported, not swallowed.
    [uncaught] = running.of("uncaught")
    assert "bug in the hook" in uncaught["message"]


def test_close_inside_the_reconnect_hook_is_final(render_to: RenderTo, node: str) -> None:
    # Before: the socket reconnected after its final close event.
    module = render_to(**FAST)
    with ScriptedServer([Script(after=0.05, code=1012)]) as server:
        with client(module, server.url, hook={"1012": "close"}) as running:
            assert running.wait_exit(5) == 0
        assert len(server.connections) == 1
    assert running.of("reconnecting") == []
    assert len(running.of("close")) == 1
    assert len(running.of("open")) == 1


def test_a_refused_close_leaves_the_socket_open(render_to: RenderTo, node: str) -> None:
    # Before: a reason over 123 bytes threw after the state had moved to CLOSING for good.
    module = render_to(**FAST)
    rules = [
        {"on": "open", "close": [1000, "x" * 200]},
        {"on": "open", "send": ["still open"], "close": [1000, "done"]},
    ]
    with ScriptedServer() as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[0].ended_at is not None)
    [refused] = running.of("close-error")
    assert refused["name"] in ("SyntaxError", "RangeError")  # a browser's, and ws's
    assert refused["readyState"] == 1
    assert server.connections[0].messages == ["still open"]
    assert [event["reason"] for event in running.of("close")] == ["done"]


def test_close_from_onerror_after_a_failed_url_provider_fires_close_once(
    render_to: RenderTo, node: str
) -> None:
    # Before: two close events, 1006 then 1000.
    module = render_to(**FAST)
    rules = [{"on": "error", "close": []}]
    with ScriptedServer() as server:
        with client(module, server.url, urlProvider=["reject"], rules=rules) as running:
            assert running.wait_exit(5) == 0
        assert server.connections == []
    # Closed while CONNECTING (between attempts): the attempt fails, 1006, as on a WebSocket.
    assert [event["code"] for event in running.of("close")] == [1006]
    assert running.of("reconnecting") == []
