"""The intended differences between the module's class and a native WebSocket: one entry per
WPT-derived check (tests/browser/wpt-checks.js) whose two observations differ by design, with
what the native WebSocket does and what the module does instead. docs/drop-in.md's table is
written from this list (`python -m tests.browser.drop_in`) and a test keeps the two the same."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple


class Difference(NamedTuple):
    native: str
    ours: str


INTENDED: dict[str, Difference] = {
    "send() while connecting": Difference(
        "throws `InvalidStateError`",
        "queues the message (up to `--queue-limit`) and sends it at the next open, before"
        ' "open" fires; `bufferedAmount` counts it',
    ),
    "send() after close": Difference(
        "discards the message silently (`bufferedAmount` grows)",
        "throws `InvalidStateError`: a message after the final close is lost, and says so",
    ),
    "the server closes with 1001": Difference(
        '"close" 1001',
        'reconnects with backoff (1001 Going Away: the server may come back); "reconnecting" fires',
    ),
    "the server closes with 1011": Difference(
        '"close" 1011', 'reconnects with backoff (1011 Internal Error); "reconnecting" fires'
    ),
    "the server closes with 4000": Difference(
        '"close" 4000',
        'reconnects with backoff (an application code no row covers); "reconnecting" fires',
    ),
    "a refused connection": Difference(
        '"error", then "close" 1006',
        '"error", then "reconnecting", and retries with backoff until `--max-retries`',
    ),
    "events are trusted": Difference(
        "`event.isTrusted` is true",
        "false: the module dispatches its events from script, which only the browser can avoid",
    ),
    "instanceof WebSocket": Difference(
        "true",
        "false: the class wraps a WebSocket and extends EventTarget; patching"
        " `WebSocket[Symbol.hasInstance]` would change every WebSocket on the page, so it is"
        " left alone",
    ),
}

BEGIN = "<!-- intended differences: begin (python -m tests.browser.drop_in) -->"
END = "<!-- intended differences: end -->"
ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "drop-in.md"
# Both list exactly the same table: the README's drop-in section and the page that explains it.
LISTED_IN = (DOC, ROOT / "README.md")


def table() -> str:
    rows = ["| check | native `WebSocket` | `ReconnectingSocket` |", "|---|---|---|"]
    rows += [f"| {name} | {diff.native} | {diff.ours} |" for name, diff in INTENDED.items()]
    return "\n".join([BEGIN, *rows, END])


def with_table(text: str) -> str:
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    return before + table() + after


if __name__ == "__main__":
    for page in LISTED_IN:
        page.write_text(with_table(page.read_text(encoding="utf-8")), encoding="utf-8")
        sys.stdout.write(f"wrote {page}\n")
