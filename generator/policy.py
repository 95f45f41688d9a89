"""What the generated module does on each close code, given the table and the user's options."""

from __future__ import annotations

from dataclasses import dataclass

from generator.codes import CLOSE_CODES, Action, lookup
from generator.options import GeneratorOptions


@dataclass(frozen=True)
class PolicyRow:
    """Codes `first`..`last` take `action`; `why` becomes the comment beside it in the JS."""

    first: int
    last: int
    action: Action
    why: str


def action_for(options: GeneratorOptions, code: int) -> Action:
    """--stop-on wins; --retry-on turns a stopping code into a retry, and leaves codes that
    already reconnect (1012's restart window, 1013's later retry) with their own timing."""
    row = lookup(code)
    table_action = row.action if row else Action.RETRY
    if code in options.stop_on:
        return Action.STOP
    if code in options.retry_on and table_action is Action.STOP:
        return Action.RETRY
    return table_action


def policy_rows(options: GeneratorOptions) -> list[PolicyRow]:
    """The rows the module embeds, in lookup order: the first row covering a code decides.

    The user's overrides come first so that they win over the table rows after them."""
    rows: list[PolicyRow] = []
    for code in sorted(options.stop_on | options.retry_on):
        why = "--stop-on" if code in options.stop_on else "--retry-on"
        action = action_for(options, code)
        previous = rows[-1] if rows else None
        if previous and (previous.last, previous.action, previous.why) == (code - 1, action, why):
            rows[-1] = PolicyRow(previous.first, code, action, why)
        else:
            rows.append(PolicyRow(code, code, action, why))
    rows.extend(
        PolicyRow(row.first, row.end, row.action, f"{row.name}: {row.why}") for row in CLOSE_CODES
    )
    return rows


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
