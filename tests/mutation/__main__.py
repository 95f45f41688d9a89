"""Mutation testing: do the tests notice faults nobody picked by hand?

    python -m tests.mutation                 # the full run, both sides; prints each score
    python -m tests.mutation --side templates -j 2 --resume
    python -m tests.mutation --sample        # CI's fixed-seed sample of both sides
    python -m tests.mutation --list          # every template mutant: id, place, change

Template side: every operator, literal and statement of the module's JavaScript
(tests/mutation/sites.py), plus the hand-written rows of tests/mutation/listed.py. Python side:
mutmut over generator/ ([tool.mutmut] in pyproject.toml). docs/testing.md says more.

The full run exits 0 when both scores reach their targets. The sample exits 1 when a sampled
mutant survives that is neither equivalent (equivalents.toml) nor a known survivor of the last
full run (survivors.toml), or when either list names a mutant that no longer exists.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

from . import python_side, templates
from .score import TARGETS, Score, equivalents, known_survivors, new_survivors, score
from .scratch import STAGES

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ".mutation"
SAMPLE_SEED = 21
SAMPLE_TEMPLATES = 14
SAMPLE_PYTHON = 20
# The sample stops after the logic stage (the fast stage's unmutated baseline alone would take
# its budget); what only a later stage killed in the last full run is listed in survivors.toml.
SAMPLE_STAGES = "differential,logic"
FAST_STAGES = ("differential", "logic", "fast")
BUDGETED_STAGES = ("fast", "node", "browser")
STATUSES = ("killed", "survived", "unchanged", "unrendered")
STAGE_NAMES = ("differential", *(stage.name for stage in STAGES))


def _load(path: Path) -> dict[str, templates.Result]:
    done = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[row["id"]] = templates.Result(**row)
    return done


def _print(result: templates.Result) -> None:
    if result.status == "killed":
        print(
            f"killed     {result.id}  {result.where}  [{result.stage}] {result.detail}", flush=True
        )
    else:
        print(f"{result.status:<10} {result.id}  {result.where}  {result.description}", flush=True)


def run_templates(arguments: argparse.Namespace, chosen: list[templates.Candidate]) -> Score:
    """Stage by stage: each stage runs for the mutants every earlier stage let through. With
    --stage-budget, the fast, node and browser stages each stop starting mutants after that
    many minutes; a survivor records the last stage it got through."""
    name = "templates-sample" if arguments.sample else "templates"
    path = RESULTS / (
        f"{name}.{arguments.shard.replace('/', 'of')}.jsonl" if arguments.shard else f"{name}.jsonl"
    )
    results = {}
    if arguments.resume:  # every shard's results, the latest line of a mutant winning
        for each in sorted(RESULTS.glob(f"{name}*.jsonl"), key=lambda p: p.stat().st_mtime):
            results.update(_load(each))
    else:
        path.unlink(missing_ok=True)
    if arguments.shard:
        index, count = (int(part) for part in arguments.shard.split("/"))
        chosen = [c for number, c in enumerate(chosen) if number % count == index - 1]

    def record(result: templates.Result) -> None:
        results[result.id] = result
        with path.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(asdict(result)) + "\n")
        _print(result)

    start = time.monotonic()
    fresh = [candidate for candidate in chosen if candidate.id not in results]
    print(f"rendering {len(fresh)} mutants", flush=True)
    verdicts = templates.render_verdicts(fresh)
    for candidate in fresh:
        verdict = verdicts[candidate.id]
        if verdict != "changed":
            record(templates.Result(candidate.id, candidate.operator, candidate.where,
                                    candidate.description, verdict, "render"))  # fmt: skip
    wanted = arguments.stages.split(",")
    previous = ""
    for index, name in enumerate(stage for stage in STAGE_NAMES if stage in wanted):

        def needs(c: templates.Candidate, first: bool = index == 0, after: str = previous) -> bool:
            result = results.get(c.id)
            if result is None:
                return first
            return result.status == "survived" and result.stage == after

        todo = [candidate for candidate in chosen if needs(candidate)]
        print(f"stage {name}: {len(todo)} mutants", flush=True)
        previous = name
        if not todo:
            continue
        if name == "differential":
            templates.differential(todo, arguments.jobs, record)
            continue
        deadline = None
        if name in BUDGETED_STAGES and arguments.stage_budget:
            deadline = time.monotonic() + arguments.stage_budget * 60
        stage = next(stage for stage in STAGES if stage.name == name)
        # What the in-process differential stage checked, the logic stage need not run again.
        skip = (templates.DIFFERENTIAL,) if name == "logic" and "differential" in wanted else ()
        templates.run(
            todo, (stage,), arguments.jobs, None, {}, record, deadline, prefilter=False, skip=skip
        )
    results = {c.id: results[c.id] for c in chosen if c.id in results}
    print(f"template mutants: {len(results)} in {time.monotonic() - start:.0f} s")
    statuses = {key: result.status for key, result in results.items()}
    everything = not (arguments.sample or arguments.k or arguments.shard)
    order = sorted(
        results.values(), key=lambda r: (r.where.split(":")[0], int(r.where.split(":")[1]))
    )
    with (RESULTS / "templates-survivors.txt").open("w", encoding="utf-8") as stream:
        for result in order:
            if result.status == "survived":
                stream.write(f"{result.id}\t{result.where}\t{result.stage}\t{result.description}\n")
    return score("templates", statuses, complete=everything)


def run_python(arguments: argparse.Namespace, names: list[str] | None) -> Score:
    start = time.monotonic()
    python_side.run(arguments.jobs, names)
    statuses = python_side.results()
    if names is not None:
        statuses = {name: status for name, status in statuses.items() if name in set(names)}
    print(f"python mutants: {len(statuses)} in {time.monotonic() - start:.0f} s")
    with (RESULTS / "python-survivors.txt").open("w", encoding="utf-8") as stream:
        for name, status in sorted(statuses.items()):
            if status == "survived":
                stream.write(f"{name}\n")
    return score("python", statuses, complete=names is None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--side", choices=("templates", "python", "both"), default="both")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="mutants at once (default 2)")
    parser.add_argument("-k", default="", help="only template mutants whose id or change has this")
    parser.add_argument("--resume", action="store_true", help="keep the results of a stopped run")
    parser.add_argument("--sample", action="store_true", help="CI's fixed-seed sample")
    parser.add_argument(
        "--stages",
        default=None,
        help="template stages to run, from differential,logic,fast,node,browser (default: all; "
        "the sample: differential,logic)",
    )
    parser.add_argument(
        "--stage-budget",
        type=float,
        default=0,
        help="minutes each of the fast, node and browser stages may start mutants for (default: "
        "no limit); a survivor not reached records the last stage it got through",
    )
    parser.add_argument(
        "--shard",
        default="",
        help="K/N: only every Nth template mutant from the Kth, into its own results file (to "
        "split a run between two processes; --resume reads every shard's results)",
    )
    parser.add_argument("--list", action="store_true", help="list the template mutants and stop")
    arguments = parser.parse_args()
    # A stopped run (kill PID) still removes its scratch copies on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    RESULTS.mkdir(exist_ok=True)
    if arguments.stages is None:
        arguments.stages = SAMPLE_STAGES if arguments.sample else ",".join(STAGE_NAMES)

    candidates = templates.all_candidates()
    ids = {candidate.id for candidate in candidates}
    if arguments.k:
        key = arguments.k.lower()
        candidates = [c for c in candidates if key in c.id.lower() or key in c.description.lower()]
    if arguments.list:
        for candidate in candidates:
            print(f"{candidate.id}\t{candidate.where}\t{candidate.description}")
        print(f"{len(candidates)} template mutants")
        return 0

    scores: list[Score] = []
    failed = False
    if arguments.sample:
        # A stale entry in either list is an error even when the sample did not draw it.
        for name, table in (("equivalents", equivalents), ("survivors", known_survivors)):
            for key in sorted(set(table("templates")) - ids):
                print(f"{name}.toml: {key} matches no template mutant: remove or update it")
                failed = True
    if arguments.side in ("templates", "both"):
        chosen = (
            templates.sample(candidates, SAMPLE_TEMPLATES, SAMPLE_SEED)
            if arguments.sample
            else candidates
        )
        scores.append(run_templates(arguments, chosen))
    if arguments.side in ("python", "both"):
        names = None
        if arguments.sample:
            every = python_side.generate()
            for name, table in (("equivalents", equivalents), ("survivors", known_survivors)):
                for key in sorted(set(table("python")) - set(every)):
                    print(f"{name}.toml: {key} matches no mutmut mutant: remove or update it")
                    failed = True
            names = python_side.sample(every, SAMPLE_PYTHON, SAMPLE_SEED)
        scores.append(run_python(arguments, names))

    for each in scores:
        for line in each.lines():
            print(line)
        if arguments.sample:
            survivors = [key for key, status in each.statuses.items() if status == "survived"]
            fresh = new_survivors(each.side, survivors)
            for key in fresh:
                print(f"  NEW SURVIVOR ({each.side}): {key}")
            # A mutant left unchecked (mutmut could not run the tests) is a failure, not a pass.
            unchecked = [key for key, status in each.statuses.items() if status not in STATUSES]
            for key in unchecked:
                print(f"  NOT RUN ({each.side}): {key} ({each.statuses[key]})")
            failed |= bool(fresh) or bool(each.killed_equivalents) or bool(unchecked)
        else:
            failed |= (
                each.ratio < TARGETS[each.side] or bool(each.stale) or bool(each.killed_equivalents)
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
