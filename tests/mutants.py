"""Mutation check: do the behaviour tests catch realistic bugs?

    python -m tests.mutants            # every mutant; exits 1 if any survives
    python -m tests.mutants -k 1013    # only mutants whose name contains "1013"

Each mutant is one search/replace in the template or the option parser, applied to a scratch
copy of the repository. The copy's goldens and output/ are regenerated, as a developer would
after a change (so they guard nothing here), then the fast tier runs there, virtual-clock logic
first, stopping at the first failure. A mutant is killed when a test fails; it survives when
everything passes. A mutant whose search text is missing from the source is an error, not a
pass: update its row when the template changes, so the list cannot rot silently.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
BODY = "templates/reconnecting-socket/body.js.j2"
PARSING = "generator/parsing.py"

# The fast tier in two stages: the virtual-clock logic first (a killed mutant usually stops
# there within seconds), then the rest only for a mutant that got through.
STAGES = [["tests/logic"], ["tests/golden", "tests/unit", "tests/soak/test_checker.py"]]


class Mutant(NamedTuple):
    name: str
    path: str
    search: str
    replace: str


# fmt: off
MUTANTS = [
    # -- the restart window (1012) --
    Mutant("1012 delay drawn once per socket, not per attempt", BODY,
           "return floor + Math.random() * spread;",
           "return floor + (this.#settings.restartDraw ??= Math.random()) * spread;"),
    Mutant("restart window minimum off by 100 ms", BODY,
           '        ? restartDelayMin\n        : action === "retry-later"',
           '        ? restartDelayMin + 100\n        : action === "retry-later"'),
    # -- backoff --
    Mutant("no backoff reset after a stable connection", BODY,
           "      this.#reconnectAttempt = 0;\n    }\n    this.#openedAt = 0;",
           "    }\n    this.#openedAt = 0;"),
    Mutant("stable only after more than stableAfter", BODY,
           "Date.now() - openedAt >= options.stableAfter",
           "Date.now() - openedAt > options.stableAfter"),
    Mutant("backoff factor ignored", BODY,
           "backoffInitial * backoffFactor ** this.#reconnectAttempt",
           "backoffInitial * 2 ** this.#reconnectAttempt"),
    Mutant("jitter drawn in the ceiling's upper half", BODY,
           "        Math.random() *\n          Math.min(\n            backoffMax,",
           "        (0.5 + Math.random() / 2) *\n          Math.min(\n            backoffMax,"),
    Mutant("max retries off by one", BODY,
           "this.#reconnectAttempt >= options.maxRetries",
           "this.#reconnectAttempt > options.maxRetries"),
    # -- close codes --
    Mutant("1000 retried when it has a reason", BODY,
           'let action = closing ? "stop" : closeAction(code, options.closePolicy);',
           'let action = closing\n    ? "stop"\n'
           '    : code === NORMAL_CLOSURE && reason\n      ? "retry"\n'
           "      : closeAction(code, options.closePolicy);"),
    Mutant("1013 floor removed", BODY,
           "          ? restartDelayMax\n          : 0;",
           "          ? 0\n          : 0;"),
    # -- the queue --
    Mutant("queue flushed in reverse", BODY,
           "for (const data of this.#queue.splice(0)) socket.send(data);",
           "for (const data of this.#queue.splice(0).reverse()) socket.send(data);"),
    Mutant("queue limit off by one", BODY,
           "if (this.#queue.length >= limit) {",
           "if (this.#queue.length > limit) {"),
    # -- timers --
    Mutant("close() leaves its timer", BODY,
           "    clearTimeout(this.#timer);\n    this.#readyState = CLOSING;",
           "    this.#readyState = CLOSING;"),
    Mutant("connect timer not cleared on open", BODY,
           "    clearTimeout(this.#timer);\n    this.#readyState = OPEN;",
           "    this.#readyState = OPEN;"),
    Mutant("connect timeout option ignored", BODY,
           "    this.#settings.connectTimeout,",
           "    10000,"),
    # -- heartbeat --
    Mutant("heartbeat: a message does not postpone the ping", BODY,
           "      this.#lastMessageAt = Date.now();\n      if (this.#pingUnanswered) this.#beat();",
           "      if (this.#pingUnanswered) this.#beat();"),
    Mutant("heartbeat: an answer to the ping is not heard", BODY,
           "      this.#lastMessageAt = Date.now();\n      if (this.#pingUnanswered) this.#beat();",
           "      this.#lastMessageAt = Date.now();"),
    Mutant("heartbeat: the timer pings without reading the last message's time", BODY,
           "      if (idle < interval) return tick(interval - idle);\n",
           ""),
    Mutant("heartbeat: waits the interval, not the timeout, for an answer", BODY,
           "        options.heartbeatTimeout,",
           "        options.heartbeatInterval,"),
    # -- the server's retry-after hint --
    Mutant("hint: whole seconds only", BODY,
           "      delay === undefined &&\n      /(?:^|[\\s;,])retry-after=(\\d+(?:\\.\\d+)?)",
           "      delay === undefined &&\n      /(?:^|[\\s;,])retry-after=(\\d+)"),
    Mutant("hint: not capped by backoffMax", BODY,
           "        Math.max(floor, backoffMax - width),",
           "        Infinity,"),
    Mutant("hint: no floor at the code's own minimum", BODY,
           "        Math.max(floor, +hint[1]",
           "        Math.max(0, +hint[1]"),
    Mutant("hint: not spread over the window", BODY,
           "        ) +\n        Math.random() * width\n",
           "        )\n"),
    Mutant("restart: a refused attempt falls back to backoff", BODY,
           'if (action === "retry") action = this.#serverWait || action;',
           'if (action === "retry") action = "retry";'),
    Mutant("restart: the window never widens while the outage lasts", BODY,
           "      failed < 2\n        ? width\n",
           "      true\n        ? width\n"),
    Mutant("hint: found inside another word", BODY,
           "      delay === undefined &&\n      /(?:^|[\\s;,])retry-after=",
           "      delay === undefined &&\n      /retry-after="),
    # -- waking a waiting retry --
    Mutant("wake: a page being hidden wakes too", BODY,
           '(event.type === "online" || !document.hidden)',
           '(event.type === "online" || document.hidden !== undefined)'),
    Mutant("wake: cuts a wait the server asked for", BODY,
           "const waiting = !this.#noWakeUp && this.#readyState === CONNECTING;",
           "const waiting = this.#readyState === CONNECTING;"),
    Mutant("wake: cuts an attempt under way", BODY,
           "    // An attempt under way (a URL function still answering included): no wake-up "
           "cuts it.\n    this.#noWakeUp = true;\n",
           ""),
    Mutant("wake: offline not checked before a retry", BODY,
           "if (globalThis.navigator?.onLine === false) {",
           "if (globalThis.navigator?.onLine === null) {"),
    Mutant("wake: listeners left after the final close", BODY,
           '  listenForWake("removeEventListener", this.#wake);\n',
           ""),
    # -- the option parser --
    Mutant("parser: durations read ten times shorter", PARSING,
           "Decimal(match[\"number\"]) * _UNIT_MS[match[\"unit\"]]",
           "Decimal(match[\"number\"]) * _UNIT_MS[match[\"unit\"]] / 10"),
    Mutant("parser: window MIN and MAX swapped", PARSING,
           "    return minimum, maximum\n",
           "    return maximum, minimum\n"),
    Mutant("parser: a code range loses its last code", PARSING,
           "codes.update(range(first, last + 1))",
           "codes.update(range(first, last))"),
    Mutant("parser: 'unlimited' retries read as none", PARSING,
           "    if unlimited and text == unlimited:\n        return None",
           "    if unlimited and text == unlimited:\n        return 0"),
]
# fmt: on


def copy_repository(target: Path) -> None:
    """The working tree's files (tracked and new, not ignored) into `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # Each npm harness (a tracked package.json) has its packages installed beside it and
    # git-ignored; the copy links to them rather than installing its own.
    for name in filter(None, listed.split("\0")):
        installed = (ROOT / name).parent / "node_modules"
        if name.endswith("package.json") and installed.is_dir():
            (target / name).parent.joinpath("node_modules").symlink_to(installed)


