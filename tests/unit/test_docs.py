"""The tables in docs/ are drawn from the code (codes.py, the option specs) and from the last
benchmark run (bench/RESULTS.md), never typed by hand: each file must equal its own redraw."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.docs import DOCS, flags_table_markdown, policy_table_markdown, refresh

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(("relative", "names"), DOCS.items())
def test_generated_tables_in_docs_are_current(relative: str, names: tuple[str, ...]) -> None:
    text = (ROOT / relative).read_text(encoding="utf-8")
    assert refresh(text, names) == text, f"{relative} drifted; run: python -m generator.docs"


def test_the_tables_sit_where_the_readme_links_to_them() -> None:
    assert policy_table_markdown() in (ROOT / "docs" / "close-codes.md").read_text("utf-8")
    assert flags_table_markdown() in (ROOT / "docs" / "options.md").read_text("utf-8")
    results = (ROOT / "bench" / "RESULTS.md").read_text("utf-8")
    benchmarks = (ROOT / "docs" / "benchmarks.md").read_text("utf-8")
    target_rows = [line for line in results.split("## Size")[0].splitlines() if "|" in line]
    assert target_rows and all(row in benchmarks for row in target_rows)


def test_every_docs_link_in_the_readme_and_the_guide_resolves() -> None:
    import re

    for name in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(((?:docs|bench|tests|generator|templates)/[^)#]*)", text):
            if target in PLANNED:
                continue
            assert (ROOT / target).exists(), f"{name} links to {target}, which does not exist"


# Written by other issues; the README links to them already.
PLANNED = {"docs/drop-in.md", "docs/reliability.md", "docs/frameworks.md", "docs/servers.md"}
