"""Build-time trimming: an optional feature that is off emits no code at all, and the profile with
every optional feature off is still the whole drop-in WebSocket with the 1000/1012 policy."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.options import FILE_FLAGS, OPTION_SPECS, GeneratorOptions, build_options
from generator.outputs import plan_outputs
from generator.render import render_module
from tests.conftest import RenderTo
from tests.support.node import NodeClient
from tests.support.servers import Script, ScriptedServer

# Every switch found by its type (less --types, which picks files), so a feature added later is
# in the matrix without a word here.
SWITCHES = [
    spec.flag
    for spec in OPTION_SPECS
    if isinstance(getattr(GeneratorOptions(), spec.field), bool) and spec.flag not in FILE_FLAGS
]
# --heartbeat is an interval, not a switch; 'off' is its absence.
OPTIONAL_FEATURES = {**{flag: ("on", "off") for flag in SWITCHES}, "heartbeat": ("30s", "off")}
EVERY_FEATURE_OFF = {flag.replace("-", "_"): off for flag, (_, off) in OPTIONAL_FEATURES.items()}

# Text only a feature's own code contains: present when it is on, absent (comments included)
# when it is off.
FEATURE_MARKERS: dict[str, list[str]] = {
    "heartbeat": ["#beat", "heartbeatInterval", "heartbeatTimeout", "heartbeatMessage"],
    "network-aware": ["onLine", "visibilitychange", '"online"', "listenForWake", "#wake"],
    "retry-hint": ["retry-after", "fromServer"],
    "reconnect-hook": ["shouldReconnect"],
    "url-provider": ['typeof url === "function"', "UrlProvider", "Promise<string>"],
    "manual-reconnect": ["reconnect() {", "reconnect()"],
    "share-tabs": ["shareTabs", "BroadcastChannel", "navigator.locks", "SHARING_SCOPE", "#hold"],
}


def code_of(flags: dict[str, str]) -> str:
    """Every file of every format (.d.ts included), less the header lines that record each
    option by name."""
    options = build_options({**flags, "format": "esm,cjs,iife,ts", "types": "true"})
    texts = [output.render(options) for output in plan_outputs(options, Path("socket.js"))]
    return "\n".join(
        line for text in texts for line in text.splitlines() if not line.startswith("// wsgen ")
    )


def test_every_optional_feature_has_markers() -> None:
    assert set(FEATURE_MARKERS) == set(OPTIONAL_FEATURES)


@pytest.mark.parametrize("feature", sorted(OPTIONAL_FEATURES))
def test_a_feature_turned_off_emits_none_of_its_code(feature: str) -> None:
    _, off = OPTIONAL_FEATURES[feature]
    everything_on = {flag: value for flag, (value, _) in OPTIONAL_FEATURES.items()}
    with_it = code_of(everything_on)
    without_it = code_of({**everything_on, feature: off})
    for marker in FEATURE_MARKERS[feature]:
        assert marker in with_it, (feature, marker)
        assert marker not in without_it, (feature, marker)
    assert len(without_it) < len(with_it)


@pytest.mark.parametrize("feature", sorted(OPTIONAL_FEATURES))
def test_a_feature_alone_brings_only_its_own_code(feature: str) -> None:
    on, _ = OPTIONAL_FEATURES[feature]
    minimal = {flag: off for flag, (_, off) in OPTIONAL_FEATURES.items()}
    alone = code_of({**minimal, feature: on})
    for other, markers in FEATURE_MARKERS.items():
        for marker in markers:
            if other == feature:
                assert marker in alone, (feature, marker)
            elif marker not in FEATURE_MARKERS[feature]:
                assert marker not in alone, (feature, other, marker)


def test_every_feature_off_still_parses_and_records_itself(node: str, tmp_path: Path) -> None:
    options = build_options({flag.replace("_", "-"): v for flag, v in EVERY_FEATURE_OFF.items()})
    text = render_module(options)
    path = tmp_path / "minimal.mjs"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    header = json.loads(text.splitlines()[1].split(" ", 3)[3])
    # A header without a feature's key means it is off (docs/vendoring.md: missing options
    # take their defaults).
    assert all(header.get(flag, False) in (False, "off") for flag in OPTIONAL_FEATURES)
    assert render_module(build_options(header)) == text


def test_share_tabs_off_leaves_no_byte_of_it_not_even_in_the_header() -> None:
    """--share-tabs came after files were vendored: off, a file is byte for byte the one a
    wsgen without the switch wrote, header line included, so turning it on shows as a change
    and leaving it off shows as none."""
    for flags in ({}, {"heartbeat": "30s", "format": "esm,cjs,iife,ts", "types": "true"}):
        options = build_options(flags)
        for output in plan_outputs(options, Path("socket.js")):
            assert "share" not in output.render(options).lower(), (flags, output.path)
        with_it = render_module(build_options({**flags, "share-tabs": "on"}))
        assert '"share-tabs": true' in with_it.splitlines()[1]


# What a WebSocket user may touch: every profile must keep all of it.
API_PROBE = """
const { ReconnectingSocket } = await import(process.argv[1]);
const proto = ReconnectingSocket.prototype;
const describe = (name) => {
  const d = Object.getOwnPropertyDescriptor(proto, name) || {};
  return d.get ? (d.set ? "get+set" : "get") : typeof d.value;
};
const own = Object.getOwnPropertyNames(proto)
  .filter((name) => name !== "constructor" && !name.startsWith("_"));
