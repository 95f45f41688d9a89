"""The generated module in headless Chromium against a real server: the place it really runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.browser import StaticServer
from tests.support.servers import Script, ScriptedServer

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<meta charset="utf-8">
<script type="module">
  import { ReconnectingSocket } from "./module.js";
  window.events = [];
  const config = %s;
  const socket = new ReconnectingSocket(config.url);
  window.socket = socket;
  for (const type of ["open", "close", "reconnecting"]) {
    socket.addEventListener(type, (event) => {
      window.events.push({ type, code: event.code, delay: event.delay });
      if (type === "open" && window.events.filter((e) => e.type === "open").length === 2) {
        socket.close();
      }
    });
  }
  let oncloseCalls = 0;
  socket.onclose = () => { window.oncloseCalls = ++oncloseCalls; };
</script>
"""


def serve_page(root: Path, module: Path, url: str) -> None:
    (root / "module.js").write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "index.html").write_text(PAGE % json.dumps({"url": url}), encoding="utf-8")


def final_events(page: Any) -> list[dict[str, Any]]:
    page.wait_for_function("window.events && window.events.some((e) => e.type === 'close')")
    events: list[dict[str, Any]] = page.evaluate("window.events")
    return events


def test_esm_close_1000_fires_close_once_and_never_reconnects(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(restart_delay="300ms-600ms", backoff_initial="50ms")
    with ScriptedServer([Script(after=0.1, code=1000)]) as server:
        serve_page(tmp_path, module, server.url)
        with StaticServer(tmp_path) as static:
            page.goto(static.url + "index.html")
            events = final_events(page)
            page.wait_for_timeout(1200)
            assert len(server.connections) == 1
            assert page.evaluate("window.oncloseCalls") == 1
    assert [event["type"] for event in events] == ["open", "close"]
    assert events[-1]["code"] == 1000


def test_esm_close_1012_reconnects_inside_the_window(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(restart_delay="300ms-600ms", backoff_initial="50ms")
    with ScriptedServer([Script(after=0.1, code=1012, down_for=0.15)]) as server:
        serve_page(tmp_path, module, server.url)
        with StaticServer(tmp_path) as static:
            page.goto(static.url + "index.html")
            events = final_events(page)
    assert [event["type"] for event in events] == ["open", "reconnecting", "open", "close"]
    assert events[1]["code"] == 1012
    assert 300 <= events[1]["delay"] <= 600
    first, second = server.connections
    assert first.ended_at is not None
    assert 0.3 - 0.02 <= second.opened_at - first.ended_at <= 0.9
