"""The drop-in surface in Node 20 with `ws`, loaded the way a user's project loads it: the cjs
file from a CommonJS package (what `npm init -y` makes) and the ES module as `.mjs` there.
Node has MessageEvent but no CloseEvent: "close" is an Event with read-only fields."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.formats import Format
from generator.options import build_options
from generator.render import render_module
from tests.support.node import NODE_DIR
from tests.support.servers import Script, ScriptedServer

APP = """
"use strict";
const WebSocket = require("ws");
const load = process.argv[3] === "mjs"
  ? import("./socket.mjs")
  : Promise.resolve(require("./socket.cjs"));
load.then(({ ReconnectingSocket }) => {
  const socket = new ReconnectingSocket(process.argv[2], undefined, { WebSocket });
  const seen = { order: [] };
  socket.addEventListener("message", () => seen.order.push("listener before"));
  socket.onmessage = (event) => {
    seen.order.push("handler");
    seen.message = [event instanceof MessageEvent, event.data];
  };
  socket.addEventListener("message", () => seen.order.push("listener after"));
  socket.onopen = () => socket.send("hello");
  socket.addEventListener("message", () => socket.close(3000, "bye"));
  socket.onclose = (event) => {
    let assigned = "no error";
    try {
      event.code = 4242;
    } catch (error) {
      assigned = error.name;
    }
    seen.close = [event instanceof Event, event.code, event.reason, event.wasClean, assigned];
    seen.shape = [Object.keys(socket), JSON.stringify(socket), String(socket), socket.url];
    seen.onerror = (socket.onerror = 1, socket.onerror);
    console.log(JSON.stringify(seen));
  };
});
"""


@pytest.mark.parametrize("ending", ["cjs", "mjs"])
def test_a_commonjs_project_loads_the_module_and_sees_websocket_behaviour(
    tmp_path: Path, node: str, ending: str
) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"type": "commonjs"}), encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(NODE_DIR / "node_modules")
    format = Format.CJS if ending == "cjs" else Format.ESM
    text = render_module(build_options({"format": format.value}))
    (tmp_path / f"socket.{ending}").write_text(text, encoding="utf-8")
    (tmp_path / "app.js").write_text(APP, encoding="utf-8")
    with ScriptedServer(default=Script(echo=True)) as server:
        result = subprocess.run(
            [node, "app.js", server.url + "path", ending],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["order"] == ["listener before", "handler", "listener after"]
    assert seen["message"] == [True, "hello"]
    assert seen["close"] == [True, 3000, "bye", True, "TypeError"]
    assert seen["shape"] == [[], "{}", "[object WebSocket]", server.url + "path"]
    assert seen["onerror"] is None
