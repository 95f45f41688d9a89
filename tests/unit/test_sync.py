"""The sync report owns the exit code: 1 when something needs the user, else 0."""

from __future__ import annotations

import pytest

from generator.sync import Report


@pytest.mark.parametrize(
    ("report", "code"),
    [
        (Report(check=False, files=2, written=2), 0),
        (Report(check=True, files=2), 0),
        (Report(check=True, files=2, stale=1), 1),
        (Report(check=False, files=2, stale=1), 0),  # --diff alone reports, it does not fail
        (Report(check=False, files=2, stale=1, refused=1), 1),
    ],
)
def test_return_code_is_1_only_for_a_refusal_or_a_stale_file_under_check(
    report: Report, code: int
) -> None:
    assert report.return_code == code
