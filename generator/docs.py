"""Markdown drawn from the code: the close-code and flag tables from `codes.py` and the option
specs, the benchmark tables from bench/RESULTS.md. Each docs/ file marks where a table goes with
`<!-- wsgen:NAME -->` ... `<!-- /wsgen:NAME -->`; `python -m generator.docs` redraws them all,
and tests/unit/test_docs.py fails when one drifted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .codes import CLOSE_CODES
from .exit_codes import table_markdown as exit_codes_markdown
from .options import OPTION_SPECS, GeneratorOptions
from .policy import describe_action


def policy_table_markdown(options: GeneratorOptions | None = None) -> str:
    """One row per code of the table: what it means and what the module does by default."""
    options = options or GeneratorOptions()
    lines = [
        "| code | name | meaning | default action | why |",
        "|---|---|---|---|---|",
    ]
    for row in CLOSE_CODES:
        lines.append(
            f"| {row.label} | {row.name} | {row.description} | "
            f"{describe_action(options, row.code)} | {row.why} |"
        )
    return "\n".join(lines) + "\n"


def flags_table_markdown() -> str:
    """The flag reference: every option with its default, drawn from the option specs."""
    defaults = GeneratorOptions().to_flags()
    lines = ["| flag | default | what it sets |", "|---|---|---|"]
    for spec in OPTION_SPECS:
        default = defaults[spec.flag]
        if isinstance(default, bool):
            shown = "on" if default else "off"
        else:
            shown = f"`{default}`" if default != "" else "none"
        switch = isinstance(default, bool)
        usage = f"--{spec.flag}/--no-{spec.flag}" if switch else f"--{spec.flag} {spec.metavar}"
        lines.append(f"| `{usage}` | {shown} | {spec.help} |")
    return "\n".join(lines) + "\n"


# The codes a client sees when a server shuts down, as docs/servers.md measures them: 1012 from
# uvicorn, 1011 from hypercorn, 1001 from websockets, no close frame (1006) from aiohttp and ws.
SHUTDOWN_CODES = (1012, 1001, 1011, 1006)


def shutdown_codes_markdown() -> str:
    """What the module does, with the default options, on each code a server's shutdown gives."""
    options = GeneratorOptions()
    rows = {row.code: row for row in CLOSE_CODES}
    return "".join(
        f"- **{code} {rows[code].name}**: {describe_action(options, code)}.\n"
        for code in SHUTDOWN_CODES
    )


ROOT = Path(__file__).parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def bench_section(heading: str) -> Callable[[], str]:
    """Draws the section of bench/RESULTS.md under `## {heading}`, as the last run wrote it."""

    def draw() -> str:
        text = RESULTS.read_text(encoding="utf-8")
        _, found, rest = text.partition(f"\n## {heading}\n")
        if not found:
            raise ValueError(f"{RESULTS} has no '## {heading}' section")
        body = rest.split("\n## ", 1)[0].strip("\n") + "\n"
        # Its relative links point into bench/; the docs live one folder over.
        return re.sub(r"\]\((?!https?:|#|/)([^)]+)\)", r"](../bench/\1)", body)

    return draw


SECTIONS: dict[str, Callable[[], str]] = {
    "codes": policy_table_markdown,
    "flags": flags_table_markdown,
    "shutdown-codes": shutdown_codes_markdown,
    "exit-codes": exit_codes_markdown,
    "bench-targets": bench_section("Targets"),
    "bench-size": bench_section("Size"),
    "bench-throughput": bench_section("Throughput"),
    "bench-storm": bench_section("Restart storm (simulated)"),
    "bench-restart": bench_section("Real server restarts"),
    "bench-share-tabs": bench_section("Tabs of one browser (--share-tabs)"),
    "bench-hidden-holder": bench_section("A hidden tab holding the shared connection (Chromium)"),
}

# Which generated sections each documentation file holds, relative to the repository root.
DOCS = {
    "docs/options.md": ("flags",),
    "docs/cli.md": ("exit-codes",),
    "docs/close-codes.md": ("codes",),
    "docs/servers.md": ("shutdown-codes",),
    "docs/benchmarks.md": (
        "bench-targets",
        "bench-size",
        "bench-throughput",
        "bench-storm",
        "bench-restart",
    ),
    "docs/share-tabs.md": ("bench-share-tabs", "bench-hidden-holder"),
}


def refresh(text: str, names: Iterable[str]) -> str:
    """`text` with every `<!-- wsgen:NAME -->` ... `<!-- /wsgen:NAME -->` section re-drawn."""
    for name in names:
        start, end = f"<!-- wsgen:{name} -->\n", f"<!-- /wsgen:{name} -->"
        before, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"no {start.strip()} section")
        _, found_end, after = rest.partition(end)
        if not found_end:
            raise ValueError(f"the {name} section has no {end}")
        text = f"{before}{start}{SECTIONS[name]()}{end}{after}"
    return text


if __name__ == "__main__":
    for relative, names in DOCS.items():
        path = ROOT / relative
        path.write_text(refresh(path.read_text(encoding="utf-8"), names), encoding="utf-8")
        print(f"refreshed {relative}")