const constants = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"];
console.log(JSON.stringify({
  members: Object.fromEntries(own.map((name) => [name, describe(name)])),
  staticConstants: constants.map((name) => ReconnectingSocket[name]),
  eventTarget: ["addEventListener", "removeEventListener", "dispatchEvent"]
    .map((name) => typeof proto[name]).join(),
}));
"""

DROP_IN_MEMBERS = {
    "url": "get",
    "readyState": "get",
    "protocol": "get",
    "extensions": "get",
    "bufferedAmount": "get",
    "binaryType": "get+set",
    "send": "function",
    "close": "function",
    "CONNECTING": "number",
    "OPEN": "number",
    "CLOSING": "number",
    "CLOSED": "number",
    "onopen": "get+set",
    "onmessage": "get+set",
    "onerror": "get+set",
    "onclose": "get+set",
    "onreconnecting": "get+set",
}


def api_of(node: str, module: Path) -> dict[str, object]:
    result = subprocess.run(
        [node, "--input-type=module", "-e", API_PROBE, module.as_uri()],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    api: dict[str, object] = json.loads(result.stdout)
    return api


def test_every_feature_off_keeps_the_whole_drop_in_api(render_to: RenderTo, node: str) -> None:
    minimal = api_of(node, render_to(**EVERY_FEATURE_OFF))
    default = api_of(node, render_to())
    assert minimal["members"] == DROP_IN_MEMBERS
    assert minimal["staticConstants"] == [0, 1, 2, 3]
    assert minimal["eventTarget"] == "function,function,function"
    # The optional features add one method to the surface, and take nothing away.
    assert default["members"] == {**DROP_IN_MEMBERS, "reconnect": "function"}


FAST = {"restart_delay": "300ms-600ms", "backoff_initial": "50ms", "connect_timeout": "2s"}


@pytest.mark.node
def test_every_feature_off_stops_on_1000(render_to: RenderTo, node: str) -> None:
    module = render_to(**FAST, **EVERY_FEATURE_OFF)
    with ScriptedServer([Script(after=0.05, code=1000)]) as server:
        with NodeClient(module, {"url": server.url}) as running:
            assert running.wait_exit(5) == 0
    assert running.of("reconnecting") == []
    assert [event["code"] for event in running.of("close")] == [1000]
    assert len(server.connections) == 1


@pytest.mark.node
def test_every_feature_off_restarts_after_1012_and_delivers_the_queue(
    render_to: RenderTo, node: str
) -> None:
    module = render_to(**FAST, **EVERY_FEATURE_OFF)
    rules = [
        {"on": "reconnecting", "send": ["queued"]},
        {"on": "open", "count": 2, "close": []},
    ]
    with ScriptedServer([Script(after=0.05, code=1012, reason="retry-after=0")]) as server:
        with NodeClient(module, {"url": server.url, "rules": rules}) as running:
            assert running.wait_exit(5) == 0
        server.wait_until(lambda: server.connections[-1].ended_at is not None)
    [reconnecting] = running.of("reconnecting")
    # The restart window decides; the reason's hint is not read without --retry-hint.
    assert 300 <= reconnecting["delay"] <= 600
    assert "fromServer" not in reconnecting
    assert server.connections[1].messages == ["queued"]
