"""Markdown drawn from the close-code table, for the README (kept in sync by a test)."""

from __future__ import annotations

from pathlib import Path

from generator.codes import CLOSE_CODES
from generator.options import OPTION_SPECS, GeneratorOptions
from generator.policy import describe_action


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


README_SECTIONS = {"codes": policy_table_markdown, "flags": flags_table_markdown}


def refresh_readme(text: str) -> str:
    """`text` with every `<!-- wsgen:NAME -->` ... `<!-- /wsgen:NAME -->` section re-drawn."""
    for name, draw in README_SECTIONS.items():
        start, end = f"<!-- wsgen:{name} -->\n", f"<!-- /wsgen:{name} -->"
        before, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"README has no {start.strip()} section")
        _, found_end, after = rest.partition(end)
        if not found_end:
            raise ValueError(f"README's {name} section has no {end}")
        text = f"{before}{start}{draw()}{end}{after}"
    return text


if __name__ == "__main__":
    readme = Path(__file__).parent.parent / "README.md"
    readme.write_text(refresh_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"refreshed {readme}")
