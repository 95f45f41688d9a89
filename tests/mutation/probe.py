"""A pytest plugin that notes which test files could see a template change: those with a test
(or an import) that renders a Jinja template, reads a file under templates/,
tests/golden/expected/ or output/, or starts a process (which may render, or run a generated
file). A file with none of these (an option parser's messages, a config's precedence) cannot
fail for a template mutant, so the mutants' fast stage leaves it out. Whole files, not single
tests: a test may read what another test of its file rendered and cached.

    WSGEN_PROBE=FILE pytest -p tests.mutation.probe ...   writes the noted files to FILE (JSON)
"""

from __future__ import annotations

import builtins
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

ROOT = Path(__file__).resolve().parents[2]
WATCHED = tuple(str(ROOT / name) for name in ("templates", "tests/golden/expected", "output"))

_current: list[str] = []
_seen: set[str] = set()


def _note() -> None:
    if _current:
        _seen.add(_current[0])


def _wrap(owner: Any, name: str, watch_path: bool = False) -> None:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not watch_path:
            _note()
        else:
            target = args[0] if args else ""
            if isinstance(target, (str, os.PathLike)) and os.path.abspath(target).startswith(
                WATCHED
            ):
                _note()
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("WSGEN_PROBE"):
        return
    _wrap(jinja2.Template, "render")
    _wrap(jinja2.Template, "generate")
    _wrap(subprocess.Popen, "__init__")
    _wrap(builtins, "open", watch_path=True)
    _wrap(io, "open", watch_path=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _current[:] = [item.nodeid]
    try:
        return (yield)
    finally:
        _current.clear()


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    # A module that renders while it is imported (a table of cases) is noted too.
    _current[:] = [collector.nodeid]
    try:
        return (yield)
    finally:
        _current.clear()


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("WSGEN_PROBE")
    if out:
        files = {
            nodeid.split("::")[0] for nodeid in _seen if nodeid.endswith(".py") or "::" in nodeid
        }
        Path(out).write_text(json.dumps(sorted(files)), encoding="utf-8")
