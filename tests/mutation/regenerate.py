"""Goldens and output/ regenerated from the working tree, as a developer does after a change
(so, in a mutant's scratch copy, they cannot be what kills it). One process for both."""

from __future__ import annotations

import contextlib
import io
import sys

from generator.cli import app
from tests.golden.cases import GOLDEN_CASES, golden_files


def main() -> int:
    for case in GOLDEN_CASES:
        for path, text in golden_files(case).items():
            path.write_text(text, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            app(["generate", "--force"], prog_name="wsgen")
        except SystemExit as done:
            return int(done.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
