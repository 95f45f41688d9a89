"""The soak in headless Chromium: 5 clients on one page, shorter, against the same chaos server
and the same client code as the Node soak (`tests/node/soak-client.mjs`), checked the same way;
one client calls `close()` mid-chaos. A browser has no process to exit; instead the server keeps
listening after every client's close, longer than any retry delay, to catch one that tries
again."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.browser import StaticServer
from tests.support.chaos import ChaosPlan, ChaosServer
from tests.support.node import NODE_DIR
from tests.support.soak import (
    HEARTBEAT_MESSAGE,
    SOAK_FLAGS,
    ClientRun,
    check_soak,
    soak_configs,
)

pytestmark = [pytest.mark.browser, pytest.mark.heavy]

CLIENTS = 5

PAGE = """<!doctype html>
<meta charset="utf-8">
<script>
  window.soak = { errors: [] };
  window.addEventListener("error", (event) => window.soak.errors.push(String(event.message)));
  window.addEventListener("unhandledrejection", (event) => {
    window.soak.errors.push("unhandled rejection: " + String(event.reason));
  });
</script>
<script type="module">
  import { ReconnectingSocket } from "./module.js";
  import { runSoakClient } from "./soak-client.mjs";
  const { url, clients } = %s;
  const started = performance.now();
  for (const config of clients) {
    const events = (window.soak[config.client] = []);
    const report = (type, fields) => {
      events.push({ type, t: Math.round(performance.now() - started), ...fields });
    };
    runSoakClient({ ...config, url, SocketClass: ReconnectingSocket, WebSocket }, report);
  }
</script>
"""


def serve_soak_page(root: Path, module: Path, config: dict[str, Any]) -> None:
    shutil.copy(module, root / "module.js")
    shutil.copy(NODE_DIR / "soak-client.mjs", root / "soak-client.mjs")
    (root / "index.html").write_text(PAGE % json.dumps(config), encoding="utf-8")


def test_five_browser_clients_across_chaos_lose_nothing_the_module_holds_and_never_come_back(
    render_to: RenderTo, page: Any, tmp_path: Path
) -> None:
    module = render_to(**SOAK_FLAGS)
    plan = ChaosPlan(seconds=15, seed=11, wait_for_clients=CLIENTS, heartbeat=HEARTBEAT_MESSAGE)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    with ChaosServer(plan) as server:
        clients = soak_configs(CLIENTS, plan, closers=1)
        serve_soak_page(tmp_path, module, {"url": server.url, "clients": clients})
        with StaticServer(tmp_path) as static:
            page.goto(static.url + "index.html")
            began = time.monotonic()
            server.wait_until(lambda: server.finals >= CLIENTS - 1, timeout=plan.seconds + 20)
            page.wait_for_function(
                "Object.keys(window.soak).filter((key) => key !== 'errors')"
                ".every((key) => window.soak[key].some((event) => event.type === 'close'))"
            )
            print(f"finals after {time.monotonic() - began:.1f} s")
            # Longer than the longest retry delay (backoff max 1 s): a client that was going to
            # try again after its final close would have done so by now.
            time.sleep(1.5)
            soak = page.evaluate("window.soak")
    errors = [{"type": "page-error", "message": error} for error in soak["errors"] + page_errors]
    runs = [
        ClientRun(config["client"], soak[config["client"]] + errors, group=config["group"])
        for config in clients
    ]
    # Chromium's network service drops what it had not yet written when the server's Close
    # arrives, unseen by bufferedAmount: the checker excuses data handed to an open socket on a
    # connection the server closed, and checks the module's part (every message handed over,
    # and only to an open socket) exactly.
    report = check_soak(server, runs, browser=True)
    print(report.render())
    assert report.violations == [], report.render()
    assert report.counts["sent while not open"] > 0
    assert {"restart", "drop", "stall"} <= set(report.faults), report.render()
