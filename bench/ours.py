"""Our module in each profile, rendered by the real CLI (`python -m generator generate`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from common import REPO

sys.path.insert(0, str(REPO))  # the generator of this checkout, as the CLI runs it
from generator.options import FEATURE_FLAGS

# The optional features, each as the CLI flags that turn it on and off, from the generator's
# own list (generator.options.FEATURE_FLAGS), so a new feature is measured without a word here.
# Every one of them off is the minimal profile; the size benchmark also renders minimal + each
# one on, for its cost. The heartbeat is the one that takes a value: on, it beats every 30 s.
FEATURES: dict[str, tuple[list[str], list[str]]] = {
    flag: (
        (["--heartbeat", "30s"], ["--heartbeat", "off"])
        if flag == "heartbeat"
        else ([f"--{flag}"], [f"--no-{flag}"])
    )
    for flag in FEATURE_FLAGS
}

# Flags per profile. None: the CLI has no flags for that profile yet, so it is reported as
# not available rather than guessed.
PROFILES: dict[str, list[str] | None] = {
    "default": [],
    # every optional feature off: the drop-in API and the close-code policy, nothing more
    "minimal": [arg for _on, off in FEATURES.values() for arg in off],
    # every optional feature on (the heartbeat and sharing between tabs are off by default)
    "full": ["--heartbeat", "30s", "--share-tabs"],
}


def minimal_plus(feature: str) -> list[str]:
    """The minimal profile's flags with `feature` turned on."""
    flags: list[str] = []
    for flag, (on, off) in FEATURES.items():
        flags += on if flag == feature else off
    return flags


# The memory benchmark's client: the default profile reconnecting 1-2 ms after each 1012, so
# 1,000 restart cycles take seconds, through exactly the code users get.
FAST_RESTART = ["--restart-delay", "1ms-2ms"]


class Unavailable(Exception):
    """Our module cannot be rendered or read (yet); the message says why, in one line."""


def render(flags: list[str], out: Path) -> Path:
    """Write the module for `flags` to `out` with the CLI, run from the repository root."""
    command = [sys.executable, "-m", "generator", "generate", "--out", str(out), *flags]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise Unavailable(f"`wsgen generate {' '.join(flags)}` failed: {last}")
    return out


def restart_window(module: Path) -> tuple[int, int]:
    """The 1012 window a module was generated with, from its header's options (line 2)."""
    try:
        header = module.read_text().splitlines()[1]
        options = json.loads(header[header.index("{") :])
        from generator.parsing import parse_window  # the CLI's own reading of the flag

        return parse_window(options["restart-delay"])
    except (ImportError, IndexError, ValueError, KeyError) as error:
        raise Unavailable(f"cannot read the restart window from {module}: {error!r}") from None
