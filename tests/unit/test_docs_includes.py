"""Code a page of docs/ shows from a file (`<!-- include: servers/x.py -->` then a fenced block)
is that file, byte for byte: the file is the one source, run by the tests; the page shows it.
After editing a file, `python -m tests.unit.test_docs_includes` copies it into the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

INCLUDE = re.compile(r"<!-- include: (?P<path>\S+) -->\n```(?P<lang>\w*)\n(?P<body>.*?)```\n", re.S)


def _pages() -> list[Path]:
    return sorted(page for page in DOCS.glob("*.md") if INCLUDE.search(page.read_text("utf-8")))


def refreshed(text: str) -> str:
    def draw(match: re.Match[str]) -> str:
        body = (DOCS / match["path"]).read_text(encoding="utf-8")
        return f"<!-- include: {match['path']} -->\n```{match['lang']}\n{body}```\n"

    return INCLUDE.sub(draw, text)


@pytest.mark.parametrize("page", _pages(), ids=lambda page: page.name)
def test_included_code_is_the_file(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert refreshed(text) == text, f"run: python -m tests.unit.test_docs_includes ({page.name})"


def test_servers_page_shows_every_snippet_the_tests_run() -> None:
    shown = {match["path"] for match in INCLUDE.finditer((DOCS / "servers.md").read_text("utf-8"))}
    snippets = [path for path in (DOCS / "servers").iterdir() if path.suffix in (".py", ".mjs")]
    assert shown == {f"servers/{path.name}" for path in snippets}


if __name__ == "__main__":
    for page in _pages():
        page.write_text(refreshed(page.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"refreshed {page}")
