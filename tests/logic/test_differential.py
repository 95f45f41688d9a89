"""The current render behaves exactly as the frozen reference (tests/logic/reference/), profile
by profile: both run through the same scenarios in differential.mjs, on a virtual clock with a
fake WebSocket and a seeded Math.random, and every observable must match: each event with its
fields and virtual time, readyState and the other attributes after each step, the names of
thrown errors, and what the server side saw (connections, sends, closes).

Fast tier: Node only, no network. This is what lets a size-only refactor of the templates
(issue 16) prove it lost no behaviour; refreeze with `python -m tests.logic.refreeze` right
before such a refactor, never after.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.options import OPTION_SPECS, build_options
from generator.render import render_module
from tests.logic.refreeze import PROFILES, reference_path, render

pytestmark = pytest.mark.logic

HARNESS = Path(__file__).parent / "differential.mjs"
RESTART = "1012 reconnects inside the restart window"
HEARTBEAT = "heartbeat"

Trace = dict[str, list[list[Any]]]


def traces(node: str, module: Path) -> Trace:
    proc = subprocess.run(
        [node, str(HARNESS), str(module)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    result: Trace = json.loads(proc.stdout)
    return result


def current(tmp_path: Path, profile: str) -> Path:
    path = tmp_path / f"{profile}.mjs"
    path.write_text(render(profile), encoding="utf-8")
    return path


def first_difference(reference: list[list[Any]], now: list[list[Any]]) -> str:
    for index, (was, is_) in enumerate(zip(reference, now, strict=False)):
        if was != is_:
            return f"entry {index}: reference {was} != current {is_}"
    return f"reference has {len(reference)} entries, current {len(now)}"


@pytest.mark.parametrize("profile", list(PROFILES))
def test_current_render_behaves_as_the_frozen_reference(
    node: str, tmp_path: Path, profile: str
) -> None:
    reference = traces(node, reference_path(profile))
    now = traces(node, current(tmp_path, profile))
    assert list(now) == list(reference)
    different = {
        name: first_difference(reference[name], now[name])
        for name in reference
        if reference[name] != now[name]
    }
    assert not different, (
        f"the {profile} profile no longer behaves as tests/logic/reference/{profile}.mjs. "
        "A size-only refactor must not change this; a change meant to alter behaviour "
        "refreezes once, after it has landed (python -m tests.logic.refreeze): "
        + json.dumps(different, indent=1)
    )


def test_minimal_profile_turns_every_optional_feature_off() -> None:
    """A feature flag added later is compared with the others off too, or this fails."""
    features = {spec.flag for spec in OPTION_SPECS if spec.feature}
    assert "heartbeat" in features
    assert set(PROFILES["minimal"]) == features
    assert set(PROFILES["minimal"].values()) == {"off"}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_trace_records_a_1012_reconnect_inside_the_window(node: str, profile: str) -> None:
    """A harness that recorded nothing would pass the comparison: the trace must show the
    1012 policy at work, each delay inside the default 1-5 s window and the next connection
    made exactly that delay later on the virtual clock."""
    restart = traces(node, reference_path(profile))[RESTART]
    reconnects = [
        (entry[0], entry[4])
        for entry in restart
        if entry[1:4] == ["event", "listener", "reconnecting"] and entry[4]["code"] == 1012
    ]
    assert len(reconnects) == 3, restart
    created = [entry[0] for entry in restart if entry[1] == "ws" and entry[3] == "new"]
    for at, event in reconnects:
        assert 1000 <= event["delay"] <= 5000, event
        assert at + event["delay"] in created, (at, event, restart)
    assert len({event["delay"] for _, event in reconnects}) == 3, "delays are drawn per attempt"


def test_full_profile_trace_records_the_heartbeat(node: str) -> None:
    beats = traces(node, reference_path("full"))[HEARTBEAT]
    pings = [entry[0] for entry in beats if entry[1:4] == ["ws", 0, "send"]]
    # The message at 20 s postpones the first ping to 50 s; the one at 55 s the next to 85 s.
    assert pings[:2] == [50_000, 85_000], beats
    assert any(
        entry[1:3] == ["event", "listener"] and entry[4].get("reason") == "heartbeat timeout"
        for entry in beats
    ), beats


def test_a_one_millisecond_change_is_caught(node: str, tmp_path: Path) -> None:
    """The comparison is sharp: the 1012 window starting 1 ms later changes the trace."""
    module = tmp_path / "changed.mjs"
    module.write_text(render_module(build_options({"restart-delay": "1001ms-5s"})))
    assert traces(node, module)[RESTART] != traces(node, reference_path("default"))[RESTART]
