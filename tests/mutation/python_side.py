"""The Python side: mutmut (configured in pyproject's [tool.mutmut]) over generator/.

mutmut copies the package and the tests into mutants/, runs the fast tier once to learn which
tests call each function, then forks one child per mutant that runs only those tests. Its
results stay in mutants/ (git-ignored), so a stopped run goes on where it was.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
# mutmut's words for what became of a mutant, and ours.
STATUS = {
    "killed": "killed",
    "survived": "survived",
    "no tests": "survived",  # no test calls the function: nothing would notice the change
    "timeout": "killed",  # the tests never finished: noticed
    "suspicious": "killed",
    "segfault": "killed",
    "caught by type check": "killed",
    "skipped": "skipped",
    "not checked": "not checked",
}
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")


def mutmut(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def run(jobs: int, names: list[str] | None = None, fresh: bool = False) -> int:
    """`mutmut run` over every mutant (or `names`), its progress shown as it goes."""
    if fresh:
        shutil.rmtree(MUTANTS, ignore_errors=True)
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *(names or [])]
    return subprocess.run(command, cwd=ROOT).returncode


def results() -> dict[str, str]:
    """mutant name -> killed, survived, or what else mutmut says, for every mutant it made."""
    listed = mutmut("results", "--all", "true")
    statuses = {}
    for line in listed.stdout.splitlines():
        found = RESULT_LINE.match(line)
        if found:
            statuses[found.group(1)] = STATUS.get(found.group(2).strip(), found.group(2).strip())
    return statuses


def show(name: str) -> str:
    return mutmut("show", name).stdout


def generate() -> list[str]:
    """Every mutant's name, made without running any: mutmut's own generation step."""
    code = (
        "import mutmut.__main__ as m\n"
        "from mutmut.configuration import config\n"
        "import os, json\n"
        "os.makedirs('mutants', exist_ok=True)\n"
        "m.copy_src_dir(); m.copy_also_copy_files(); m.setup_source_paths()\n"
        "m.create_mutants(2)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mutmut could not generate its mutants:\n{done.stderr[-2000:]}")
    return sorted(results())


def sample(names: list[str], size: int, seed: int) -> list[str]:
    return sorted(random.Random(seed).sample(sorted(names), min(size, len(names))))
