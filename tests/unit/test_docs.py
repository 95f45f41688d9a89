"""The tables in docs/ are drawn from the code (codes.py, the option specs) and from the last
benchmark run (bench/RESULTS.md), never typed by hand: each file must equal its own redraw."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.codes import CLOSE_CODES, Action
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
    for name in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(((?:docs|bench|tests|generator|templates)/[^)#]*)", text):
            if target in PLANNED:
                continue
            assert (ROOT / target).exists(), f"{name} links to {target}, which does not exist"


# Written by other issues; the README links to them already.
PLANNED = {"docs/drop-in.md", "docs/reliability.md", "docs/frameworks.md", "docs/servers.md"}


# --- prose that states a code's policy agrees with the table -------------------------------

# A claim is a code (or a list of them) as the subject of a verb that names a policy:
# "1001 and 1011 retry with backoff", "1011 Internal Error, which the client retries with
# backoff", "1000 stops". Codes in `inline code` are examples (closePolicy: { 1011: "retry" }).
_CODE = r"\d{4}(?:\s+\(?[A-Z][\w-]*\)?)*"
_VERBS = {
    Action.RETRY: r"retr(?:y|ies)(?: it)? with backoff|backs? off|(?:is|are) retried with backoff",
    Action.RESTART: r"(?:reconnects?|retr(?:y|ies)|comes? back) (?:after|inside|within) "
    r"(?:a short|a random|the restart)|(?:waits?(?: out)?|gets?) the restart window|restarts?\b",
    Action.STOP: r"stops?\b|never reconnects?",
}
_CLAIM = re.compile(
    rf"\b(?P<codes>{_CODE}(?:(?:,\s*|\s+and\s+|\s+or\s+|,\s+and\s+){_CODE})*)"
    r"(?:,?\s+which\s+(?:the\s+)?(?:client|module)|\s+(?:also|then|always|each))?\s+"
    r"(?:" + "|".join(f"(?P<{action.name}>{verb})" for action, verb in _VERBS.items()) + ")"
)
_TABLE = {row.code: row.action for row in CLOSE_CODES if not row.is_range}


def _prose(text: str) -> str:
    """The sentences of a page: no generated sections, code blocks, table rows, inline code."""
    text = re.sub(r"<!-- wsgen:(\S+) -->.*?<!-- /wsgen:\1 -->", "", text, flags=re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("|")]
    return re.sub(r"`[^`]*`", "`code`", " ".join(" ".join(lines).replace("**", "").split()))


def _contradictions(text: str) -> list[str]:
    found = []
    for claim in _CLAIM.finditer(_prose(text)):
        action = next(action for action in _VERBS if claim[action.name])
        agreeing = {action, Action.RETRY_LATER} if action is Action.RETRY else {action}
        codes = [int(code) for code in re.findall(r"\d{4}", claim["codes"])]
        wrong = [code for code in codes if code in _TABLE and _TABLE[code] not in agreeing]
        found += [f"{claim[0]!r}: {code} is {_TABLE[code]} in the table" for code in wrong]
    return found


@pytest.mark.parametrize(
    ("sentence", "wrong"),
    [
        ("every other code by its policy: 1001 and 1011 retry with backoff, and so does", True),
        ("sends 1011 Internal Error, which the client retries with backoff like a crash.", True),
        ("On **1000 Normal Closure** the module never reconnects.", False),
        ("1000 retries with backoff.", True),
        ("1012 stops.", True),
        ("1001 and 1011 restart.", False),
        ("1006 retries with backoff.", False),
        ("pass `closePolicy: { 1011: 'retry' }` to back off instead", False),
    ],
)
def test_the_policy_prose_check_finds_contradictions(sentence: str, wrong: bool) -> None:
    assert bool(_contradictions(sentence)) is wrong


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("docs/*.md"))]
)
def test_prose_stating_a_codes_policy_agrees_with_the_table(page: str) -> None:
    assert not _contradictions((ROOT / page).read_text(encoding="utf-8"))
