"""Every `--help` whole in a terminal 80 columns wide, and in a narrower one: no line wider than
the terminal, nothing cut with "…", every flag and every word of its help shown, and the option
descriptions left room to be read (at 80 columns rich once squeezed them into 19)."""

from __future__ import annotations

import re
import sys

import pytest
import typer.main
import typer.rich_utils
from rich.cells import cell_len

from generator import cli

COMMANDS = [[], ["generate"], ["update"], ["codes"], ["explain"], ["demo"]]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Columns an option's description gets at least, from its first word to the panel's border.
ROOM = {80: 35, 70: 25}


def _help(
    command: list[str], width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> str:
    """`COLUMNS=width wsgen COMMAND --help` through the console script's main()."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", None)  # TERMINAL_WIDTH in the env
    monkeypatch.setattr(sys, "argv", ["wsgen", *command, "--help"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 0
    return ANSI.sub("", capsys.readouterr().out)


def _words(text: str) -> set[str]:
    return set(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _options(command: list[str]) -> list[object]:
    group = typer.main.get_command(cli.app)
    if not command:
        return [param for param in group.params if getattr(param, "help", None)]
    return [param for param in group.commands[command[0]].params if getattr(param, "help", None)]


@pytest.mark.parametrize("width", sorted(ROOM, reverse=True))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "wsgen")
def test_help_is_whole_at_the_terminal_width(
    command: list[str],
    width: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    shown = _help(command, width, monkeypatch, capsys)
    lines = shown.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, too_wide
    assert "…" not in shown, [line for line in lines if "…" in line]

    words = _words(shown)
    for param in _options(command):
        flags = [*param.opts, *getattr(param, "secondary_opts", [])]  # type: ignore[attr-defined]
        for flag in flags:
            if flag.startswith("--"):
                assert flag in words, f"{flag} is not shown whole"
        missing = [
            word
            for word in param.help.split()  # type: ignore[attr-defined]
            if word.strip("`*") not in words
        ]
        assert not missing, f"{flags[0]}: {missing} cut or missing"

        # Room for the description: its first line starts early enough on the flag's own line.
        label = flags[0] if flags[0].startswith("-") else param.metavar  # type: ignore[attr-defined]
        [row] = [line for line in lines if re.match(rf"│ (\*\s+)?{re.escape(label)}\s", line)]
        first_word = param.help.split()[0]  # type: ignore[attr-defined]
        start = row.index(first_word, row.index(label) + len(label))
        assert width - 2 - start >= ROOM[width], f"{label}: {width - 2 - start} columns"
