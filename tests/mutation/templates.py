"""The template side: every generated mutant (sites.py) and every listed one (listed.py), each
first rendered in-process (a mutant that changes no rendered profile, or that no longer
renders, is set apart, never counted as killed), then tested in a scratch copy, stage by
stage (scratch.py)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from .listed import LISTED, listed_id
from .scratch import ROOT, Outcome, Scratch, Stage
from .sites import Mutant, find_mutants, render_profiles, rendering, template_sources


@dataclass(frozen=True)
class Candidate:
    """A mutant as the runner sees it: an id, what it does, and the files it rewrites."""

    id: str
    operator: str
    where: str
    description: str
    edits: tuple[tuple[str, str], ...]  # (path from the repository root, mutated text)


def generated(mutants: list[Mutant], sources: dict[str, str]) -> list[Candidate]:
    return [
        Candidate(
            mutant.id,
            mutant.operator,
            mutant.where,
            mutant.description,
            ((f"templates/{mutant.template}", mutant.apply(sources[mutant.template])),),
        )
        for mutant in mutants
    ]


def listed() -> list[Candidate]:
    """The hand-written rows; raises when a row's search text is not in its file once."""
    candidates = []
    for row in LISTED:
        text = (ROOT / row.path).read_text(encoding="utf-8")
        found = text.count(row.search)
        if found != 1:
            raise SystemExit(
                f"listed mutant {row.name!r}: its search text occurs {found} times in "
                f"{row.path} (needs exactly 1): update the row in tests/mutation/listed.py"
            )
        line = text[: text.index(row.search)].count("\n") + 1
        candidates.append(
            Candidate(
                listed_id(row),
                "Listed",
                f"{Path(row.path).name}:{line}",
                row.name,
                ((row.path, text.replace(row.search, row.replace)),),
            )
        )
    return candidates


def all_candidates() -> list[Candidate]:
    sources = template_sources()
    return generated(find_mutants(), sources) + listed()


def render_verdicts(candidates: Iterable[Candidate]) -> dict[str, str]:
    """Each template candidate's verdict before any test: "unchanged" (every profile renders
    byte-identical), "unrendered" (a profile fails to render) or "changed". Other files'
    candidates are "changed"."""
    sources = template_sources()
    verdicts = {}
    with rendering(dict(sources)) as live:
        baseline = render_profiles()
        for candidate in candidates:
            names = [name for name, _ in candidate.edits]
            if not all(name.startswith("templates/") for name in names):
                verdicts[candidate.id] = "changed"
                continue
            for name, text in candidate.edits:
                live[name.removeprefix("templates/")] = text
            try:
                verdicts[candidate.id] = "unchanged" if render_profiles() == baseline else "changed"
            except Exception:
                verdicts[candidate.id] = "unrendered"
            finally:
                live.update(sources)
    return verdicts


def differential(
    candidates: list[Candidate], jobs: int, report: Callable[[Result], None]
) -> list[Result]:
    """The cheapest kill, in this process: tests/logic/test_differential.py's own check (each
    profile's trace on the virtual clock equals the frozen reference's), with the test's own
    functions, on the mutant's render. No scratch copy, no pytest start per mutant. A mutant
    it kills is killed by that test; the others go on to the stages."""
    from tests.logic.refreeze import PROFILES, reference_path, render
    from tests.logic.test_differential import traces

    node = shutil.which("node")
    assert node, "Node.js is needed"
    frozen = {profile: traces(node, reference_path(profile)) for profile in PROFILES}
    sources = template_sources()
    lock = threading.Lock()
    results = []

    with rendering(dict(sources)) as live, tempfile.TemporaryDirectory() as folder:

        def check(candidate: Candidate) -> Result:
            start = time.monotonic()
            with lock:
                for name, text in candidate.edits:
                    live[name.removeprefix("templates/")] = text
                try:
                    modules = {profile: render(profile) for profile in PROFILES}
                finally:
                    live.update(sources)
            for profile, text in modules.items():
                module = Path(folder) / f"{candidate.id}-{profile}.mjs"
                module.write_text(text, encoding="utf-8")
                test = f"{DIFFERENTIAL}[{profile}]"
                try:
                    now = traces(node, module)
                except (AssertionError, subprocess.TimeoutExpired) as error:
                    return _result(
                        candidate,
                        Outcome("killed", "differential", f"{test}: {type(error).__name__}"),
                    )
                finally:
                    module.unlink()
                if list(now) != list(frozen[profile]) or now != frozen[profile]:
                    return _result(candidate, Outcome("killed", "differential", test))
            return _result(
                candidate,
                Outcome("survived", "differential", "", round(time.monotonic() - start, 1)),
            )

        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            for future in as_completed([pool.submit(check, c) for c in candidates]):
                result = future.result()
                results.append(result)
                report(result)
        finally:  # a stopped run starts nothing more
            pool.shutdown(wait=True, cancel_futures=True)
    return results


