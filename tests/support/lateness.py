"""Allowances for real-time waits and bounds, stretched by how loaded the machine is now.

A test that waits for another process (Node, Chromium, a server thread) cannot know how late
the scheduler will run it: on a 2-core machine with other work, a 1 s wait can take many. So
real-network tests never use a bare margin; they ask `allow(seconds)`, which measures the load
at the moment of asking (runnable tasks per core, from the 1-minute load average) and stretches
the margin by it. At rest it returns `seconds` unchanged, so a test still fails on a real delay
bug; exact timing is tested on the virtual clock (tests/logic), not here.
"""

from __future__ import annotations

import os

MAX_STRETCH = 10.0


def load_factor() -> float:
    """Runnable tasks per core over the last minute, at least 1 (a machine at rest)."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this platform
        return 1.0
    return max(1.0, load / (os.cpu_count() or 1))


def allow(seconds: float) -> float:
    """`seconds`, stretched by the machine's present load (at most MAX_STRETCH times)."""
    return seconds * min(MAX_STRETCH, load_factor())
