"""A `shouldReconnect` that throws (docs/options.md, Reconnect hook) cannot strand the socket: the
table applies to that close, and the error is thrown again from a timer, where the console (or
Node's `uncaughtException`) shows it. A hook that calls reconnect() gets what reconnect()
promises: a new attempt now, no "reconnecting". One Node process against a fake WebSocket
(fast tier)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.options import build_options
from generator.render import render_module
from tests.support.logic import run_module_script

pytestmark = pytest.mark.logic

HARNESS = r"""
import { Socket } from "MODULE";
const uncaught = [];
process.on("uncaughtException", (error) => uncaught.push(error.message));
let latest;
class Fake extends EventTarget {
  readyState = 0;
  protocol = "";
  extensions = "";
  constructor() {
    super();
    latest = this;
  }
  send() {}
  close() {}
}
Math.random = () => 0.5;
const seen = [];
const socket = new Socket("ws://example.com/", [], {
  WebSocket: Fake,
  backoffInitial: 1000,
  restartDelayMin: 2000,
  restartDelayMax: 4000,
  shouldReconnect: () => {
    throw new Error("bug in the hook");
  },
});
socket.onreconnecting = (event) => seen.push(["reconnecting", event.code, event.delay]);
socket.onclose = (event) => seen.push(["close", event.code]);
for (const code of [1012, 4000, 1008]) {
  latest.readyState = 1;
  latest.onopen({});
  latest.readyState = 3;
  latest.onclose({ code, reason: "", wasClean: true });
  if (socket.readyState !== 3) socket.reconnect();
}
const before = uncaught.length;
// The error is thrown from a timer of its own (0 ms): one of ours set after it fires later.
await new Promise((resolve) => setTimeout(resolve, 0));
process.stdout.write(JSON.stringify({ seen, before, uncaught }));
process.exit(0);
"""


def test_a_throwing_hook_applies_the_table_and_reports_its_error(tmp_path: Path) -> None:
    module = tmp_path / "socket.mjs"
    options = build_options({"class-name": "Socket"})
    module.write_text(render_module(options), encoding="utf-8")
    script = HARNESS.replace('"MODULE"', json.dumps(module.as_uri()))
    got = run_module_script(script)
    # The table, with Math.random at 0.5: 1012 restarts in the window (2000 + 0.5 * 2000), 4000
    # backs off below the first ceiling (0.5 * 1000), 1008 stops.
    assert got["seen"] == [
        ["reconnecting", 1012, 3000],
        ["reconnecting", 4000, 500],
        ["close", 1008],
    ]
    assert got["before"] == 0, "the error is not thrown inside the close that called the hook"
    assert got["uncaught"] == ["bug in the hook"] * 3


RECONNECTING_HOOK = r"""
import { Socket } from "MODULE";
const made = [];
class Fake extends EventTarget {
  readyState = 0;
  protocol = "";
  extensions = "";
  constructor() {
    super();
    made.push(this);
  }
  send() {}
  close() {}
}
const seen = [];
const socket = new Socket("ws://example.com/", [], {
  WebSocket: Fake,
  shouldReconnect: () => {
    seen.push("hook");
    socket.reconnect();
    return 100;
  },
});
socket.onreconnecting = () => seen.push("reconnecting");
socket.onopen = () => seen.push("open");
made[0].readyState = 1;
made[0].onopen({});
made[0].readyState = 3;
made[0].onclose({ code: 4000, reason: "", wasClean: true });
made[1].readyState = 1;
made[1].onopen({});
process.stdout.write(JSON.stringify({ seen, made: made.length, readyState: socket.readyState }));
process.exit(0);
"""


def test_a_hook_that_calls_reconnect_gets_a_new_attempt_now(tmp_path: Path) -> None:
    module = tmp_path / "socket.mjs"
    module.write_text(render_module(build_options({"class-name": "Socket"})), encoding="utf-8")
    script = RECONNECTING_HOOK.replace('"MODULE"', json.dumps(module.as_uri()))
    # options.md, Manual reconnect: "connects now, with the backoff reset; no reconnecting fires"
    # (and nothing else retries on top of it).
    assert run_module_script(script) == {
        "seen": ["open", "hook", "open"],
        "made": 2,
        "readyState": 1,
    }