DIFFERENTIAL = (
    "tests/logic/test_differential.py::test_current_render_behaves_as_the_frozen_reference"
)


@dataclass
class Result:
    id: str
    operator: str
    where: str
    description: str
    status: str  # killed, survived, unchanged, unrendered
    stage: str = ""
    detail: str = ""
    seconds: float = 0.0


def run(
    candidates: list[Candidate],
    stages: tuple[Stage, ...],
    jobs: int,
    results_path: Path | None,
    done: dict[str, Result],
    report: Callable[[Result], None],
    deadline: float | None = None,
    prefilter: bool = True,
    skip: tuple[str, ...] = (),
) -> list[Result]:
    """Every candidate not in `done`, `jobs` at a time; each result is appended to
    `results_path` (JSON lines) as it comes, so a stopped run resumes where it was."""
    todo = [candidate for candidate in candidates if candidate.id not in done]
    verdicts = (
        render_verdicts(todo) if prefilter else dict.fromkeys((c.id for c in todo), "changed")
    )
    results = [done[candidate.id] for candidate in candidates if candidate.id in done]
    pending = []
    lock = threading.Lock()

    def record(result: Result) -> None:
        with lock:
            results.append(result)
            if results_path is not None:
                with results_path.open("a", encoding="utf-8") as stream:
                    stream.write(json.dumps(asdict(result)) + "\n")
            report(result)

    for candidate in candidates:
        if candidate.id in done:
            continue
        verdict = verdicts[candidate.id]
        if verdict == "changed":
            pending.append(candidate)
        else:
            record(_result(candidate, Outcome(verdict)))
    if not pending:
        return results

    local = threading.local()
    scratches: list[Scratch] = []
    deselect: list[str] = list(skip)
    ready = threading.Event()

    def scratch() -> Scratch:
        if not hasattr(local, "scratch"):
            local.scratch = Scratch()
            with lock:
                scratches.append(local.scratch)
        return local.scratch  # type: ignore[no-any-return]

    def check(candidate: Candidate) -> Result | None:
        ready.wait()
        start = time.monotonic()
        if deadline is not None and start > deadline:
            return None
        outcome = scratch().check(dict(candidate.edits), stages, deselect)
        outcome.seconds = round(time.monotonic() - start, 1)
        return _result(candidate, outcome)

    # The unmutated copy first: a test failing there is left out (and named), not a kill.
    prepared = []
    for stage in stages:
        stage, failing = scratch().baseline(stage)
        prepared.append(stage)
        deselect.extend(failing)
        if stage.name == "fast":
            print(f"stage fast runs {len(stage.paths)} files: {' '.join(stage.paths)}", flush=True)
    stages = tuple(prepared)
    for test in deselect[len(skip) :]:
        print(f"left out (fails on the unmutated source): {test}", flush=True)
    ready.set()
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(check, candidate) for candidate in pending]
        for future in as_completed(futures):
            result = future.result()
            if result is not None:
                record(result)
    finally:  # a stopped run starts nothing more, and removes its copies
        pool.shutdown(wait=True, cancel_futures=True)
        for each in scratches:
            each.close()
    return results


def _result(candidate: Candidate, outcome: Outcome) -> Result:
    return Result(
        candidate.id,
        candidate.operator,
        candidate.where,
        candidate.description,
        outcome.status,
        outcome.stage,
        outcome.detail,
        outcome.seconds,
    )


def sample(candidates: list[Candidate], size: int, seed: int) -> list[Candidate]:
    """A fixed-seed sample: the same ids for the same templates."""
    ordered = sorted(candidates, key=lambda candidate: candidate.id)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))), key=lambda c: c.id)
