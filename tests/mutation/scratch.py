"""Running the tests against one mutant, in a scratch copy of the repository.

Each worker keeps one copy. For a mutant it writes the mutated files, regenerates the goldens
and output/ there (as a developer would after a change, so golden text cannot kill it), runs
the stages in order, each stopping at its first failure, then puts every file back. A mutant
is killed by the first failing test; it survives when every stage passes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What regeneration rewrites, restored after each mutant.
REGENERATED = ("tests/golden/expected", "output")


@dataclass(frozen=True)
class Stage:
    """One pytest run: `paths` in order (the first given runs first), `marks` as for -m."""

    name: str
    paths: tuple[str, ...]
    marks: str
    ignore: tuple[str, ...] = ()
    # The logic tests render the module from the templates themselves: no goldens needed.
    regenerated: bool = True
    # Run only the files that can see a template change (probe.py), found on the unmutated copy.
    probed: bool = False

    def command(self, deselect: list[str], stop_at_first: bool = True) -> list[str]:
        return [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "0",
            "-W", "ignore", "--tb=line", "-m", self.marks,
            # Whether a test fails, not its smallest failing example (tests/conftest.py).
            "--hypothesis-profile=mutation",
            *(["-x"] if stop_at_first else []),
            *(f"--ignore={path}" for path in self.ignore),
            *(f"--deselect={test}" for test in deselect),
            *self.paths,
        ]  # fmt: skip


# Cheapest and likeliest to kill first: the virtual-clock logic, then the rest of the fast tier
# (the files that render the module first), then Node against real servers, then the browser
# (what only a browser runs: wake-ups, Blob sizes, native events). Real ASGI servers' restarts
# and the heavy soaks are left out. Within the logic stage, the files that take a second go
# first, then the model's stories (the likeliest to kill what is left), then the rest; the
# frozen-reference differential is left out when the in-process differential stage has
# already run it (templates.py).
LOGIC_ORDER = (
    "tests/logic/test_drop_in_surface.py",
    "tests/logic/test_thrown_errors.py",
    "tests/logic/test_hook_errors.py",
    "tests/logic/test_share_tabs.py",
    "tests/logic/test_model_finds.py",
    "tests/logic/test_model.py",
    "tests/logic",
)
STAGES = (
    Stage("logic", LOGIC_ORDER, "not slow", regenerated=False),
    Stage(
        "fast",
        ("tests/golden", "tests/unit/test_feature_flags.py", "tests/unit/test_formats.py", "tests"),
        "not slow",
        ignore=("tests/logic",),
        probed=True,
    ),
    Stage("node", ("tests/node",), "not heavy and not servers"),
    Stage("browser", ("tests/browser",), "not heavy"),
)


@dataclass
class Outcome:
    status: str  # killed, survived, unrendered
    stage: str = ""
    detail: str = ""
    seconds: float = 0.0


def copy_repository(target: Path) -> None:
    """The working tree's files (tracked and new, not ignored) into `target`; each npm
    harness's installed packages are linked, not copied."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    names = [name for name in listed.split("\0") if name]
    for name in names:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for name in names:
        installed = (ROOT / name).parent / "node_modules"
        if name.endswith("package.json") and installed.is_dir():
            link = (target / name).parent / "node_modules"
            if not link.exists():
                link.symlink_to(installed.resolve())


def _failure(output: str) -> str:
    """The first failing test's id (or the last lines, when pytest did not get that far)."""
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" ", 1)[1].split(" - ")[0]
    return " ".join(output.strip().splitlines()[-2:])[-300:]


@dataclass
class Scratch:
    """One worker's copy of the repository."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="wsgen-mutant-")))
    saved: dict[Path, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        copy_repository(self.folder)
        self.regenerate()
        for folder in REGENERATED:
            for path in (self.folder / folder).rglob("*"):
                if path.is_file():
                    self.saved[path] = path.read_bytes()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=1800
        )

    def regenerate(self) -> subprocess.CompletedProcess[str]:
        return self.run([sys.executable, "-m", "tests.mutation.regenerate"])

    def baseline(self, stage: Stage) -> tuple[Stage, list[str]]:
        """The stage as the mutants run it, and the tests that fail on the unmutated copy (one
        that checks where `pip install -e` points, which a copy is not): left out for them.
        A probed stage keeps only the files that can see a template change, in its order."""
        if stage.regenerated:
            self.regenerate()
        command = stage.command([], stop_at_first=False)
        environment = None
        if stage.probed:
            probe = self.folder / ".probe.json"
            command[3:3] = ["-p", "tests.mutation.probe"]
            environment = {**os.environ, "WSGEN_PROBE": str(probe)}
        result = subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=3600, env=environment
        )
        failing = [
            line.split(" ", 1)[1].split(" - ")[0]
            for line in result.stdout.splitlines()
            if line.startswith(("FAILED ", "ERROR "))
        ]
        if stage.probed:
            noted = json.loads(probe.read_text(encoding="utf-8"))
            ordered = [path for path in stage.paths if path in noted]
            ordered += [path for path in noted if path not in ordered]
            stage = dataclasses.replace(stage, paths=tuple(ordered), probed=False)
        return stage, failing

    def check(
        self, edits: dict[str, str], stages: tuple[Stage, ...], deselect: list[str]
    ) -> Outcome:
        """`edits` (path -> mutated text) applied, regenerated, tested; then undone."""
        originals = {name: (self.folder / name).read_text(encoding="utf-8") for name in edits}
        regenerated = False
        try:
            for name, text in edits.items():
                (self.folder / name).write_text(text, encoding="utf-8")
            for stage in stages:
                if stage.regenerated and not regenerated:
                    done = self.regenerate()
                    if done.returncode != 0:
                        return Outcome("unrendered", "regenerate", _failure(done.stderr))
                    regenerated = True
                result = self.run(stage.command(deselect))
                if result.returncode not in (0, 5):  # 5: the stage selected no test
                    return Outcome("killed", stage.name, _failure(result.stdout))
            return Outcome("survived", stages[-1].name if stages else "")
        finally:
            for name, text in originals.items():
                (self.folder / name).write_text(text, encoding="utf-8")
            if regenerated:
                for path, data in self.saved.items():
                    path.write_bytes(data)
