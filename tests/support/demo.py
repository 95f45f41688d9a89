"""The `wsgen demo` server in-process for tests: on port 0, on an event loop in a thread."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from generator.demo.page import build_site
from generator.demo.server import DemoServer
from generator.options import build_options
from tests.support.servers import _LoopThread


@contextmanager
def running_demo(**flags: str) -> Iterator[DemoServer]:
    """The demo for `flags` (flag name with underscores → value), serving until exit."""
    given = {flag.replace("_", "-"): value for flag, value in flags.items()}
    server = DemoServer(build_site(build_options(given), given))
    thread = _LoopThread()
    thread.call(server.start())
    try:
        yield server
    finally:
        thread.call(server.stop())
        thread.stop()
