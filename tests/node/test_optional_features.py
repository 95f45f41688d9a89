"""The optional features (issue 5), run in Node (with `ws`) against a real server on 127.0.0.1:
heartbeat, network awareness (with the browser's globals faked), server retry hints, the
reconnect hook, the URL provider and manual reconnect()."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.fast import FAST_GIVING_UP
from tests.support.lateness import allow
from tests.support.node import NodeClient, client
from tests.support.servers import Script, ScriptedServer

pytestmark = pytest.mark.node

# A retry that would wait far longer than any test: connecting sooner proves a shortcut.
LONG_BACKOFF = {**FAST_GIVING_UP, "backoff_initial": "20s", "backoff_max": "30s"}


def no_crash(running: NodeClient) -> None:
    assert running.of("uncaught") == running.of("unhandled-rejection") == []


def messages_on_first(server: ScriptedServer) -> int:
    return len(server.connections[0].messages) if server.connections else 0


def last_state(running: NodeClient) -> dict[str, Any]:
    """Ask the client for its state now; the answer arrives after everything done before."""
    count = len(running.of("state"))
    running.command({"report": True})
    return running.wait_for("state", count + 1)


# -- heartbeat -----------------------------------------------------------------------------------


def test_heartbeat_drops_a_silent_connection_and_retries_like_1006(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(heartbeat="100ms", heartbeat_timeout="150ms", **FAST_GIVING_UP)
    # The first connection stays open but never says a word: a peer gone without a close.
    scripts = [Script(), Script(echo=True)]
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer(scripts) as server:
        with client(module, server.url, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[0].ended_at is not None)
    first = server.connections[0]
    # One heartbeat after the silence, none after it went unanswered.
    assert first.messages == ["ping"]
    [reconnecting] = running.of("reconnecting")
    assert (reconnecting["code"], reconnecting["reason"]) == (1006, "heartbeat timeout")
    assert (reconnecting["attempt"], reconnecting["delay"]) == (1, 50)
    assert len(server.connections) == 2
    no_crash(running)


def test_answered_heartbeats_keep_one_connection(render_to: RenderTo, node: str) -> None:
    module = render_to(heartbeat="50ms", heartbeat_timeout="300ms", **FAST_GIVING_UP)
    with ScriptedServer([Script(echo=True)]) as server:
        with client(module, server.url) as running:
            server.wait_until(lambda: messages_on_first(server) >= 5)
            running.command({"close": []})
            assert running.wait_exit(5) == 0
    assert len(server.connections) == 1
    assert set(server.connections[0].messages) == {"ping"}
    assert running.of("reconnecting") == []
    # The answers reach the app like any message.
    assert {event["data"] for event in running.of("message")} == {"ping"}


def test_a_peer_that_stops_answering_is_noticed(render_to: RenderTo, node: str) -> None:
    module = render_to(heartbeat="50ms", heartbeat_timeout="150ms", **FAST_GIVING_UP)
    rules = [{"on": "reconnecting", "close": []}]
    with ScriptedServer([Script(echo=True, echo_limit=3)]) as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[0].ended_at is not None)
    # Three answered, the fourth not: dead.
    assert server.connections[0].messages == ["ping"] * 4
    [reconnecting] = running.of("reconnecting")
    assert reconnecting["reason"] == "heartbeat timeout"


def test_heartbeat_message_flag_and_runtime_override(render_to: RenderTo, node: str) -> None:
    module = render_to(heartbeat="50ms", heartbeat_message='{"type":"ping"}', **FAST_GIVING_UP)
    with ScriptedServer([Script(echo=True)]) as server:
        with client(module, server.url) as running:
            server.wait_until(lambda: messages_on_first(server) >= 1)
            running.command({"close": []})
            assert running.wait_exit(5) == 0
    assert server.connections[0].messages[0] == '{"type":"ping"}'

    with ScriptedServer([Script(echo=True)]) as server:
        options = {"heartbeatMessage": "are-you-there", "heartbeatInterval": 30}
        with client(module, server.url, options=options) as running:
            server.wait_until(lambda: messages_on_first(server) >= 1)
            running.command({"close": []})
            assert running.wait_exit(5) == 0
    assert server.connections[0].messages[0] == "are-you-there"


def test_heartbeat_interval_zero_at_runtime_turns_it_off(render_to: RenderTo, node: str) -> None:
    module = render_to(heartbeat="50ms", heartbeat_timeout="50ms", **FAST_GIVING_UP)
    with ScriptedServer([Script()]) as server:
        options = {"heartbeatInterval": 0}
        with client(module, server.url, options=options) as running:
            running.wait_for("open")
            # Four heartbeat periods in which a heartbeat would have sent and given up.
            time.sleep(0.4)
            running.command({"close": []})
            assert running.wait_exit(5) == 0
    assert server.connections[0].messages == []
    assert running.of("reconnecting") == []


# -- network awareness (Node with faked browser globals; Chromium: tests/browser/) ------------


def test_offline_spends_no_attempt_and_online_connects_at_once(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [
        {"on": "open", "online": False},  # the network goes away while connected...
        {"on": "open", "count": 2, "close": []},
    ]
    with ScriptedServer([Script(after=0.1, drop=True)]) as server:  # ...and so does the peer
        config = {"random": 0.999, "browser": {}, "rules": rules, "holdOpen": True}
        with client(module, server.url, **config) as running:
            running.wait_for("reconnecting")
            # The 50 ms retry comes due several times over; offline, nothing is tried.
            time.sleep(0.5)
            state = last_state(running)
            assert state["constructed"] == 1
            assert len(running.of("reconnecting")) == 1
            assert state["readyState"] == 0
            running.command({"online": True, "release": True})
            assert running.wait_exit(5) == 0
    assert len(server.connections) == 2
    # The attempt made after the network came back is still the first one.
    assert [event["attempt"] for event in running.of("reconnecting")] == [1]
    # close() with no code sends none; the server echoes none: 1005, as a WebSocket reports.
    assert [event["code"] for event in running.of("close")] == [1005]


def test_constructed_offline_still_makes_its_first_attempt(render_to: RenderTo, node: str) -> None:
    # Browsers report offline with no network even when a local server is reachable; like
    # `new WebSocket`, the constructor tries anyway rather than wait for an "online" that may
    # never come.
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "close": []}]
    with ScriptedServer() as server:
        with client(module, server.url, browser={"online": False}, rules=rules) as running:
            assert running.wait_exit(5) == 0
    assert len(server.connections) == 1
    assert running.of("reconnecting") == []


def test_offline_retries_wait_for_online_but_never_forever(render_to: RenderTo, node: str) -> None:
    module = render_to(**{**FAST_GIVING_UP, "backoff_max": "1500ms"})
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer([Script(after=0.05, code=1012)]) as server:
        with client(module, server.url, browser={"online": False}, rules=rules) as running:
            running.wait_for("reconnecting")
            # The restart delay (300-600 ms) passes offline: no attempt is spent...
            time.sleep(0.9)
            assert len(server.connections) == 1
            # ... until backoffMax after it, in case the browser's "offline" was wrong.
            assert running.wait_exit(5) == 0
    assert len(server.connections) == 2
    assert len(running.of("reconnecting")) == 1


def test_back_online_cuts_a_long_backoff_short(render_to: RenderTo, node: str) -> None:
    module = render_to(**LONG_BACKOFF)
    rules = [{"on": "open", "count": 2, "close": []}]
    # 4000 retries with backoff: a wait the server did not ask for, so a wake-up may cut it.
    with ScriptedServer([Script(after=0.05, code=4000)]) as server:
        with client(module, server.url, random=0.999, browser={}, rules=rules) as running:
            [reconnecting] = [running.wait_for("reconnecting")]
            assert reconnecting["delay"] >= 19_000
            running.command({"online": False})
            running.command({"online": True})
            # Well inside the 19 s the backoff would have waited.
            assert running.wait_exit(5) == 0
    assert len(server.connections) == 2


def test_page_shown_again_retries_now_and_a_hidden_page_waits(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**LONG_BACKOFF)
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer([Script(after=0.05, code=4000)]) as server:
        with client(module, server.url, random=0.999, browser={}, rules=rules) as running:
            running.wait_for("reconnecting")
            running.command({"visible": False})
            assert last_state(running)["constructed"] == 1
            running.command({"visible": True})
            assert running.wait_exit(5) == 0
    assert len(server.connections) == 2


def test_visibility_and_online_leave_an_open_connection_alone(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer() as server:
        with client(module, server.url, browser={}) as running:
            running.wait_for("open")
            running.command({"visible": False})
            running.command({"visible": True})
            running.command({"online": True})
            state = last_state(running)
            running.command({"close": []})
            assert running.wait_exit(5) == 0
    assert state["constructed"] == 1
    assert len(server.connections) == 1


def test_final_close_removes_the_browser_listeners(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer() as server:
        with client(module, server.url, browser={}, holdOpen=True) as running:
            running.wait_for("open")
            assert last_state(running)["listeners"] == 2
            running.command({"close": []})
            running.wait_for("close")
            assert last_state(running)["listeners"] == 0
            running.command({"release": True})
            assert running.wait_exit(5) == 0


# -- server retry hint ---------------------------------------------------------------------------


# 4000 retries with backoff (floor 0); each hint is spread over the 300 ms restart window's
# width, here its end (random 0.999). The floors and bounds are proven exactly in
# tests/logic/test_restart_policy.py.
@pytest.mark.parametrize(
    ("reason", "delay"),
    [
        ("overloaded; retry-after=0.3", 600),
        ("retry-after=1", 1300),
        ("Retry-After=0", 300),
        ("retry-after=3600", 2000),  # clamped to --backoff-max less the window's width
    ],
)
def test_retry_after_in_the_reason_sets_the_delay(
    render_to: RenderTo, node: str, reason: str, delay: int
) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "reconnecting", "close": []}]
    with ScriptedServer([Script(after=0.05, code=4000, reason=reason)]) as server:
        with client(module, server.url, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [reconnecting] = running.of("reconnecting")
    assert (reconnecting["delay"], reconnecting["fromServer"]) == (delay, True)


def test_the_server_hint_is_waited_for(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "count": 2, "close": []}]
    # 4000 retries with backoff; random 0 puts the hint's spread at its start, 200 ms.
    with ScriptedServer([Script(after=0.05, code=4000, reason="retry-after=0.2")]) as server:
        with client(module, server.url, random=0, rules=rules) as running:
            assert running.wait_exit(5) == 0
    first, second = server.connections
    assert first.closing_at is not None and first.ended_at is not None
    assert second.opened_at - first.closing_at >= 0.2
    assert second.opened_at - first.ended_at < allow(0.6)


def test_without_a_hint_the_delay_is_the_policys(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "reconnecting", "close": []}]
    with ScriptedServer([Script(after=0.05, code=4000, reason="retry-after=soon")]) as server:
        with client(module, server.url, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [reconnecting] = running.of("reconnecting")
    assert (reconnecting["delay"], reconnecting["fromServer"]) == (50, False)


def test_a_hint_never_revives_a_stop_code(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer([Script(after=0.05, code=1008, reason="retry-after=0.1")]) as server:
        with client(module, server.url) as running:
            assert running.wait_exit(5) == 0
    assert running.of("reconnecting") == []
    assert [event["code"] for event in running.of("close")] == [1008]


def test_retry_hint_off_ignores_the_reason(render_to: RenderTo, node: str) -> None:
    module = render_to(retry_hint="off", **FAST_GIVING_UP)
    rules = [{"on": "reconnecting", "close": []}]
    with ScriptedServer([Script(after=0.05, code=4000, reason="retry-after=1")]) as server:
        with client(module, server.url, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [reconnecting] = running.of("reconnecting")
    assert reconnecting["delay"] == 50
    assert "fromServer" not in reconnecting


# -- reconnect hook ------------------------------------------------------------------------------


def test_hook_marks_an_application_code_fatal(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer([Script(after=0.05, code=4401, reason="token revoked")]) as server:
        with client(module, server.url, hook={"4401": None}) as running:
            assert running.wait_exit(5) == 0
        time.sleep(0.2)
        assert len(server.connections) == 1
    [hook] = running.of("hook")
    assert (hook["code"], hook["reason"], hook["attempt"]) == (4401, "token revoked", 1)
    assert running.of("reconnecting") == []
    assert [event["code"] for event in running.of("close")] == [4401]


def test_hook_retries_a_proxys_idle_1000(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer([Script(after=0.05, code=1000, reason="idle")]) as server:
        with client(module, server.url, hook={"1000": 120}, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [reconnecting] = running.of("reconnecting")
    assert (reconnecting["code"], reconnecting["delay"]) == (1000, 120)
    assert len(server.connections) == 2
    # The user's own close() is final and never asks the hook.
    assert [hook["code"] for hook in running.of("hook")] == [1000]
    # close() with no code sends none; the server echoes none: 1005, as a WebSocket reports.
    assert [event["code"] for event in running.of("close")] == [1005]


def test_hook_answering_undefined_keeps_the_table(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "reconnecting", "count": 2, "close": []}]
    scripts = [Script(after=0.05, code=1012), Script(after=0.05, drop=True)]
    with ScriptedServer(scripts) as server:
        with client(module, server.url, random=0.0, hook={}, rules=rules) as running:
            assert running.wait_exit(5) == 0
    hooks = running.of("hook")
    assert [(hook["code"], hook["attempt"], hook["answer"]) for hook in hooks] == [
        (1012, 1, "undefined"),
        (1006, 2, "undefined"),
    ]
    events = running.of("reconnecting")
    assert [(event["code"], event["delay"]) for event in events] == [(1012, 300), (1006, 0)]


def test_hook_delay_still_respects_max_retries(render_to: RenderTo, node: str) -> None:
    module = render_to(max_retries=1, **FAST_GIVING_UP)
    with ScriptedServer(default=Script(after=0.05, code=1000)) as server:
        with client(module, server.url, hook={"1000": 10}) as running:
            assert running.wait_exit(5) == 0
    assert len(running.of("reconnecting")) == 1
    assert [event["code"] for event in running.of("close")] == [1000]
    assert len(server.connections) == 2


# -- URL provider --------------------------------------------------------------------------------


def test_url_function_is_called_before_every_attempt(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "count": 3, "close": []}]
    with ScriptedServer(default=Script(after=0.05, drop=True)) as server:
        urls = ["sync", "async"]
        with client(module, server.url, urlProvider=urls, rules=rules) as running:
            assert running.wait_exit(5) == 0
    assert [connection.path for connection in server.connections] == [
        "/?call=1",
        "/?call=2",
        "/?call=3",
    ]
    assert [event["url"] for event in running.of("open")] == [
        f"{server.url}?call={n}" for n in (1, 2, 3)
    ]
    no_crash(running)


def test_a_rejected_url_promise_is_a_failed_attempt(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "close": []}]
    with ScriptedServer() as server:
        urls = ["reject", "reject", "async"]
        with client(module, server.url, urlProvider=urls, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
    events = running.of("reconnecting")
    assert [(event["code"], event["attempt"], event["delay"]) for event in events] == [
        (1006, 1, 50),
        (1006, 2, 100),
    ]
    assert "token service down (call 1)" in events[0]["reason"]
    assert len(running.of("error")) == 2
    assert [connection.path for connection in server.connections] == ["/?call=3"]
    no_crash(running)


def test_a_throwing_url_function_or_a_bad_url_never_crashes(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "count": 2, "close": []}]
    urls = ["sync", "throw", "invalid", "sync"]
    with ScriptedServer([Script(after=0.05, drop=True)]) as server:
        with client(module, server.url, urlProvider=urls, rules=rules) as running:
            assert running.wait_exit(5) == 0
    reasons = [event["reason"] for event in running.of("reconnecting")]
    assert len(reasons) == 3
    assert "url provider threw (call 2)" in reasons[1]
    assert "not a websocket url" in reasons[2] or "Invalid URL" in reasons[2]
    assert [connection.path for connection in server.connections] == ["/?call=1", "/?call=4"]
    no_crash(running)


def test_close_while_the_url_is_pending_opens_nothing(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    with ScriptedServer() as server:
        with client(module, server.url, urlProvider=["slow"]) as running:
            running.command({"close": []})
            # The process lives on until the URL arrives, 1 s in; then nothing may connect.
            assert running.wait_exit(5) == 0
        time.sleep(0.1)
        assert server.connections == []
    # The scenario really happened: the close came while the URL was still on its way.
    [call] = running.of("url-call")
    assert running.of("close")[0]["t"] < call["t"] + 1000
    # Closed while CONNECTING (between attempts): the attempt fails, 1006, as on a WebSocket.
    assert [event["code"] for event in running.of("close")] == [1006]
    assert running.of("construct") == []


def test_a_later_constructor_throw_is_a_failed_attempt(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "count": 2, "close": []}]
    with ScriptedServer([Script(after=0.05, drop=True)]) as server:
        with client(module, server.url, throwOnConstruct=[2, 3], rules=rules) as running:
            assert running.wait_exit(5) == 0
    reasons = [event["reason"] for event in running.of("reconnecting")]
    assert len(reasons) == 3
    assert "construction 2 refused by the test" in reasons[1]
    assert len(server.connections) == 2
    no_crash(running)


# -- manual reconnect() --------------------------------------------------------------------------


def test_reconnect_drops_the_connection_and_connects_now(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "open", "reconnect": True}, {"on": "open", "count": 2, "close": []}]
    with ScriptedServer() as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[0].ended_at is not None)
    assert len(server.connections) == 2
    first, second = server.connections
    assert first.ended_at is not None and first.ended_at <= second.opened_at + allow(0.05)
    assert running.of("reconnecting") == []
    [called] = running.of("reconnect-called")
    assert called["readyState"] == 0
    # close() with no code sends none; the server echoes none: 1005, as a WebSocket reports.
    assert [event["code"] for event in running.of("close")] == [1005]


def test_reconnect_during_a_long_backoff_connects_now_and_resets_it(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [
        {"on": "reconnecting", "count": 2, "reconnect": True},
        {"on": "reconnecting", "count": 3, "close": []},
    ]
    with ScriptedServer(default=Script(after=0.05, drop=True)) as server:
        with client(module, server.url, random=0.999, rules=rules) as running:
            assert running.wait_exit(5) == 0
    events = running.of("reconnecting")
    # The third drop backs off from the start again.
    assert [(event["attempt"], event["delay"]) for event in events] == [
        (1, 50),
        (2, 100),
        (1, 50),
    ]
    assert len(server.connections) == 3


def test_reconnect_after_the_final_close_throws(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST_GIVING_UP)
    rules = [{"on": "close", "reconnect": True}]
    with ScriptedServer([Script(after=0.05, code=1000)]) as server:
        with client(module, server.url, rules=rules) as running:
            assert running.wait_exit(5) == 0
    [error] = running.of("reconnect-error")
    assert error["name"] == "InvalidStateError"


CONSTRUCT_THEN_COUNT = """
const listening = [];
globalThis.addEventListener = (type) => listening.push(type);
globalThis.removeEventListener = () => {};
globalThis.navigator = { onLine: true };
const { ReconnectingSocket } = await import(process.argv[1]);
class Refusing { constructor() { throw new SyntaxError("bad url"); } }
let thrown = null;
try {
  new ReconnectingSocket("not a url", [], { WebSocket: Refusing });
} catch (error) {
  thrown = error.name;
}
console.log(JSON.stringify({ thrown, listening }));
"""


def test_a_constructor_that_throws_leaves_no_listener_behind(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST_GIVING_UP)
    result = subprocess.run(
        [node, "--input-type=module", "-e", CONSTRUCT_THEN_COUNT, module.as_uri()],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    # The first attempt's error reaches the caller, as `new WebSocket` would throw it.
    assert json.loads(result.stdout) == {"thrown": "SyntaxError", "listening": []}
