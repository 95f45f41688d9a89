"""The words of `wsgen codes` and `wsgen explain CODE`, drawn from the close-code table and the
options in effect, so that what they say is what the generated module does."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import __version__
from .codes import (
    CLOSE_CODES,
    FIRST_CODE,
    LAST_CODE,
    Action,
    CloseCode,
    format_range,
    lookup,
)
from .options import GeneratorOptions
from .parsing import format_codes
from .policy import action_for, describe

WIDTH = 88


@dataclass(frozen=True)
class OptionSet:
    """Options in effect and the outputs that use them (several targets may share one set)."""

    label: str
    options: GeneratorOptions


@dataclass(frozen=True)
class Entry:
    """One line of `wsgen codes`: a code or range, and what the module does on it."""

    first: int
    last: int
    name: str
    action: Action
    decided_by: str
    """"the table", or the flag that overrode it (--stop-on, --retry-on)."""
    row: CloseCode | None

    @property
    def label(self) -> str:
        return format_range(self.first, self.last)


def parse_code(text: str) -> int:
    """A close code as typed; ValueError names what is allowed."""
    if not re.fullmatch(r"[0-9]{1,5}", text.strip()):
        raise ValueError(f"expected a close code such as 1012, got {text!r}")
    code = int(text)
    if not FIRST_CODE <= code <= LAST_CODE:
        raise ValueError(
            f"close codes run from {FIRST_CODE} to {LAST_CODE} (RFC 6455 §7.4), got {code}"
        )
    return code


def known_codes() -> str:
    """The codes the table describes, as ranges: `1000-1015,3000,3003,3008,4000-4999`."""
    return format_codes(code for row in CLOSE_CODES for code in range(row.first, row.end + 1))


def _decided_by(options: GeneratorOptions, code: int) -> str:
    row = lookup(code)
    if code in options.stop_on:
        return "--stop-on"
    if code in options.restart_on and (row is None or row.action is not Action.RESTART):
        return "--restart-on"
    if code in options.retry_on and row is not None and row.action is Action.STOP:
        return "--retry-on"
    return "the table"


def entries(options: GeneratorOptions) -> list[Entry]:
    """Every row of the table with its action under `options`, plus the codes the options
    override that no single row names (a code inside 4000-4999, say), merged into ranges."""
    result = [
        Entry(
            row.first,
            row.end,
            row.name,
            action_for(options, row.code) if not row.is_range else row.action,
            _decided_by(options, row.code) if not row.is_range else "the table",
            row,
        )
        for row in CLOSE_CODES
    ]
    single_rows = {row.code for row in CLOSE_CODES if not row.is_range}
    overridden = sorted((options.stop_on | options.retry_on | options.restart_on) - single_rows)
    for code in overridden:
        row = lookup(code)
        if _decided_by(options, code) == "the table":
            continue  # --retry-on for a code that retries anyway changes nothing
        entry = Entry(
            code,
            code,
            row.name if row else "Unassigned",
            action_for(options, code),
            _decided_by(options, code),
            row,
        )
        previous = result[-1]
        run_goes_on = previous.last + 1 == code
        if run_goes_on and replace(previous, last=code) == replace(entry, first=previous.first):
            result[-1] = replace(previous, last=code)  # the next code of a run, such as 4403-4499
        else:
            result.append(entry)
    return sorted(result, key=lambda entry: (entry.first, -entry.last))


def codes_table(option_sets: Sequence[OptionSet]) -> str:
    """`wsgen codes` as text: a table per distinct set of options, then what each action means
    with those options' numbers."""
    blocks = []
    for option_set in option_sets:
        rows = entries(option_set.options)
        lines = [f"{option_set.label}:"] if len(option_sets) > 1 else []
        lines.append(f"{'code':<11}{'name':<28}action")
        for entry in rows:
            by = "" if entry.decided_by == "the table" else f" ({entry.decided_by})"
            lines.append(f"{entry.label:<11}{entry.name:<28}{entry.action.value}{by}")
        lines.append("")
        used = [action for action in Action if any(entry.action is action for entry in rows)]
        for action in used:
            meaning = describe(option_set.options, action).removeprefix(f"{action.value}: ")
            lines.append(f"{action.value:<13}{meaning}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def codes_json(option_sets: Sequence[OptionSet]) -> dict[str, Any]:
    """`wsgen codes --json`: the same facts, one object per set of options."""
    return {
        "wsgen": __version__,
        "targets": [
            {
                "out": option_set.label,
                "options": option_set.options.to_flags(),
                "codes": [
                    {
                        "code": entry.first,
                        "last": entry.last,
                        "name": entry.name,
                        "action": entry.action.value,
                        "does": describe(option_set.options, entry.action),
                        "decided_by": entry.decided_by,
                        "description": entry.row.description if entry.row else None,
                        "when": entry.row.when if entry.row else None,
                        "fix": entry.row.fix if entry.row else None,
                        "why": entry.row.why if entry.row else None,
                    }
                    for entry in entries(option_set.options)
                ],
            }
            for option_set in option_sets
        ],
    }


def _kind(row: CloseCode) -> str:
    """Which part of the code space the row belongs to (RFC 6455 §7.4.2)."""
    if row.first >= 4000:
        return "A private-use close code: each application defines its own (RFC 6455 §7.4.2)"
    if row.first >= 3000:
        return "A close code registered with IANA for libraries and frameworks (RFC 6455 §7.4.2)"
    return "A close code of the WebSocket protocol itself (RFC 6455 §7.4.1, IANA registry)"


def explain(code: int, option_sets: Sequence[OptionSet]) -> str:
    """`wsgen explain CODE`: name, meaning, when it appears, how to fix it, and what the module
    generated with each set of options does. ValueError for a code the table does not know."""
    row = lookup(code)
    if row is None:
        unknown = describe(option_sets[0].options, action_for(option_sets[0].options, code))
        raise ValueError(
            f"{code} is not in wsgen's close-code table (it knows {known_codes()}); "
            f"the generated module treats unknown codes as: {unknown}"
        )
    title = f"{code} {row.name}"
    if row.is_range:
        title += f" (one of {row.label})"
    sections = [
        ("What it is", _kind(row)),
        ("What it means", row.description),
        ("When it appears", row.when),
        ("How to fix it", row.fix),
    ]
    lines = [title, ""]
    for heading, body in sections:
        lines.append(f"{heading}:")
        lines.extend(_wrapped(body))
    lines.append("What the generated module does:")
    for option_set in option_sets:
        action = action_for(option_set.options, code)
        decided_by = _decided_by(option_set.options, code)
        why = f"Why: {row.why}" if decided_by == "the table" else f"Set by {decided_by}"
        where = f"{option_set.label}: " if len(option_sets) > 1 else ""
        lines.extend(_wrapped(f"{where}{describe(option_set.options, action)}. {why}."))
    return "\n".join(lines) + "\n"


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="  ")
