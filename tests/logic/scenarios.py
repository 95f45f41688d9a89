"""Hypothesis strategies for the model-based properties: option sets from every source (flags,
runtime `options`, both, or a runtime undefined), at the edges of each domain, and stories of
servers, apps and browsers for tests/logic/scenario.mjs.

Each setting is drawn as the value in effect, then given a source: generated into the module,
passed at runtime, generated as something else and overridden at runtime, or generated and
passed as undefined (which keeps the generated value). A story has a theme, so that a few dozen
examples per theme reach each part of the promise: restarts and outages, server hints, the
browser's network and visibility, the app's calls, the heartbeat, or anything at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st

from generator.codes import Action
from generator.options import GeneratorOptions, OptionError, build_options
from tests.logic.model import INFINITY, UNDEFINED, Hook

UNTIL = 30_000  # virtual ms each story lasts (the test may end it sooner when it logs a lot)
THEMES = ("restarts", "hints", "browser", "app", "heartbeat", "anything")

# Codes a server closes with: every action of the table, codes no row covers, both ends of the
# application range, and the codes the flags below move around.
SERVER_CODES: tuple[int, ...] = (1000, 1001, 1002, 1003, 1005, 1006, 1008, 1011, 1012, 1013)
SERVER_CODES += (1014, 1015, 2000, 3000, 3003, 3008, 3500, 4000, 4001, 4401, 4500, 4999)
RESTART_CODES = (1001, 1011, 1012, 1013, 4500)  # 4500: when --restart-on lists it
RETRIED_CODES = (1001, 1005, 1006, 1011, 1012, 1013, 1014, 2000, 3008, 4000, 4500, 4999)
LISTED_CODES = (1000, 1001, 1006, 1008, 1011, 1012, 1013, 3000, 3008, 4000, 4401, 4500, 4999)
HINTS = (
    "retry-after=2",
    "overloaded; retry-after=0.5",
    "RETRY-AFTER=1",
    "x,retry-after=0",
    "retry-after=0.0001",
    "retry-after=99999999999",
    "retry-after=" + "9" * 400,  # beyond a double's range
    "retry-after=soon",
    "retry-after=-5",
    "retry-after=1e3",
    "retry-after=",
    "retry-after=3x",
    "noretry-after=3",
)
REASONS = ("", "bye", *HINTS)
HEARTBEAT_MESSAGES = ("ping", "hb", "\u2665")
DATA = ("m", "\u20ac", "\U0001f600x")  # what the app sends: 1, 3 and 5 bytes of UTF-8


@dataclass(frozen=True)
class Case:
    """One example: how the module was generated, how it is constructed, and the story."""

    options: GeneratorOptions
    runtime: dict[str, Any]
    hook: Hook | None
    scenario: dict[str, Any]

    def harness_scenario(self, ping: str) -> dict[str, Any]:
        """The scenario as tests/logic/scenario.mjs reads it."""
        scenario = {**self.scenario, "options": self.runtime, "ping": ping, "buffered": True}
        if self.hook is not None:
            scenario["hook"] = self.hook.as_json()
        return scenario


def _ms(edges: tuple[int, ...], low: int, high: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


def _odd_ms(low: int, high: int) -> st.SearchStrategy[int]:
    """The fake server's timings: odd ms, while the actions fall on even ones and the module's
    timeouts lean even, so that fewer of them fall due in the same ms (an order no one
    promises; the model skips such examples)."""
    return st.integers(low // 2, high // 2).map(lambda half: 2 * half + 1)


WINDOWS = st.tuples(_ms((0, 1, 300, 1000), 0, 3000), _ms((0, 1, 500), 0, 4000)).map(
    lambda pair: (pair[0], pair[0] + pair[1])  # MIN = MAX when the width is 0
)
FACTORS = st.sampled_from((1, 1.5, 2, 3, 100))
BACKOFFS = st.tuples(
    _ms((1, 50, 1000), 1, 2000),  # backoff-initial, > 0
    _ms((0, 1, 2000), 0, 20_000),  # backoff-max above it (0: equal)
    FACTORS,
).map(lambda t: (t[0], t[0] + t[1], t[2]))
# A long outage after a restart: a --backoff-max well above the window, so the spread widens.
WIDE_BACKOFFS = st.tuples(_ms((1, 50), 1, 500), st.integers(5000, 30_000), FACTORS).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)
MAX_RETRIES = st.sampled_from((None, None, None, None, None, None, 0, 1, 2, 5))
CONNECT_TIMEOUTS = _ms((2, 40, 10_000), 1, 3000)
STABLE_AFTERS = _ms((0, 1, 5000), 0, 3000)
QUEUE_LIMITS = st.sampled_from((0, 1, 2, 1000))
HEARTBEATS = _ms((2, 100), 1, 2000)
HEARTBEAT_TIMEOUTS = _ms((2, 100), 1, 2000)
SOURCES = st.sampled_from(("build", "runtime", "both", "undefined"))
SWITCHES = st.sampled_from(("on", "on", "on", "off"))
HEARTBEAT_MESSAGE = st.sampled_from(HEARTBEAT_MESSAGES)
QUARTER = st.integers(0, 3)  # 0 one time in four
POLICY_CODES = (1006, 1006, 1000, 1001, 1011, 1012, 1013, 3000, 4000, 4401)  # 1006: every drop
POLICIES = st.dictionaries(
    st.sampled_from(POLICY_CODES), st.sampled_from(list(Action)), min_size=1, max_size=3
)
HALF = st.booleans()
LISTED = st.lists(st.sampled_from(LISTED_CODES), unique=True, max_size=6)
WHICH_LIST = st.sampled_from((0, 1, 2))


def _duration(ms: int) -> str:
    return f"{ms}ms"


def _other(ms: int) -> int:
    """A value generated into the module that runtime options then override: not the same."""
    return ms + 7


@st.composite
def code_lists(draw: st.DrawFn) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """--stop-on, --retry-on, --restart-on: empty, or codes of the table, overlapping the table's
    own actions, never one another (the flags refuse that)."""
    lists: tuple[set[int], set[int], set[int]] = (set(), set(), set())
    for code in draw(LISTED):
        lists[draw(WHICH_LIST)].add(code)
    if draw(st.booleans()):
        lists[0].update(range(4400, 4500))  # a range, as users write 4400-4499
    stop, retry, restart = (frozenset(codes) for codes in lists)
    return stop - retry - restart, retry - restart, restart


@st.composite
def option_sources(
    draw: st.DrawFn, theme: str
) -> tuple[GeneratorOptions, dict[str, Any], Hook | None]:
    """Generated options, runtime options and the hook: every runtime key from every source."""
    flags: dict[str, Any] = {}
    runtime: dict[str, Any] = {}

    def place(flag: str, names: tuple[str, ...], value: Any, other: Any, shown: Any) -> None:
        source = draw(SOURCES)
        values = value if len(names) > 1 else (value,)
        if source in ("build", "undefined"):
            flags[flag] = shown(value)
            if source == "undefined":
                runtime.update(dict.fromkeys(names, UNDEFINED))
        else:
            if source == "both":
                flags[flag] = shown(other)
            runtime.update(zip(names, values, strict=True))

    window = draw(WINDOWS)
    place(
        "restart-delay",
        ("restartDelayMin", "restartDelayMax"),
        window,
        draw(WINDOWS),
        lambda pair: f"{pair[0]}ms-{pair[1]}ms",
    )
    backoffs = WIDE_BACKOFFS if theme == "restarts" and draw(HALF) else BACKOFFS
    initial, maximum, factor = draw(backoffs)
    other_initial, other_maximum, other_factor = draw(BACKOFFS)
    place("backoff-initial", ("backoffInitial",), initial, other_initial, _duration)
    place("backoff-max", ("backoffMax",), maximum, other_maximum, _duration)
    place("backoff-factor", ("backoffFactor",), factor, other_factor, str)
    retries = draw(MAX_RETRIES) if theme not in ("restarts", "hints") else None
    if retries is None:  # unlimited: a flag, or Infinity at runtime
        if draw(st.booleans()):
            flags["max-retries"] = "unlimited"
        else:
            flags["max-retries"] = str(draw(MAX_RETRIES) or 3)
            runtime["maxRetries"] = INFINITY
    else:
        place("max-retries", ("maxRetries",), retries, draw(MAX_RETRIES) or 3, str)
    place(
        "connect-timeout",
        ("connectTimeout",),
        draw(CONNECT_TIMEOUTS),
        draw(CONNECT_TIMEOUTS),
        _duration,
    )
    place("stable-after", ("stableAfter",), draw(STABLE_AFTERS), draw(STABLE_AFTERS), _duration)
    place("queue-limit", ("queueLimit",), draw(QUEUE_LIMITS), draw(QUEUE_LIMITS), str)

    stop, retry, restart = draw(code_lists())
    for flag, listed in (("stop-on", stop), ("retry-on", retry), ("restart-on", restart)):
        if listed or draw(HALF):  # an empty list given, or none
            flags[flag] = ",".join(str(code) for code in sorted(listed))
    if draw(HALF):
        policy = draw(POLICIES)
        runtime["closePolicy"] = {str(code): action.value for code, action in policy.items()}

    # The heartbeat: generated or not; its runtime settings override it, 0 turns it off, and
    # they set nothing when it was not generated.
    if theme == "heartbeat" or draw(QUARTER) == 0:
        # Generated in any case (else no runtime setting has code to set), maybe overridden.
        interval = draw(HEARTBEATS)
        flags["heartbeat"] = _duration(interval)
        overridden = draw(st.sampled_from((None, 0, _other(interval), UNDEFINED)))
        if overridden is not None:
            runtime["heartbeatInterval"] = overridden  # 0 turns it off at runtime
        timeout = draw(HEARTBEAT_TIMEOUTS)
        place("heartbeat-timeout", ("heartbeatTimeout",), timeout, _other(timeout), _duration)
        message = draw(HEARTBEAT_MESSAGE)
        place("heartbeat-message", ("heartbeatMessage",), message, "other", str)
    else:  # no heartbeat generated: runtime settings of it set nothing
        flags["heartbeat"] = "off"
        if draw(HALF):
            runtime["heartbeatInterval"] = draw(HEARTBEATS)
        if draw(HALF):
            runtime["heartbeatTimeout"] = draw(HEARTBEAT_TIMEOUTS)

    for feature in ("retry-hint", "reconnect-hook", "url-provider", "manual-reconnect"):
        flags[feature] = draw(SWITCHES)
    flags["network-aware"] = "on" if theme == "browser" else draw(SWITCHES)

    try:
        options = build_options(flags)
    except OptionError:
        # A value generated and overridden at runtime broke a rule between generated values
        # (--backoff-max below --backoff-initial): generate the values in effect instead.
        flags["backoff-initial"] = _duration(initial)
        flags["backoff-max"] = _duration(maximum)
        options = build_options(flags)
    return options, runtime, draw(HOOKS)


HOOKS: st.SearchStrategy[Hook | None] = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.none(),
    st.builds(Hook, st.just("table")),
    st.builds(Hook, st.just("stop")),
    st.builds(Hook, st.just("delay"), _ms((0, 1), 0, 3000)),
    st.builds(Hook, st.just("attempt"), _ms((0, 1), 0, 500)),
    st.builds(
        Hook,
        st.just("codes"),
        st.just(0),
        st.dictionaries(
            st.sampled_from(SERVER_CODES), st.one_of(st.none(), _ms((0,), 0, 2000)), max_size=3
        ),
    ),
)
"""options.shouldReconnect: mostly absent, else a few simple deterministic answers."""


@cache
def _after(stable: int) -> st.SearchStrategy[int]:
    """How long a connection stays open: odd ms, or exactly --stable-after (or 1 ms less), where
    the backoff's reset begins."""
    return st.one_of(
        _odd_ms(1, 3000), _odd_ms(1, 3000), st.sampled_from((stable, max(1, stable - 1)))
    )


