"""The sync report owns the exit code: 1 when something needs the user, else 0.
(tests/unit/test_exit_codes.py runs the commands themselves against the documented table.)"""

from __future__ import annotations

import pytest

from generator.sync import Report


@pytest.mark.parametrize(
    ("report", "code"),
    [
        (Report(check=False, files=2, written=2), 0),
        (Report(check=True, files=2), 0),
        (Report(check=True, files=2, stale=1), 1),
        (Report(check=False, files=2, stale=1, written=1), 0),  # a write brought it up to date
        (Report(check=False, files=2, stale=1, refused=1), 1),
    ],
)
def test_return_code_is_1_only_for_a_refusal_or_a_stale_file_under_check_or_diff(
    report: Report, code: int
) -> None:
    assert report.return_code == code
