"""Fixtures shared by the suite: rendering modules to temporary files and finding Node."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings

from generator.options import build_options
from generator.render import render_module
from tests.support.browser import launched_browser
from tests.support.ids import needs_escaping
from tests.support.lateness import allow
from tests.support.node import ensure_node_packages

RenderTo = Callable[..., Path]

# Mutation testing (tests/mutation) asks whether a test fails, not for the smallest failing
# example: its stages run with this profile, which does not shrink.
hypothesis_settings.register_profile(
    "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], report_multiple_bugs=False
)

# Tiers: a test that needs a real network, Node processes, Chromium or the npm tools is "slow";
# `pytest -m "not slow"` runs the rest (text, golden, CLI, virtual-clock logic) in seconds.
SLOW_MARKERS = ("node", "browser", "tools", "heavy", "servers")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. Most tests wait on real servers, browsers and timers
    rather than compute, so one worker per core leaves the cores idle (measured on 2 cores:
    2 workers 186 s, 4 workers 138 s); the CPU-heavy ones still run one at a time."""
    return 2 * len(os.sched_getaffinity(0))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark slow tests, and put every CPU-heavy one in one xdist group (one worker, in turn),
    so two soaks or storms never load the machine at the same time. Runs before xdist reads
    the groups (`--dist loadgroup` in pyproject)."""
    for item in items:
        _refuse_an_id_pytest_escapes(item)
        if any(item.get_closest_marker(name) for name in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("heavy") or item.get_closest_marker("servers"):
            item.add_marker(pytest.mark.xdist_group("heavy"))


def _refuse_an_id_pytest_escapes(item: pytest.Item) -> None:
    """A parametrize mark's own ids must be plain (tests/support/ids.py): pytest keeps them
    escaped on the mark and escapes them again in a second session in the same process, which
    is how mutmut runs the suite, so mutmut could no longer name the test."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or not needs_escaping(callspec.id):
        return
    marks = item.iter_markers("parametrize")
    if any("ids" in mark.kwargs or len(mark.args) >= 4 for mark in marks):
        raise pytest.UsageError(
            f"{item.nodeid}: a parametrize id pytest escapes; build it with "
            "tests.support.ids.plain_id (a second collection in one process escapes it again)"
        )


@pytest.fixture
def render_to(tmp_path: Path) -> RenderTo:
    """Render the module with `flags` (flag name → value) into tmp_path; returns its path."""
    counter = iter(range(1_000_000))

    def render(name: str = "reconnecting-socket.mjs", **flags: object) -> Path:
        options = build_options({flag.replace("_", "-"): value for flag, value in flags.items()})
        path = tmp_path / f"{next(counter)}-{name}"
        path.write_text(render_module(options), encoding="utf-8")
        return path

    return render


@pytest.fixture(scope="session")
def node() -> str:
    """The `node` binary, with the harness's packages installed."""
    return ensure_node_packages()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test worker."""
    with launched_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(allow(10) * 1000)  # longer on a loaded machine
    try:
        yield page
    finally:
        context.close()
