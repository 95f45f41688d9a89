"""The drop-in promise, measured: checks ported from the Web Platform Tests' `websockets/` suite
(tests/browser/wpt-checks.js) run against the native WebSocket and the module's class in the
same Chromium page and server. Any difference not listed in tests/browser/drop_in.py (whose
table is docs/drop-in.md) fails; so does a listed difference that no longer differs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from generator.formats import Format
from generator.options import build_options
from generator.render import render_module
from tests.browser.drop_in import BEGIN, INTENDED, LISTED_IN, with_table
from tests.support.browser import StaticServer
from tests.support.servers import _ThreadedServer

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent


class WptServer(_ThreadedServer):
    """/echo echoes (first offered subprotocol, permessage-deflate on), /close-<code> closes with
    the code once open, /stall holds the handshake for a while."""

    def __init__(self) -> None:
        super().__init__()
        self._server: Server | None = None

    async def _listen(self) -> None:
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._process_request,
            select_subprotocol=lambda connection, offered: offered[0] if offered else None,
            ping_interval=None,
            open_timeout=5,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), 10)

    async def _process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        if request.path == "/stall":
            await asyncio.sleep(3)
            return connection.respond(503, "stalled\n")
        return None

    async def _handle(self, websocket: ServerConnection) -> None:
        path = websocket.request.path
        try:
            if path.startswith("/close-"):
                await websocket.close(int(path.removeprefix("/close-")), "")
                return
            async for message in websocket:
                await websocket.send(message)
        except ConnectionClosed:
            pass


PAGE = """<!doctype html>
<meta charset="utf-8">
<script>window.BASE = %s;</script>
%s
<script type="module">
  %s
  await import("./wpt-checks.js");
  window.ready = true;
</script>
"""


def page_for(format: Format, base: str) -> str:
    if format is Format.IIFE:
        return PAGE % (json.dumps(base), '<script src="module.js"></script>', "")
    load = 'const { ReconnectingSocket } = await import("./module.js");\n'
    return PAGE % (json.dumps(base), "", load + "  window.ReconnectingSocket = ReconnectingSocket;")


@pytest.fixture
def results(page: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    format: Format = request.param
    options = build_options({"format": format.value})
    (tmp_path / "module.js").write_text(render_module(options), encoding="utf-8")
    (tmp_path / "wpt-checks.js").write_text(
        (HERE / "wpt-checks.js").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with WptServer() as server, StaticServer(tmp_path) as static:
        base = server.url.rstrip("/")
        (tmp_path / "index.html").write_text(page_for(format, base), encoding="utf-8")
        page.goto(static.url + "index.html")
        page.wait_for_function("window.ready === true")
        observed: dict[str, Any] = {}
        for check in page.evaluate("window.CHECKS"):
            name = check["name"]
            native = json.loads(page.evaluate("([n, w]) => runCheck(n, w)", [name, "native"]))
            ours = json.loads(page.evaluate("([n, w]) => runCheck(n, w)", [name, "ours"]))
            observed[name] = {"wpt": check["wpt"], "native": native, "ours": ours}
        yield observed


@pytest.mark.parametrize("results", [Format.ESM, Format.IIFE], indirect=True, ids=["esm", "iife"])
def test_only_the_intended_differences_from_a_native_websocket(
    results: dict[str, Any],
) -> None:
    differ = {name for name, seen in results.items() if seen["native"] != seen["ours"]}
    unintended = {name: results[name] for name in sorted(differ - INTENDED.keys())}
    stale = sorted(INTENDED.keys() - differ)
    matches = len(results) - len(differ)
    print(
        f"\nWPT-derived checks: {len(results)}, match: {matches}, "
        f"intended differences: {len(differ & INTENDED.keys())}, unintended: {len(unintended)}"
    )
    assert not unintended, json.dumps(unintended, indent=1)
    assert not stale, f"listed as intended but no longer different: {stale}"
    # The checks observe something: the native socket opened, echoed and closed.
    assert results["message event: a string"]["native"]["value"]["data"] == "Hello"
    assert results["close(1000) closes cleanly"]["native"]["value"]["code"] == 1000


@pytest.mark.parametrize("page", LISTED_IN, ids=lambda page: page.name)
def test_docs_list_exactly_the_intended_differences(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert BEGIN in text, f"{page.name} lacks the intended-differences table"
    assert text == with_table(text), "regenerate with: python -m tests.browser.drop_in"
