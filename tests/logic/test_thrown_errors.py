"""Every error the module throws says which call failed, what it got and what it allows, in
the error's name as a WebSocket would throw it (WHATWG WebSockets, WebIDL): a user reading the
console must not need the source. Node, a fake WebSocket, no network (fast tier)."""

from __future__ import annotations

import json

import pytest

from generator.options import build_options
from generator.render import render_module
from tests.support.logic import run_module_script

pytestmark = pytest.mark.logic

# Each case: what a user does, as JavaScript run with `Socket` (the class), `open()` (a socket
# whose fake connection opened) and `closed()` (one closed for good).
CASES = {
    "no argument": "new Socket()",
    "a URL of another scheme": 'new Socket("ftp://example.com/live")',
    "a URL with a fragment": 'new Socket("ws://example.com/live#top")',
    "no WebSocket class in Node": 'new Socket("ws://example.com/", [], { WebSocket: undefined })',
    "send() without data": "open().send()",
    "send() after the close": 'closed().send("late")',
    "send() past the queue limit": 'const s = waiting(); s.send("a"); s.send("b"); s.send("c")',
    "close() with a code not allowed": "open().close(1001)",
    "close() with a reason over 123 bytes": 'open().close(1000, "x".repeat(124))',
    "reconnect() after the close": "closed().reconnect()",
}

HARNESS = """
import { Socket } from "MODULE";
delete globalThis.WebSocket; // as in Node 20, whatever runs the test
class Fake extends EventTarget {
  readyState = 0;
  protocol = "";
  extensions = "";
  send() {}
  close() {
    this.readyState = 3;
  }
}
class Opened extends Fake {
  readyState = 1;
}
const make = (WebSocket) => new Socket("ws://example.com/", [], { WebSocket, queueLimit: 2 });
const waiting = () => make(Fake);
const open = () => make(Opened);
const closed = () => {
  const socket = make(Fake);
  socket.close();
  return socket;
};
const results = {};
for (const [label, code] of Object.entries(CASES)) {
  try {
    new Function("Socket", "open", "closed", "waiting", code)(Socket, open, closed, waiting);
    results[label] = null;
  } catch (error) {
    results[label] = [error.name, error.message];
  }
}
process.stdout.write(JSON.stringify(results));
process.exit(0);
"""


@pytest.fixture(scope="module")
def thrown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    folder = tmp_path_factory.mktemp("errors")
    module = folder / "socket.mjs"
    module.write_text(render_module(build_options({"class-name": "Socket"})), encoding="utf-8")
    script = HARNESS.replace("MODULE", module.as_uri()).replace(
        "Object.entries(CASES)", f"Object.entries({json.dumps(CASES)})"
    )
    return dict(run_module_script(script))


# label -> (error name, what the message must say: the call, the value given, what is allowed)
EXPECTED = {
    "no argument": ("TypeError", ["Socket", "argument"]),
    "a URL of another scheme": ("SyntaxError", ["Socket", "ftp://example.com/live", "URL"]),
    "a URL with a fragment": ("SyntaxError", ["Socket", "#top", "URL"]),
    "no WebSocket class in Node": ("TypeError", ["Socket", "no WebSocket", "options.WebSocket"]),
    "send() without data": ("TypeError", ["send", "argument"]),
    "send() after the close": ("InvalidStateError", ["send", "closed"]),
    "send() past the queue limit": ("QuotaExceededError", ["send", "queueLimit", "2"]),
    "close() with a code not allowed": (
        "InvalidAccessError",
        ["close", "1001", "1000", "3000-4999"],
    ),
    "close() with a reason over 123 bytes": ("SyntaxError", ["close", "reason", "123 bytes"]),
    "reconnect() after the close": ("InvalidStateError", ["reconnect", "closed"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_thrown_error_names_the_call_the_value_and_what_is_allowed(
    thrown: dict[str, list[str]], case: str
) -> None:
    name, says = EXPECTED[case]
    assert thrown[case] is not None, f"{case}: nothing was thrown"
    got_name, message = thrown[case]
    assert got_name == name, (case, thrown[case])
    for words in says:
        assert words in message, (case, message)
    assert message.split(":")[0] in {"Socket", "send", "close", "reconnect"}, message


def test_the_cases_cover_every_throw_in_the_module() -> None:
    """A throw added to the template without a case here fails this count."""
    text = render_module(build_options({"class-name": "Socket"}))
    assert text.count("throw new ") == len(CASES) - 1  # one throw refuses every invalid URL
