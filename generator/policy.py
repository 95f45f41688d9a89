"""What the generated module does on each close code, given the table and the user's options."""

from __future__ import annotations

from typing import NamedTuple

from .codes import CLOSE_CODES, Action, format_range, lookup, merge_ranges
from .options import GeneratorOptions


class PolicyRow(NamedTuple):
    """Codes `first`..`last` take `action`."""

    first: int
    last: int
    action: Action


class PolicyLine(NamedTuple):
    """One line of the module's CLOSE_POLICY block: a row, or a comment saying why."""

    row: PolicyRow | None = None
    comment: str = ""


def action_for(options: GeneratorOptions, code: int) -> Action:
    """--stop-on wins; --restart-on gives a code the restart window; --retry-on turns a
    stopping code into a retry, and leaves codes that already reconnect (1012's restart window,
    1013's later retry) with their own timing."""
    row = lookup(code)
    table_action = row.action if row else Action.RETRY
    if code in options.stop_on:
        return Action.STOP
    if code in options.restart_on:
        return Action.RESTART
    if code in options.retry_on and table_action is Action.STOP:
        return Action.RETRY
    return table_action


def policy_rows(options: GeneratorOptions) -> list[PolicyRow]:
    """The codes that do not retry, merged into ranges; a code no row covers retries.

    Rows never overlap, so their order does not matter to a lookup, and the common case (retry)
    costs the module no bytes."""
    candidates = (
        options.stop_on
        | options.restart_on
        | {
            code
            for row in CLOSE_CODES
            if row.action is not Action.RETRY
            for code in range(row.first, row.end + 1)
        }
    )
    rows: list[PolicyRow] = []
    for code in sorted(candidates):
        action = action_for(options, code)
        if action is Action.RETRY:
            continue
        previous = rows[-1] if rows else None
        if previous and (previous.last, previous.action) == (code - 1, action):
            rows[-1] = PolicyRow(previous.first, code, action)
        else:
            rows.append(PolicyRow(code, code, action))
    return rows


def policy_lines(options: GeneratorOptions) -> list[PolicyLine]:
    """The rows, each after comments on the decisions it carries: one per table code, one per
    --stop-on/--retry-on range. Retried codes get a comment too, though they need no row."""
    notes: list[tuple[int, PolicyLine]] = [
        (row.first, PolicyLine(comment=f"{row.label} {row.name}, {row.action}: {row.why}"))
        for row in CLOSE_CODES
    ]
    overrides = (
        ("stop-on", options.stop_on),
        ("retry-on", options.retry_on),
        ("restart-on", options.restart_on),
    )
    for flag, codes in overrides:
        notes.extend(
            (first, PolicyLine(comment=f"{format_range(first, last)} overridden by --{flag}"))
            for first, last in merge_ranges(codes)
        )
    rows = [(row.last, PolicyLine(row=row)) for row in policy_rows(options)]
    # Every comment on a code a row covers comes before that row.
    ordered = sorted(notes + rows, key=lambda item: (item[0], item[1].row is not None))
    return [line for _, line in ordered]


def describe_action(options: GeneratorOptions, code: int) -> str:
    """What the module does on `code`, in words with the configured numbers."""
    return describe(options, action_for(options, code))


def describe(options: GeneratorOptions, action: Action) -> str:
    """What `action` means with the configured numbers."""
    low, high = (_seconds(milliseconds, decimals=1) for milliseconds in options.restart_delay)
    if action is Action.STOP:
        return "stop: fire close and never reconnect"
    if action is Action.RESTART:
        return f"reconnect after a random {low}-{high} s"
    backoff = (
        f"retry with backoff (a random delay below {_seconds(options.backoff_initial)} s, "
        f"the ceiling growing x{options.backoff_factor:g} per attempt up to "
        f"{_seconds(options.backoff_max)} s)"
    )
    if action is Action.RETRY_LATER:
        return f"{backoff}, never sooner than {high} s"
    return backoff


def _seconds(milliseconds: int, decimals: int = 0) -> str:
    """Exact seconds with at least `decimals` places: 250 -> "0.25", 5000 -> "5.0" or "5"."""
    whole, fraction = f"{milliseconds / 1000:.3f}".split(".")
    fraction = fraction.rstrip("0").ljust(decimals, "0")
    return f"{whole}.{fraction}" if fraction else whole
