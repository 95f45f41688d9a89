"""Tokens of a Jinja template of JavaScript, with their offsets in the template's text.

Jinja comes first, as Jinja reads the file: `{{ ... }}`, `{% ... %}` and `{# ... #}` (and a
`{% raw %}` block's text) are cut out wherever they stand, inside a JavaScript string or comment
too. What is left is JavaScript, read as a JavaScript engine reads it: comments, strings,
template literals (with their `${...}` substitutions read as code), regular expression literals
(told from a division by the token before), numbers, names, `#private` names and punctuators.

Only syntax is known here, never a particular template's text, so a rewrite of the template
keeps its mutants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

JINJA_OPEN = re.compile(r"\{\{|\{%|\{#")
JINJA_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}
BLOCK_NAME = re.compile(r"\{%-?\+?\s*(\w+)")

# Longest first, so that `>>>=` is read before `>>` and `?.` before `?`.
PUNCTUATORS = sorted(
    """{ } ( ) [ ] ; , < > <= >= == != === !== + - * / % ** ++ -- << >> >>> & | ^ ! ~ && || ??
    ? ?. : = += -= *= /= %= **= <<= >>= >>>= &= |= ^= &&= ||= ??= => ... .""".split(),
    key=len,
    reverse=True,
)
# After one of these a `/` starts a regular expression; after anything else it divides.
KEYWORDS_BEFORE_EXPRESSION = frozenset(
    "return typeof instanceof in of new delete void throw case do else yield await".split()
)
IDENTIFIER = re.compile(r"[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*")
NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+n?|0[oO][0-7_]+n?|0[bB][01_]+n?"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?"
)


@dataclass(frozen=True)
class Token:
    """One token: `kind` is jinja (an expression), block (a `{% %}` tag, `tag` its name),
    jinja-comment, comment, name, private, number, string, template, regex or punct. `code` is
    False for a Jinja expression written inside a JavaScript string, comment or literal."""

    kind: str
    start: int
    end: int
    text: str
    tag: str = ""
    code: bool = True


class LexError(ValueError):
    pass


def _jinja_end(source: str, start: int) -> int:
    """The offset after the Jinja construct opening at `start` (strings inside it skipped)."""
    opener = source[start : start + 2]
    closer = JINJA_CLOSE[opener]
    if opener == "{#":
        end = source.find(closer, start + 2)
        if end < 0:
            raise LexError(f"unclosed Jinja comment at {start}")
        return end + 2
    position = start + 2
    while position < len(source):
        char = source[position]
        if char in "\"'":
            close = source.find(char, position + 1)
            while close > 0 and source[close - 1] == "\\":
                close = source.find(char, close + 1)
            if close < 0:
                raise LexError(f"unclosed string in Jinja at {position}")
            position = close + 1
        elif source.startswith(closer, position):
            return position + 2
        else:
            position += 1
    raise LexError(f"unclosed {opener} at {start}")


def split_jinja(source: str) -> list[tuple[str, int, int]]:
    """The template as (kind, start, end) pieces: "text", "jinja", "block", "jinja-comment".
    A `{% raw %}` block's content is text."""
    pieces: list[tuple[str, int, int]] = []
    position = 0
    while position < len(source):
        found = JINJA_OPEN.search(source, position)
        if not found:
            pieces.append(("text", position, len(source)))
            break
        if found.start() > position:
            pieces.append(("text", position, found.start()))
        end = _jinja_end(source, found.start())
        kind = {"{{": "jinja", "{%": "block", "{#": "jinja-comment"}[found.group()]
        pieces.append((kind, found.start(), end))
        position = end
        name = BLOCK_NAME.match(source, found.start())
        if kind == "block" and name and name.group(1) == "raw":
            closing = re.compile(r"\{%-?\s*endraw\s*-?%\}").search(source, end)
            if not closing:
                raise LexError(f"unclosed raw block at {found.start()}")
            pieces.append(("text", end, closing.start()))
            pieces.append(("block", closing.start(), closing.end()))
            position = closing.end()
    return pieces


