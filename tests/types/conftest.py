"""Every tsc check runs on each pinned TypeScript (7 and 5.9): a test asks for `typescript`."""

from __future__ import annotations

import pytest

from tests.support.tools import TYPESCRIPTS


@pytest.fixture(params=TYPESCRIPTS)
def typescript(request: pytest.FixtureRequest) -> str:
    return str(request.param)
