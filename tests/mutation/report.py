"""Writes tests/mutation/survivors.toml from the last full run's results (.mutation/): the
survivors of each side, by the function they sit in, and the template mutants only a slow
stage killed. The CI sample reads it; after tests kill some, a full run and this rewrite it.

    python -m tests.mutation.report
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from . import python_side
from .score import SURVIVORS, equivalents
from .sites import ROOT, template_sources

RESULTS = ROOT / ".mutation"
# The line that opens a function or method of the module, read back from the template's text
# (for grouping a report only; the mutator itself never reads names).
OPENER = re.compile(
    r'signature\("(?:function |get |set |private )?([\w ]+?)"|^\s*(?:function|class) (\w+)|'
    r'^(const prototype|\["CONNECTING"|for \(const type of|Object\.defineProperty\(\w+)'
)


def enclosing(source: str, line: int) -> str:
    lines = source.splitlines()
    for number in range(line - 1, -1, -1):
        found = OPENER.search(lines[number])
        if found:
            name = next(group for group in found.groups() if group)
            return {
                "const prototype": "WebIDL surface",
                '["CONNECTING"': "WebIDL surface",
                "for (const type of": "WebIDL surface (on<type> handlers)",
            }.get(name, name if not name.startswith("Object.defineProperty") else "WebIDL surface")
    return "top level"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main() -> None:
    results: dict[str, dict[str, str]] = {}
    # Every shard's results (not the sample's), the latest line of a mutant winning.
    for path in sorted(RESULTS.glob("templates*.jsonl"), key=lambda path: path.stat().st_mtime):
        if "sample" in path.name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            results[row["id"]] = row
    sources = template_sources()
    equivalent = equivalents("templates")
    by_area: dict[str, list[dict[str, str]]] = defaultdict(list)
    slow_kills = []
    for row in results.values():
        if row["status"] == "killed" and row["stage"] in ("fast", "node", "browser"):
            slow_kills.append(row)
        if row["status"] != "survived" or row["id"] in equivalent:
            continue
        file, line = row["where"].split(":")
        name = next((n for n in sources if n.endswith("/" + file)), None)
        area = enclosing(sources[name], int(line)) if name else file
        by_area[area].append(row)
    out = [
        "# Survivors of the last full mutation run (python -m tests.mutation), written by",
        "# python -m tests.mutation.report. The CI sample fails on a survivor not listed here or",
        "# in equivalents.toml. Kill one with a test, then rerun the full run and this report.",
        "",
        "[templates]",
    ]
    for area in sorted(by_area):
        out.append(f"# -- {area} --")
        for row in sorted(by_area[area], key=lambda r: int(r["where"].split(":")[1])):
            out.append(
                f"{_quote(row['id'])} = {{ area = {_quote(area)}, where = {_quote(row['where'])}, "
                f"change = {_quote(row['description'])}, past = {_quote(row['stage'])} }}"
            )
    note = "# Killed only after the logic stage (fast, node, browser): the sample stops at logic."
    out += ["", note,
            "[templates-slow]"]  # fmt: skip
    for row in sorted(slow_kills, key=lambda r: r["id"]):
        where, by = _quote(row["where"]), _quote(row["detail"])
        out.append(f"{_quote(row['id'])} = {{ where = {where}, by = {by} }}")
    out += ["", "[python]"]
    python_equivalent = equivalents("python")
    modules: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(python_side.results().items()):
        if status == "survived" and name not in python_equivalent:
            modules[name.rsplit(".", 1)[0]].append(name)
    for module in sorted(modules):
        out.append(f"# -- {module} --")
        for name in modules[module]:
            function = (
                name.rsplit(".", 1)[1].split("__mutmut_")[0].removeprefix("x_").replace("ǁ", ".")
            )
            out.append(
                f"{_quote(name)} = {{ area = {_quote(module + '.' + function.strip('.'))} }}"
            )
    SURVIVORS.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {SURVIVORS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
