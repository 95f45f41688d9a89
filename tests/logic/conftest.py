"""Fixtures shared by the logic tier's test files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.batch import LogicBatch


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LogicBatch]:
    """One Node process for every scenario of a test file (tests/logic/batch.mjs), each
    rendered module kept: the model's examples run in seconds, not one process each."""
    runner = LogicBatch(tmp_path_factory.mktemp("modules"))
    try:
        yield runner
    finally:
        runner.close()