@cache
def _closes(
    codes: tuple[int, ...], reasons: tuple[str, ...], stable: int
) -> st.SearchStrategy[dict[str, Any]]:
    after = _after(stable)
    return st.fixed_dictionaries(
        {"close": st.tuples(after, st.sampled_from(codes), st.sampled_from(reasons)).map(list)}
    )


SILENT = st.fixed_dictionaries({"silent": _odd_ms(1, 5000)})
ANSWERS = st.one_of(  # how the server answers the app's close(): another code, or not at all
    st.tuples(st.sampled_from((1000, 4000)), st.sampled_from(("", "ok"))).map(list),
    SILENT,
    SILENT,
)
EXTRAS = {
    False: st.fixed_dictionaries({}, optional={"answer": ANSWERS}),
    True: st.fixed_dictionaries({}, optional={"answer": ANSWERS, "pong": _odd_ms(1, 300)}),
}


def _opened(
    ending: st.SearchStrategy[dict[str, Any]], heartbeat: bool
) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(_odd_ms(1, 100), ending, EXTRAS[heartbeat]).map(
        lambda parts: {"open": parts[0], **parts[1], **parts[2]}
    )


REFUSED = st.fixed_dictionaries({"refuse": _odd_ms(1, 100)})
HANGS = st.just({"hang": True})
# An injected WebSocket class that throws in its constructor; never the first attempt, whose
# throw reaches `new ReconnectingSocket` as a native constructor's does.
THROWS = st.just({"throws": True})
OUTAGES = st.lists(st.one_of(REFUSED, REFUSED, HANGS, THROWS), min_size=1, max_size=7)


