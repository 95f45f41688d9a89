"""The browser-only features in headless Chromium: network awareness (Playwright takes the
context offline and back) and retrying when the page is shown again; and the profile with every
optional feature off, where the 1000/1012 policy must hold just the same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.golden.test_trimming import EVERY_FEATURE_OFF
from tests.support.browser import StaticServer
from tests.support.fast import FAST
from tests.support.servers import Script, ScriptedServer

pytestmark = pytest.mark.browser

LONG_RESTART = {**FAST, "restart_delay": "20s-30s"}
LONG_BACKOFF = {**FAST, "backoff_initial": "20s", "backoff_max": "30s"}
# Math.random's largest draw, so a backoff below 20 s waits nearly all of it.
LATE_RANDOM = "Math.random = () => 0.999;"

# The page counts every WebSocket the module constructs: an attempt not made is one not counted.
PAGE = """<!doctype html>
<meta charset="utf-8">
<script type="module">
  import { ReconnectingSocket } from "./module.js";
  const config = %s;
  window.events = [];
  window.constructed = 0;
  class CountingWebSocket extends WebSocket {
    constructor(...args) {
      window.constructed += 1;
      super(...args);
    }
  }
  const socket = new ReconnectingSocket(config.url, undefined, { WebSocket: CountingWebSocket });
  window.socket = socket;
  for (const type of ["open", "close", "reconnecting"]) {
    socket.addEventListener(type, (event) => {
      window.events.push({ type, code: event.code, delay: event.delay, attempt: event.attempt });
    });
  }
  window.count = (type) => window.events.filter((event) => event.type === type).length;
</script>
"""

# Chromium in headless mode always reports a visible page; the page's own view of it is what
# the module reads, so the test overrides it and sends the event a real tab switch would.
SET_VISIBILITY = """(state) => {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  Object.defineProperty(document, "hidden", { value: state === "hidden", configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
  return window.constructed;
}"""


@contextmanager
def page_with(page: Any, tmp_path: Path, module: Path, server: ScriptedServer) -> Iterator[Any]:
    (tmp_path / "module.js").write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    page_text = PAGE % json.dumps({"url": server.url})
    (tmp_path / "index.html").write_text(page_text, encoding="utf-8")
    with StaticServer(tmp_path) as static:
        page.goto(static.url + "index.html")
        yield page


def wait_count(page: Any, event_type: str, count: int) -> None:
    page.wait_for_function(f"window.count && window.count({event_type!r}) >= {count}")


def test_offline_spends_no_attempt_and_online_reconnects(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(**FAST)
    with ScriptedServer() as server:
        with page_with(page, tmp_path, module, server):
            wait_count(page, "open", 1)
            page.context.set_offline(True)
            assert page.evaluate("navigator.onLine") is False
            # The peer goes too (Playwright's offline mode leaves open WebSockets alone).
            server.drop(0)
            wait_count(page, "reconnecting", 1)
            # Many 50 ms backoffs come due while offline; not one attempt is made.
            page.wait_for_timeout(600)
            assert page.evaluate("window.constructed") == 1
            assert page.evaluate("window.count('reconnecting')") == 1
            assert page.evaluate("socket.readyState") == 0
            page.context.set_offline(False)
            wait_count(page, "open", 2)
            page.evaluate("socket.close()")
            wait_count(page, "close", 1)
            events = page.evaluate("window.events")
        assert len(server.connections) == 2
    assert [event["type"] for event in events] == ["open", "reconnecting", "open", "close"]
    assert events[1]["attempt"] == 1


def test_back_online_cuts_a_long_backoff_short(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(**LONG_BACKOFF)
    page.add_init_script(LATE_RANDOM)
    # 4000 backs off: a wait the server did not ask for, which a wake-up may cut.
    with ScriptedServer([Script(after=0.05, code=4000)]) as server:
        with page_with(page, tmp_path, module, server):
            wait_count(page, "reconnecting", 1)
            assert page.evaluate("window.events[1].delay") >= 19_000
            page.context.set_offline(True)
            page.context.set_offline(False)
            # The page's 10 s wait is half of the backoff's delay.
            wait_count(page, "open", 2)
        assert len(server.connections) == 2


def test_waking_up_never_cuts_a_restart_window(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(**LONG_RESTART)
    with ScriptedServer([Script(after=0.05, code=1012)]) as server:
        with page_with(page, tmp_path, module, server):
            wait_count(page, "reconnecting", 1)
            page.context.set_offline(True)
            page.context.set_offline(False)
            assert page.evaluate(SET_VISIBILITY, "hidden") == 1
            assert page.evaluate(SET_VISIBILITY, "visible") == 1
            # The server asked for 20 s at least: neither wake-up made an attempt.
            page.wait_for_timeout(300)
            assert page.evaluate("window.constructed") == 1


def test_showing_the_page_retries_now_and_hiding_it_does_not(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(**LONG_BACKOFF)
    page.add_init_script(LATE_RANDOM)
    with ScriptedServer([Script(after=0.05, code=4000)]) as server:
        with page_with(page, tmp_path, module, server):
            wait_count(page, "reconnecting", 1)
            assert page.evaluate(SET_VISIBILITY, "hidden") == 1
            assert page.evaluate(SET_VISIBILITY, "visible") == 2
            wait_count(page, "open", 2)
            # Shown again while connected: nothing to do.
            assert page.evaluate(SET_VISIBILITY, "visible") == 2
        assert len(server.connections) == 2


@pytest.mark.parametrize("code", [1000, 1012])
def test_every_feature_off_keeps_the_1000_and_1012_policy(
    render_to: RenderTo, page: Any, tmp_path: Path, code: int
) -> None:
    module = render_to(**FAST, **EVERY_FEATURE_OFF)
    with ScriptedServer([Script(after=0.1, code=code)]) as server:
        with page_with(page, tmp_path, module, server):
            if code == 1000:
                wait_count(page, "close", 1)
                page.wait_for_timeout(700)  # a whole restart window: no attempt follows
            else:
                wait_count(page, "open", 2)
                page.evaluate("socket.close()")
                wait_count(page, "close", 1)
            events = page.evaluate("window.events")
        connections = len(server.connections)
    if code == 1000:
        assert [event["type"] for event in events] == ["open", "close"]
        assert connections == 1
    else:
        assert [event["type"] for event in events] == ["open", "reconnecting", "open", "close"]
        assert 300 <= events[1]["delay"] <= 600
        assert connections == 2
