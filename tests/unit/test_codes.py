"""The close-code table: complete, with the default actions the product promises, and the one
source of the table in docs/close-codes.md."""

from __future__ import annotations

import pytest

from generator.codes import CLOSE_CODES, Action, lookup
from generator.options import GeneratorOptions, build_options
from generator.policy import action_for, describe_action


def test_table_covers_the_registry_and_the_private_range() -> None:
    labels = [row.label for row in CLOSE_CODES]
    assert labels == [str(code) for code in range(1000, 1016)] + [
        "3000",
        "3003",
        "3008",
        "4000-4999",
    ]
    for row in CLOSE_CODES:
        assert row.name and row.description and row.when and row.fix and row.why


EXPECTED_ACTIONS = {
    Action.STOP: [1000, 1002, 1003, 1007, 1008, 1009, 1010, 1015, 3000, 3003],
    Action.RESTART: [1012],
    Action.RETRY_LATER: [1013],
    Action.RETRY: [1001, 1004, 1005, 1006, 1011, 1014, 3008, 4000, 4401, 4999, 2000, 3999],
}


@pytest.mark.parametrize(
    ("code", "action"), [(c, a) for a, codes in EXPECTED_ACTIONS.items() for c in codes]
)
def test_default_action(code: int, action: Action) -> None:
    assert action_for(GeneratorOptions(), code) is action


def test_overrides() -> None:
    options = build_options({"stop-on": "1012,4401", "retry-on": "1000,1013"})
    assert action_for(options, 1012) is Action.STOP
    assert action_for(options, 4401) is Action.STOP
    assert action_for(options, 1000) is Action.RETRY
    # A code that already reconnects keeps its own timing under --retry-on.
    assert action_for(options, 1013) is Action.RETRY_LATER


def test_lookup_of_an_unregistered_code() -> None:
    assert lookup(2000) is None
    row = lookup(4321)
    assert row is not None and row.label == "4000-4999"


def test_1012_is_described_with_the_configured_window() -> None:
    options = build_options({"restart-delay": "500ms-2s"})
    assert describe_action(options, 1012) == "reconnect after a random 0.5-2.0 s"