def apply(mutant: Mutant, root: Path, write: bool = True) -> None:
    """Put `mutant` into the tree at `root`; raises when its search text is not there once."""
    path = root / mutant.path
    text = path.read_text(encoding="utf-8")
    found = text.count(mutant.search)
    if found != 1:
        raise SystemExit(
            f"mutant {mutant.name!r}: its search text occurs {found} times in {mutant.path} "
            "(needs exactly 1): update the row to the current source"
        )
    if write:
        path.write_text(text.replace(mutant.search, mutant.replace), encoding="utf-8")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)


def regenerate(copy: Path) -> None:
    """Goldens and output/, as a developer regenerates them after a change."""
    for command in (
        [sys.executable, "-m", "tests.golden.cases"],
        [sys.executable, "-m", "generator", "generate", "--force"],
    ):
        result = run(command, copy)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} failed:\n{result.stdout}{result.stderr}")


def check(mutant: Mutant | None) -> tuple[bool, str]:
    """Apply `mutant` (None: the source as it is) to a scratch copy and run the tests there;
    returns (tests passed, the first failure's summary line)."""
    with tempfile.TemporaryDirectory(prefix="wsgen-mutant-") as scratch:
        copy = Path(scratch)
        copy_repository(copy)
        if mutant is not None:
            apply(mutant, copy)
        try:
            regenerate(copy)
        except RuntimeError as error:  # the developer's own regeneration already fails
            return False, str(error).splitlines()[-1]
        for tests in STAGES:
            result = run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-x", "-q",
                 "-m", "not slow", "-n", "0", *tests],
                copy,
            )  # fmt: skip
            if result.returncode != 0:
                failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
                return False, (failed[0] if failed else result.stdout[-300:])
        return True, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", default="", help="only mutants whose name contains this text")
    parser.add_argument("-j", type=int, default=2, help="mutants checked at once (default 2)")
    arguments = parser.parse_args()
    chosen = [mutant for mutant in MUTANTS if arguments.k.lower() in mutant.name.lower()]
    if not chosen:
        raise SystemExit(f"no mutant's name contains {arguments.k!r}")
    for mutant in chosen:  # every row must still apply before anything runs
        apply(mutant, ROOT, write=False)
    start = time.monotonic()
    passed, detail = check(None)
    if not passed:
        print(f"the unmutated source fails its tests: {detail}")
        return 1
    survivors = []
    with ThreadPoolExecutor(max_workers=arguments.j) as pool:
        futures = {pool.submit(check, mutant): mutant for mutant in chosen}
        for future in as_completed(futures):
            mutant = futures[future]
            survived, detail = future.result()
            if survived:
                survivors.append(mutant)
                print(f"SURVIVED  {mutant.name}", flush=True)
            else:
                caught = detail.removeprefix("FAILED ").split(" - ")[0]
                print(f"killed    {mutant.name}\n          by {caught}", flush=True)
    killed = len(chosen) - len(survivors)
    print(f"{killed}/{len(chosen)} mutants killed in {time.monotonic() - start:.0f} s")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