@cache
def fates(heartbeat: bool, stable: int) -> st.SearchStrategy[dict[str, Any]]:
    """How one connection attempt ends (tests/logic/scenario.mjs, `attempts`): mostly a server
    close with some code and reason, else a drop, a refusal, a hang or a connection that stays."""
    endings = st.one_of(
        _closes(SERVER_CODES, REASONS, stable),
        _closes(SERVER_CODES, ("",), stable),
        st.fixed_dictionaries({"drop": _after(stable)}),
        st.just({}),
    )
    opened = _opened(endings, heartbeat)
    return st.one_of(opened, opened, opened, REFUSED, HANGS)


@cache
def attempt_stories(
    theme: str, heartbeat: bool, stable: int
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """The attempts, by theme: a restart then an outage, closes with hints, or anything."""
    if theme == "restarts":
        restart = _opened(_closes(RESTART_CODES, ("", "bye"), stable), heartbeat)
        after = st.lists(fates(heartbeat, stable), max_size=3)
        return st.tuples(restart, OUTAGES, after).map(lambda p: [p[0], *p[1], *p[2]])
    if theme == "hints":
        return hinted_closes()
    if theme == "app":  # connections that mostly stay open, for the app's calls to meet
        lasting = _opened(st.just({}), heartbeat)
        mix = st.one_of(lasting, lasting, lasting, fates(heartbeat, stable))
        return st.lists(mix, min_size=1, max_size=6)
    return st.lists(fates(heartbeat, stable), min_size=1, max_size=6)


@st.composite
def hinted_closes(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Connections the server closes with a hint each, every kind of hint once, in an order and
    with codes taken in turn from drawn starting points: each example meets them all."""
    count = len(HINTS)
    first_reason, first_code = draw(st.integers(0, len(HINTS) - 1)), draw(st.integers(0, 11))
    return [
        {
            "open": draw(_odd_ms(1, 100)),
            "close": [
                draw(_odd_ms(1, 3000)),
                RETRIED_CODES[(first_code + index) % len(RETRIED_CODES)],
                HINTS[(first_reason + index) % len(HINTS)],
            ],
        }
        for index in range(count)
    ]


KINDS = {
    "restarts": ("send", "message", "reconnect"),
    "hints": ("send", "message"),
    "browser": ("send", "network", "network", "network", "page", "page", "page", "drop"),
    "app": ("send", "send", "send", "reconnect", "reconnect", "message", "drop", "close"),
    "heartbeat": ("send", "message", "message", "message", "drop"),
    "anything": ("send", "send", "reconnect", "message", "serverClose", "drop", "close"),
}
WINDOW = ("network", "page")  # what only a browser does
AFTER_THE_END = st.sampled_from(("send", "reconnect", "close", "message"))
FIRST_AFTER_THE_END = st.sampled_from(("send", "send", "reconnect"))


@cache
def _kinds(theme: str, browser: bool) -> st.SearchStrategy[str]:
    return st.sampled_from([kind for kind in KINDS[theme] if browser or kind not in WINDOW])


ACTION_TIMES = st.lists(st.integers(1, UNTIL // 2 - 1), unique=True, max_size=16)
SENT = st.sampled_from(DATA)
CODE = st.sampled_from(SERVER_CODES)
REASON = st.sampled_from(REASONS)
APP_CODE = st.sampled_from((None, 1000, 3000, 4000, 4999))
APP_REASON = st.sampled_from(("", "done"))


@st.composite
def actions(draw: st.DrawFn, theme: str, browser: dict[str, bool] | None) -> list[dict[str, Any]]:
    """What the app, the server and the browser do, at distinct even virtual ms. The app's
    close() is followed only by a few calls that show what is left after it."""
    times = sorted(2 * half for half in draw(ACTION_TIMES))
    kinds = _kinds(theme, bool(browser))
    online, hidden = (browser or {}).get("online", True), (browser or {}).get("hidden", False)
    story: list[dict[str, Any]] = []
    closed_at, after_close = None, 0
    for index, at in enumerate(times):
        if closed_at is not None:
            # Soon after the close, while its handshake may still be going; two calls at most.
            after_close += 1
            if after_close > 2:
                break
            at = closed_at + 2 * after_close
        if closed_at is None:
            kind = draw(kinds)
        else:
            kind = draw(FIRST_AFTER_THE_END if after_close == 1 else AFTER_THE_END)
        if kind == "close" and closed_at is None:
            closed_at = at
        action: dict[str, Any] = {"at": at}
        if kind == "network":  # the browser goes offline or comes back, never twice the same
            online = not online
            action["do"] = "online" if online else "offline"
        elif kind == "page":
            hidden = not hidden
            action["do"] = "hide" if hidden else "show"
        else:
            action["do"] = kind
        if kind in ("send", "message"):
            action["data"] = f"{draw(SENT)}{index}"
        if kind == "serverClose":
            action["code"] = draw(CODE)
            action["reason"] = draw(REASON)
        if kind == "close":
            code = draw(APP_CODE)
            if code is not None:
                action["code"] = code
                if draw(st.booleans()):
                    action["reason"] = draw(APP_REASON)
        story.append(action)
    return story


URL_ANSWERS = st.fixed_dictionaries(
    {"ms": st.one_of(st.none(), _odd_ms(1, 300))},
    optional={"fail": st.just(True), "invalid": st.just(True)},
)
PROVIDERS = st.lists(URL_ANSWERS, min_size=1, max_size=3)
BROWSERS = st.fixed_dictionaries({"online": st.booleans(), "hidden": st.booleans()})
SEEDS = st.integers(1, 2**31 - 1)


@st.composite
def cases(draw: st.DrawFn, theme: str) -> Case:
    options, runtime, hook = draw(option_sources(theme))
    heartbeat = options.heartbeat is not None
    stable = runtime.get("stableAfter", options.stable_after)
    stable = options.stable_after if stable == UNDEFINED else stable
    in_browser = theme == "browser" or draw(QUARTER) == 0
    browser = None
    if in_browser:
        browser = draw(BROWSERS)
    scenario: dict[str, Any] = {
        "seed": draw(SEEDS),
        "until": UNTIL,
        "attempts": draw(attempt_stories(theme, heartbeat, stable)),
        "actions": draw(actions(theme, browser)),
    }
    if theme == "app" and draw(HALF):
        # The app closes soon after the first open, on a peer that does not answer, and keeps
        # calling: what send(), reconnect() and close() do while CLOSING and after.
        first = draw(_odd_ms(1, 100))
        scenario["attempts"][0] = {"open": first, "answer": draw(SILENT)}
        closing_at = first + 1 + 2 * draw(st.integers(0, 20))
        calls = draw(st.lists(AFTER_THE_END, min_size=1, max_size=3))
        scenario["actions"] = [
            {"at": 2, "do": "send", "data": "queued"},
            {"at": closing_at, "do": "close", "code": 4000},
            *(
                {"at": closing_at + 2 * (index + 1), "do": call, "data": f"late{index}"}
                for index, call in enumerate(calls)
            ),
        ]
    if browser is not None:
        scenario["globals"] = browser
    if options.url_provider and draw(QUARTER) == 0:
        scenario["url"] = {"provider": draw(PROVIDERS)}
    return Case(options, runtime, hook, scenario)
