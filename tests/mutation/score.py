"""Scores, and the checked-in lists they read: equivalent mutants (equivalents.toml) and the
survivors known from the last full run (survivors.toml).

The score of a side is killed / (killed + survived), where an equivalent mutant (one no test
could kill: it behaves as the source does) is left out of both. Mutants that change no rendered
profile, or no longer render, are counted apart and never as killed.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
EQUIVALENTS = HERE / "equivalents.toml"
SURVIVORS = HERE / "survivors.toml"
TARGETS = {"templates": 0.95, "python": 0.90}


def _table(path: Path, side: str) -> dict[str, str]:
    """{id: reason} of one side's table in a checked-in list."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8")).get(side, {})
    return {
        str(key): str(value.get("reason", value.get("area", ""))) for key, value in data.items()
    }


def equivalents(side: str) -> dict[str, str]:
    return _table(EQUIVALENTS, side)


def known_survivors(side: str) -> dict[str, str]:
    """Survivors of the last full run, and (templates) what only its stages after logic
    killed, which the sample does not run."""
    return {**_table(SURVIVORS, side), **_table(SURVIVORS, f"{side}-slow")}


@dataclass
class Score:
    side: str
    statuses: dict[str, str]
    counts: Counter[str]
    equivalent: int
    stale: list[str]  # equivalents matching no mutant of this run
    killed_equivalents: list[str]  # listed as equivalent, yet a test killed them

    @property
    def denominator(self) -> int:
        return self.counts["killed"] + self.counts["survived"] - self.equivalent

    @property
    def ratio(self) -> float:
        return self.counts["killed"] / self.denominator if self.denominator else 1.0

    def lines(self) -> list[str]:
        counts = self.counts
        apart = ", ".join(
            f"{counts[key]} {key}" for key in sorted(counts) if key not in ("killed", "survived")
        )
        lines = [
            f"{self.side}: {counts['killed']} killed / {self.denominator} "
            f"({self.ratio:.1%}; target {TARGETS[self.side]:.0%}), "
            f"{counts['survived'] - self.equivalent} survived, {self.equivalent} equivalent"
            + (f"; apart: {apart}" if apart else "")
        ]
        lines += [f"  stale equivalent (matches no mutant): {key}" for key in self.stale]
        lines += [f"  listed as equivalent but killed: {key}" for key in self.killed_equivalents]
        return lines


def score(side: str, statuses: dict[str, str], complete: bool = True) -> Score:
    """`statuses`: mutant id -> killed, survived, or a status counted apart. `complete`: the
    run covered every mutant, so an equivalent matching none of them is stale."""
    listed = equivalents(side)
    counts = Counter(statuses.values())
    equivalent = sum(
        1 for key, status in statuses.items() if key in listed and status == "survived"
    )
    stale = sorted(key for key in listed if key not in statuses) if complete else []
    killed = sorted(key for key in listed if statuses.get(key) == "killed")
    return Score(side, statuses, counts, equivalent, stale, killed)


def new_survivors(side: str, survivors: Iterable[str]) -> list[str]:
    """Survivors neither equivalent nor known from the last full run: what a sample fails on."""
    allowed = equivalents(side).keys() | known_survivors(side).keys()
    return sorted(key for key in survivors if key not in allowed)
