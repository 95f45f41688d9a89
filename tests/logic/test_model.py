"""The generated module against the model of its docs (tests/logic/model.py), as properties.

Option sets come from every source (flags, runtime `options`, both, undefined), at the edges of
each domain; stories mix server closes with every kind of code and reason, refused and hanging
attempts, heartbeats, the app's send/close/reconnect, and the browser going offline or hidden
(tests/logic/scenarios.py). Each example runs on the virtual clock with the seeded random in one
shared Node process (tests/logic/batch.mjs), and every attempt, event, delay, send and thrown
error must be what the model says, at the virtual ms it says.

CI runs a fixed set of examples per theme (derandomized); WSGEN_MODEL_EXAMPLES=2000 searches
deeper with fresh random examples.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from tests.logic.model import (
    CLOSED,
    Ambiguous,
    Row,
    first_difference,
    observed,
    predict,
    settings_of,
)
from tests.logic.scenarios import THEMES, Case, cases
from tests.support.batch import LogicBatch

pytestmark = pytest.mark.logic

EXAMPLES = int(os.environ.get("WSGEN_MODEL_EXAMPLES", "0"))
ROW_LIMIT = 300  # a story that would log more is cut short, the same for model and module

model_based = settings(
    max_examples=EXAMPLES or 30,
    derandomize=not EXAMPLES,  # CI runs the same examples every time; a deep run explores
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def bounded(case: Case) -> tuple[dict[str, Any], list[Row]]:
    """The harness's scenario and the model's rows, the story ended before it logs too much
    (a 0 ms retry of an attempt that fails at once would never end)."""
    settings_ = settings_of(case.options, case.runtime, case.hook)
    scenario = case.harness_scenario(settings_.heartbeat_message)
    expected = predict(settings_, scenario, limit=ROW_LIMIT)
    if len(expected) > ROW_LIMIT:
        scenario["until"] = expected[ROW_LIMIT][0] - 1
        expected = predict(settings_, scenario)
    return scenario, expected


@pytest.mark.parametrize("theme", THEMES)
@model_based
@given(data=st.data())
def test_the_module_does_what_the_docs_promise(
    batch: LogicBatch, theme: str, data: st.DataObject
) -> None:
    case = data.draw(cases(theme), label="case")
    try:
        scenario, expected = bounded(case)
    except Ambiguous:
        assume(False)  # two things due in the same ms: the harness's order, not a promise
        return
    note(f"flags: {json.dumps(case.options.to_flags())}")
    note(f"scenario: {json.dumps(scenario)}")
    run = batch.run(batch.module(case.options), scenario)
    difference = first_difference(expected, observed(run.log))
    assert difference is None, difference
    if any(kind == "close" for _, kind, _ in expected):
        assert run.ready_state == CLOSED
        assert run.timers == 0, "the final close leaves no timer"
        assert run.listeners == 0, "the final close leaves no window listener"
