"""`--help` laid out whole in the terminal it is read in, 80 columns included.

typer prints a command's options as a rich table without set widths: one column each for the
long names, the short names, the negative long names (`--no-types`), the negative short names,
the value (metavar) and the help. When the table is wider than the terminal, rich narrows the
widest wrappable columns *to the same width* (`Table._collapse_widths`): the help column stops
shrinking only when it is level with the name columns. At 80 columns the negative names of the
on/off options (`--no-manual-reconnect`, 21 characters) held a column of their own, so the help
was left 19 columns and rich cut what did not fit in them with "…" (`--heartbeat-messag…`).

Here an on/off option shows its two flags stacked in the one name column, the way manual pages
list `--types` and `--no-types`; the negative column is then empty, takes no width, and the help
column gets the rest of the line. Only the help's view of the command changes: parsing reads the
command itself, untouched.
"""

import copy
from typing import Any

from typer.core import TyperCommand


def _stacked(param: Any) -> Any:
    """`param` as the help shows it: an on/off option's flags on two lines of one cell."""
    negatives = getattr(param, "secondary_opts", None)
    if not negatives:
        return param
    shown = copy.copy(param)
    shown.opts = ["\n".join([*param.opts, *negatives])]
    shown.secondary_opts = []
    return shown


class WholeHelpCommand(TyperCommand):
    """A typer command whose `--help` keeps the help column wide (see the module's text)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        shown = copy.copy(self)
        shown.params = [_stacked(param) for param in self.params]
        TyperCommand.format_help(shown, ctx, formatter)