class _Reader:
    """JavaScript over the text pieces, Jinja pieces skipped (they end no JavaScript token)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[Token] = []
        pieces = split_jinja(source)
        # Each offset's Jinja piece, if it starts one: the reader steps over them.
        self.jinja_at = {start: (kind, end) for kind, start, end in pieces if kind != "text"}
        self.position = 0

    # -- characters, Jinja skipped --------------------------------------------------------

    def skip_jinja(self, inside_literal: bool) -> bool:
        """At a Jinja piece: record it and step over it."""
        piece = self.jinja_at.get(self.position)
        if piece is None:
            return False
        kind, end = piece
        text = self.source[self.position : end]
        tag = ""
        if kind == "block":
            name = BLOCK_NAME.match(text)
            tag = name.group(1) if name else ""
        self.tokens.append(Token(kind, self.position, end, text, tag, code=not inside_literal))
        self.position = end
        return True

    def previous_code(self) -> Token | None:
        for token in reversed(self.tokens):
            if token.kind not in ("block", "jinja-comment", "comment") and token.code:
                return token
        return None

    def regex_allowed(self) -> bool:
        previous = self.previous_code()
        if previous is None:
            return True
        if previous.kind in ("number", "string", "template", "regex", "private", "jinja"):
            return False
        if previous.kind == "name":
            return previous.text in KEYWORDS_BEFORE_EXPRESSION
        return previous.text not in (")", "]", "}")

    # -- the reader -------------------------------------------------------------------------

    def read(self, until_brace: bool = False) -> None:
        """Tokens up to the end (or, inside `${`, up to its closing brace)."""
        depth = 0
        source = self.source
        while self.position < len(source):
            if self.skip_jinja(inside_literal=False):
                continue
            char = source[self.position]
            start = self.position
            if char.isspace():
                self.position += 1
            elif source.startswith("//", start) or source.startswith("/*", start):
                self.read_comment(start)
            elif char in "\"'":
                self.read_string(char)
            elif char == "`":
                self.read_template()
            elif char == "/" and self.regex_allowed():
                self.read_regex()
            elif char == "#" and IDENTIFIER.match(source, start + 1):
                end = IDENTIFIER.match(source, start + 1).end()  # type: ignore[union-attr]
                self.add("private", start, end)
            elif char.isdigit() or (char == "." and source[start + 1 : start + 2].isdigit()):
                match = NUMBER.match(source, start)
                assert match
                self.add("number", start, match.end())
            elif IDENTIFIER.match(source, start):
                self.add("name", start, IDENTIFIER.match(source, start).end())  # type: ignore[union-attr]
            else:
                punct = next((p for p in PUNCTUATORS if source.startswith(p, start)), None)
                if punct is None:
                    raise LexError(f"unexpected {char!r} at {self.where(start)}")
                if until_brace:
                    if punct == "{":
                        depth += 1
                    elif punct == "}":
                        if depth == 0:
                            return
                        depth -= 1
                self.add("punct", start, start + len(punct))
        if until_brace:
            raise LexError("unclosed ${ in a template literal")

    def where(self, offset: int) -> str:
        line = self.source.count("\n", 0, offset) + 1
        return f"line {line}"

    def add(self, kind: str, start: int, end: int) -> None:
        self.tokens.append(Token(kind, start, end, self.source[start:end]))
        self.position = end

    def read_comment(self, start: int) -> None:
        """A comment: Jinja inside it is still Jinja (recorded), the rest is skipped."""
        block = self.source.startswith("/*", start)
        self.position = start + 2
        while self.position < len(self.source):
            if self.skip_jinja(inside_literal=True):
                continue
            if block and self.source.startswith("*/", self.position):
                self.position += 2
                break
            if not block and self.source[self.position] == "\n":
                break
            self.position += 1
        self.insert_literal("comment", start)

    def read_string(self, quote: str) -> None:
        start = self.position
        self.position += 1
        while True:
            if self.position >= len(self.source):
                raise LexError(f"unclosed string at {self.where(start)}")
            if self.skip_jinja(inside_literal=True):
                continue
            char = self.source[self.position]
            if char == "\\":
                self.position += 2
            elif char == quote:
                self.position += 1
                break
            elif char == "\n":
                raise LexError(f"line break in a string at {self.where(start)}")
            else:
                self.position += 1
        self.insert_literal("string", start)

    def insert_literal(self, kind: str, start: int) -> None:
        """The literal's token goes before the Jinja pieces recorded inside it."""
        at = len(self.tokens)
        while at > 0 and self.tokens[at - 1].start > start:
            at -= 1
        self.tokens.insert(
            at, Token(kind, start, self.position, self.source[start : self.position])
        )

    def read_template(self) -> None:
        start = self.position
        self.position += 1
        at = len(self.tokens)
        while True:
            if self.position >= len(self.source):
                raise LexError(f"unclosed template literal at {self.where(start)}")
            if self.skip_jinja(inside_literal=True):
                continue
            char = self.source[self.position]
            if char == "\\":
                self.position += 2
            elif char == "`":
                self.position += 1
                break
            elif self.source.startswith("${", self.position):
                self.position += 2
                self.read(until_brace=True)
                self.position += 1  # the closing brace
            else:
                self.position += 1
        # The whole literal first, then what was read inside it.
        self.tokens.insert(
            at, Token("template", start, self.position, self.source[start : self.position])
        )

    def read_regex(self) -> None:
        start = self.position
        self.position += 1
        in_class = False
        while True:
            if self.position >= len(self.source) or self.source[self.position] == "\n":
                raise LexError(f"unclosed regular expression at {self.where(start)}")
            if self.skip_jinja(inside_literal=True):
                continue
            char = self.source[self.position]
            if char == "\\":
                self.position += 2
                continue
            self.position += 1
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif char == "/" and not in_class:
                break
        flags = IDENTIFIER.match(self.source, self.position)
        if flags:
            self.position = flags.end()
        self.insert_literal("regex", start)


def tokenize(source: str) -> list[Token]:
    """Every token of a Jinja template of JavaScript, in order of `start` (a template literal's
    token comes before the tokens of its substitutions)."""
    reader = _Reader(source)
    reader.read()
    return reader.tokens
