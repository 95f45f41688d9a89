"""Hand-written mutants: realistic one-line faults, each a search/replace in a file, that no
operator would generate (a draw cached per socket, a queue flushed in reverse, a parser that
drops a range's last code). They run with the generated ones (`python -m tests.mutation`), with
the id "listed-" and a slug of their name. A row whose search text is not in its file exactly
once is an error: update the row when the source changes, so the list cannot rot silently.
"""

from __future__ import annotations

import re
from typing import NamedTuple

BODY = "templates/reconnecting-socket/body.js.j2"
PARSING = "generator/parsing.py"


class Listed(NamedTuple):
    name: str
    path: str
    search: str
    replace: str


# fmt: off
LISTED = [
    # -- the restart window (1012) --
    Listed("1012 delay drawn once per socket, not per attempt", BODY,
           "return floor + Math.random() * spread;",
           "return floor + (this.#settings.restartDraw ??= Math.random()) * spread;"),
    Listed("restart window minimum off by 100 ms", BODY,
           '        ? restartDelayMin\n        : action === "retry-later"',
           '        ? restartDelayMin + 100\n        : action === "retry-later"'),
    # -- backoff --
    Listed("no backoff reset after a stable connection", BODY,
           "      this.#reconnectAttempt = 0;\n    }\n    this.#openedAt = 0;",
           "    }\n    this.#openedAt = 0;"),
    Listed("stable only after more than stableAfter", BODY,
           "Date.now() - openedAt >= options.stableAfter",
           "Date.now() - openedAt > options.stableAfter"),
    Listed("backoff factor ignored", BODY,
           "backoffInitial * backoffFactor ** this.#reconnectAttempt",
           "backoffInitial * 2 ** this.#reconnectAttempt"),
    Listed("jitter drawn in the ceiling's upper half", BODY,
           "        Math.random() *\n          Math.min(\n            backoffMax,",
           "        (0.5 + Math.random() / 2) *\n          Math.min(\n            backoffMax,"),
    Listed("max retries off by one", BODY,
           "this.#reconnectAttempt >= options.maxRetries",
           "this.#reconnectAttempt > options.maxRetries"),
    # -- close codes --
    Listed("1000 retried when it has a reason", BODY,
           'let action = closing ? "stop" : closeAction(code, options.closePolicy);',
           'let action = closing\n    ? "stop"\n'
           '    : code === NORMAL_CLOSURE && reason\n      ? "retry"\n'
           "      : closeAction(code, options.closePolicy);"),
    Listed("1013 floor removed", BODY,
           "          ? restartDelayMax\n          : 0;",
           "          ? 0\n          : 0;"),
    # -- the queue --
    Listed("queue flushed in reverse", BODY,
           "for (const data of this.#queue.splice(0)) socket.send(data);",
           "for (const data of this.#queue.splice(0).reverse()) socket.send(data);"),
    Listed("queue limit off by one", BODY,
           "if (this.#queue.length >= limit) {",
           "if (this.#queue.length > limit) {"),
    # -- timers --
    Listed("close() leaves its timer", BODY,
           "    clearTimeout(this.#timer);\n    this.#readyState = CLOSING;",
           "    this.#readyState = CLOSING;"),
    Listed("connect timer not cleared on open", BODY,
           "    clearTimeout(this.#timer);\n    this.#readyState = OPEN;",
           "    this.#readyState = OPEN;"),
    Listed("connect timeout option ignored", BODY,
           "    this.#settings.connectTimeout,",
           "    10000,"),
    # -- heartbeat --
    Listed("heartbeat: a message does not postpone the ping", BODY,
           "      this.#lastMessageAt = Date.now();\n      if (this.#pingUnanswered) this.#beat();",
           "      if (this.#pingUnanswered) this.#beat();"),
    Listed("heartbeat: an answer to the ping is not heard", BODY,
           "      this.#lastMessageAt = Date.now();\n      if (this.#pingUnanswered) this.#beat();",
           "      this.#lastMessageAt = Date.now();"),
    Listed("heartbeat: the timer pings without reading the last message's time", BODY,
           "      if (idle < interval) return tick(interval - idle);\n",
           ""),
    Listed("heartbeat: waits the interval, not the timeout, for an answer", BODY,
           "        options.heartbeatTimeout,",
           "        options.heartbeatInterval,"),
    # -- the server's retry-after hint --
    Listed("hint: whole seconds only", BODY,
           "      delay === undefined &&\n      /(?:^|[\\s;,])retry-after=(\\d+(?:\\.\\d+)?)",
           "      delay === undefined &&\n      /(?:^|[\\s;,])retry-after=(\\d+)"),
    Listed("hint: not capped by backoffMax", BODY,
           "        Math.max(floor, backoffMax - width),",
           "        Infinity,"),
    Listed("hint: no floor at the code's own minimum", BODY,
           "        Math.max(floor, +hint[1]",
           "        Math.max(0, +hint[1]"),
    Listed("hint: not spread over the window", BODY,
           "        ) +\n        Math.random() * width\n",
           "        )\n"),
    Listed("restart: a refused attempt falls back to backoff", BODY,
           'if (action === "retry") action = this.#serverWait || action;',
           'if (action === "retry") action = "retry";'),
    Listed("restart: the window never widens while the outage lasts", BODY,
           "      failed < 2\n        ? width\n",
           "      true\n        ? width\n"),
    Listed("hint: found inside another word", BODY,
           "      delay === undefined &&\n      /(?:^|[\\s;,])retry-after=",
           "      delay === undefined &&\n      /retry-after="),
    # -- waking a waiting retry --
    Listed("wake: a page being hidden wakes too", BODY,
           '(event.type === "online" || !document.hidden)',
           '(event.type === "online" || document.hidden !== undefined)'),
    Listed("wake: cuts a wait the server asked for", BODY,
           "const waiting = !this.#noWakeUp && this.#readyState === CONNECTING;",
           "const waiting = this.#readyState === CONNECTING;"),
    Listed("wake: cuts an attempt under way", BODY,
           "    // An attempt under way (a URL function still answering included): no wake-up "
           "cuts it.\n    this.#noWakeUp = true;\n",
           ""),
    Listed("wake: offline not checked before a retry", BODY,
           "if (globalThis.navigator?.onLine === false) {",
           "if (globalThis.navigator?.onLine === null) {"),
    Listed("wake: listeners left after the final close", BODY,
           '  listenForWake("removeEventListener", this.#wake);\n',
           ""),
    # -- sharing one connection between tabs (--share-tabs) --
    Listed("share: a new holder is not sent what the last one never handed", BODY,
           '        this.#tell("send", this.#handed + index + 1, data);\n',
           ""),
    Listed("share: a socket made in the same task does not keep the connection", BODY,
           "      if (pending.some((request) => request.name === members)) return false;\n",
           ""),
    Listed("share: a member's queue limit counts while open too", BODY,
           "    if (waiting && this.#queue.length >= limit) {",
           "    if (this.#queue.length >= limit) {"),
    Listed("share: a socket joining after the end waits for ever", BODY,
           '        if (kind === "join") done.abort();',
           '        if (kind === "join") void done;'),
    Listed("share: a holder whose page is going still takes what others send", BODY,
           '      } else if (kind === "send" && !leaving) {',
           '      } else if (kind === "send") {'),
    Listed("share: the next holder connects before the last connection closed", BODY,
           "    await over;\n",
           ""),
    # -- the option parser --
    Listed("parser: durations read ten times shorter", PARSING,
           "Decimal(match[\"number\"]) * _UNIT_MS[match[\"unit\"]]",
           "Decimal(match[\"number\"]) * _UNIT_MS[match[\"unit\"]] / 10"),
    Listed("parser: window MIN and MAX swapped", PARSING,
           "    return minimum, maximum\n",
           "    return maximum, minimum\n"),
    Listed("parser: a code range loses its last code", PARSING,
           "codes.update(range(first, last + 1))",
           "codes.update(range(first, last))"),
    Listed("parser: 'unlimited' retries read as none", PARSING,
           "    if unlimited and text == unlimited:\n        return None",
           "    if unlimited and text == unlimited:\n        return 0"),
]
# fmt: on


def listed_id(row: Listed) -> str:
    return "listed-" + re.sub(r"[^a-z0-9]+", "-", row.name.lower()).strip("-")
