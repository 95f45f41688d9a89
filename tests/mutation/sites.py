"""The template mutants: every operator, literal and statement of the module's JavaScript.

How a site is found, knowing only JavaScript's and Jinja's syntax:

1. Each template holding the module's JavaScript (`*.js.j2`) is read by `lexer.tokenize`, and a
   marker naming the token is put before every JavaScript token and around every Jinja
   expression written as code.
2. Every golden case is rendered from the marked templates (the generator's own environment,
   another loader), the markers are taken out of each JavaScript file again, and where they
   stood says which template token each character of the output came from.
3. acorn parses each output; each node a mutator applies to is mapped back to the template
   text it came from. A node whose start or end falls inside a Jinja expression's output (a
   value chosen by a flag) is not the template's own JavaScript and is left alone.

So a mutant is an edit of the template's text (offsets, replacement), never of an output.
Its id names the operator, the template line's text and its occurrence there (not the line
number), so an unrelated edit elsewhere keeps every other id.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import DictLoader

from .lexer import Token, tokenize

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# The templates whose text is the module's JavaScript; the other .j2 files hold TypeScript
# types (no runtime code), Jinja macros and the header comment.
MUTATED = "reconnecting-socket/*.js.j2"
AST_SCRIPT = Path(__file__).with_name("ast.mjs")

START, CLOSE, END = "\ue000", "\ue001", "\ue002"
MARK = re.compile(f"([{START}{END}])(\\d+){CLOSE}")
CODE_KINDS = frozenset("name private number string template regex punct".split())
BLOCK_OPENERS = frozenset("if for filter macro call block with set raw trans".split())
STRYKER_WAS_HERE = "Stryker was here!"


@dataclass(frozen=True)
class Mutant:
    """One edit of one template: `text[start:end]` becomes `replacement`."""

    id: str
    operator: str
    template: str  # the loader name, such as "reconnecting-socket/body.js.j2"
    start: int
    end: int
    original: str
    replacement: str
    line: int  # for people reading a report; the id does not depend on it

    def apply(self, source: str) -> str:
        assert source[self.start : self.end] == self.original, self.id
        return source[: self.start] + self.replacement + source[self.end :]

    @property
    def description(self) -> str:
        def short(text: str) -> str:
            text = " ".join(text.split())
            return text if len(text) <= 60 else text[:28] + " ... " + text[-27:]

        return f"{short(self.original)!r} -> {short(self.replacement)!r}"

    @property
    def where(self) -> str:
        return f"{self.template.split('/')[-1]}:{self.line}"


def template_sources(root: Path = ROOT) -> dict[str, str]:
    """Every template's text by its loader name."""
    folder = root / "templates"
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.j2"))
    }


def mutated_names(sources: dict[str, str]) -> list[str]:
    return sorted(name for name in sources if Path(name).match(MUTATED))


@contextlib.contextmanager
def rendering(sources: dict[str, str]) -> Iterator[dict[str, str]]:
    """While inside, the generator renders from `sources` (a dict: change an entry and the
    next render reads it). Not thread-safe: it swaps the generator's environment."""
    from generator import render

    base = render.environment()
    overlay = base.overlay(loader=DictLoader(sources), bytecode_cache=None, cache_size=100)
    original = render.environment
    render.environment = lambda: overlay  # type: ignore[assignment]
    try:
        yield sources
    finally:
        render.environment = original  # type: ignore[assignment]


def render_profiles() -> dict[str, str]:
    """Every file of every golden case, by "case/file name", as the current environment
    renders it."""
    from generator.options import build_options
    from tests.golden.cases import GOLDEN_CASES, case_outputs

    files = {}
    for case, flags in GOLDEN_CASES.items():
        options = build_options(flags)
        for output in case_outputs(case):
            files[f"{case}/{output.path.name}"] = output.render(options)
    return files


# -- markers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    template: str
    token: Token


def _marked(name: str, source: str, anchors: list[Anchor]) -> str:
    """`source` with a start marker before each code token and Jinja expression, and an end
    marker after each such expression. Whitespace control (`{{-`, `-}}`) keeps working: a
    marker goes outside the whitespace it strips."""
    inserts: list[tuple[int, str]] = []
    for token in tokenize(source):
        if not token.code or (token.kind not in CODE_KINDS and token.kind != "jinja"):
            continue
        anchors.append(Anchor(name, token))
        index = len(anchors) - 1
        start, end = token.start, token.end
        if token.kind == "jinja":
            if token.text.startswith("{{-"):
                while start > 0 and source[start - 1].isspace():
                    start -= 1
            if token.text.endswith("-}}"):
                while end < len(source) and source[end].isspace():
                    end += 1
            inserts.append((end, f"{END}{index}{CLOSE}"))
        inserts.append((start, f"{START}{index}{CLOSE}"))
    text = source
    for offset, mark in sorted(inserts, key=lambda item: item[0], reverse=True):
        text = text[:offset] + mark + text[offset:]
    return text


@dataclass
class OutputMap:
    """Where one rendered file's characters came from."""

    text: str
    raw_at: dict[int, Anchor]  # output offset -> the template token copied there verbatim
    raw_end: dict[int, Anchor]  # output offset just after such a token -> the token
    jinja_at: dict[int, Anchor]  # output offset where a Jinja expression's output starts
    jinja_end: dict[int, Anchor]  # ... and where it ends (non-empty outputs only)
    positions: list[int]  # sorted keys of raw_at

    def token_in(self, start: int, end: int, text: str) -> int | None:
        """Where the template token `text` was copied into the output between `start` and
        `end`, if it was."""
        index = bisect.bisect_left(self.positions, start)
        while index < len(self.positions) and self.positions[index] < end:
            offset = self.positions[index]
            if self.raw_at[offset].token.text == text:
                return offset
            index += 1
        return None

    def span(self, start: int, end: int) -> tuple[str, int, int] | None:
        """The template text (name, start, end) that output[start:end] came from, when both
        ends are template text or whole Jinja expressions of one template."""
        first = self.raw_at.get(start) or self.jinja_at.get(start)
        last = self.raw_end.get(end) or self.jinja_end.get(end)
        if first is None or last is None or first.template != last.template:
            return None
        if first is last and first.token.kind == "jinja":  # a value the flags chose
            return None
        if first.token.start >= last.token.end:
            return None
        return first.template, first.token.start, last.token.end


def _unmark(marked: str, anchors: list[Anchor]) -> OutputMap:
    pieces: list[str] = []
    length = 0
    raw_at: dict[int, Anchor] = {}
    jinja_at: dict[int, Anchor] = {}
    jinja_start: dict[int, int] = {}
    jinja_end: dict[int, Anchor] = {}
    position = 0
    for found in MARK.finditer(marked):
        pieces.append(marked[position : found.start()])
        length += found.start() - position
        position = found.end()
        anchor = anchors[int(found.group(2))]
        if found.group(1) == START:
            if anchor.token.kind == "jinja":
                jinja_at[length] = anchor
                jinja_start[int(found.group(2))] = length
            else:
                raw_at[length] = anchor
        elif jinja_start.get(int(found.group(2)), length) < length:
            jinja_end[length] = anchor
    pieces.append(marked[position:])
    text = "".join(pieces)
    # A token counts as copied only where its text is there verbatim (a literal with a Jinja
    # expression inside is not).
    raw_at = {
        offset: anchor
        for offset, anchor in raw_at.items()
        if text.startswith(anchor.token.text, offset)
    }
    raw_end = {offset + len(anchor.token.text): anchor for offset, anchor in raw_at.items()}
    jinja_at = {
        offset: anchor for offset, anchor in jinja_at.items() if anchor in jinja_end.values()
    }
    return OutputMap(text, raw_at, raw_end, jinja_at, jinja_end, sorted(raw_at))


def _parse(texts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """acorn's tree of each (file name, text)."""
    with tempfile.TemporaryDirectory(prefix="wsgen-sites-") as folder:
        paths = []
        for index, (name, text) in enumerate(texts):
            path = Path(folder) / f"{index}-{name}"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        result = subprocess.run(
            ["node", str(AST_SCRIPT), *paths], capture_output=True, text=True, timeout=300
        )
    if result.returncode != 0:
        raise RuntimeError(f"acorn could not parse a rendered file:\n{result.stderr}")
    trees: list[dict[str, Any]] = json.loads(result.stdout)
    return trees


# -- the mutators ------------------------------------------------------------------------------

ARITHMETIC = {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "**": "*"}
EQUALITY = {
    "<": ("<=", ">="),
    "<=": ("<", ">"),
    ">": (">=", "<="),
    ">=": (">", "<"),
    "==": ("!=",),
    "!=": ("==",),
    "===": ("!==",),
    "!==": ("===",),
}
LOGICAL = {"&&": "||", "||": "&&", "??": "&&"}
ASSIGNMENT = {
    "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "%=": "*=", "<<=": ">>=", ">>=": "<<=",
    "&=": "|=", "|=": "&=", "&&=": "||=", "||=": "&&=", "??=": "&&=",
}  # fmt: skip
METHOD_SWAPS = {
    "endsWith": "startsWith", "startsWith": "endsWith", "every": "some", "some": "every",
    "toLowerCase": "toUpperCase", "toUpperCase": "toLowerCase", "trimEnd": "trimStart",
    "trimStart": "trimEnd", "toLocaleLowerCase": "toLocaleUpperCase",
    "toLocaleUpperCase": "toLocaleLowerCase", "min": "max", "max": "min",
}  # fmt: skip
METHOD_REMOVALS = frozenset("charAt filter reverse slice sort substr substring trim at".split())
DELETABLE = frozenset(
    "ExpressionStatement ReturnStatement ThrowStatement IfStatement ForStatement"
    " ForOfStatement ForInStatement WhileStatement DoWhileStatement BreakStatement"
    " ContinueStatement".split()
)
LOOPS = frozenset("WhileStatement DoWhileStatement ForStatement".split())


@dataclass(frozen=True)
class Edit:
    operator: str
    start: int  # output offsets
    end: int
    replacement: str


def _children(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, value in node.items():
        if isinstance(value, dict) and "type" in value:
            yield key, value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "type" in item:
                    yield key, item


def _is_string(node: dict[str, Any]) -> bool:
    return node["type"] == "TemplateLiteral" or (
        node["type"] == "Literal" and isinstance(node.get("value"), str)
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def regex_variants(pattern: str) -> list[str]:
    """Weapon-regex's mutations (StrykerJS's Regex mutator) of a pattern: each anchor removed,
    each character class negated or un-negated, each predefined class negated, each
    quantifier removed, each lookaround negated."""
    variants: list[str] = []
    position = 0
    in_class = -1
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            escaped = pattern[position + 1]
            if escaped in "dDsSwW":
                swapped = pattern[:position] + "\\" + escaped.swapcase()
                variants.append(swapped + pattern[position + 2 :])
            position += 2
            continue
        if in_class >= 0:
            if char == "]":
                inner = pattern[in_class + 1 : position]
                negated = inner[1:] if inner.startswith("^") else "^" + inner
                variants.append(pattern[: in_class + 1] + negated + pattern[position:])
                in_class = -1
            position += 1
            continue
        if char == "[":
            in_class = position
        elif char in "^$":
            variants.append(pattern[:position] + pattern[position + 1 :])
        elif char == "(":
            for look, opposite in (
                ("(?=", "(?!"),
                ("(?!", "(?="),
                ("(?<=", "(?<!"),
                ("(?<!", "(?<="),
            ):
                if pattern.startswith(look, position):
                    rest = pattern[position + len(look) :]
                    variants.append(pattern[:position] + opposite + rest)
                    break
            if pattern.startswith("(?", position):
                position += 2
                continue
        elif char in "*+?" or (char == "{" and re.match(r"\{\d+(,\d*)?\}", pattern[position:])):
            end = position + 1 if char != "{" else pattern.index("}", position) + 1
            if end < len(pattern) and pattern[end] == "?":
                end += 1
            variants.append(pattern[:position] + pattern[end:])
        position += 1
    return variants


def _edits(tree: dict[str, Any], out: OutputMap) -> Iterator[Edit]:
    """The mutations of one parsed output, in output offsets."""
    text = out.text

    def token_edit(
        operator: str, start: int, end: int, token: str, replacement: str
    ) -> Iterator[Edit]:
        offset = out.token_in(start, end, token)
        if offset is not None:
            yield Edit(operator, offset, offset + len(token), replacement)

    def walk(node: dict[str, Any], parent: dict[str, Any] | None, key: str) -> Iterator[Edit]:
        kind = node["type"]
        start, end = node["start"], node["end"]
        is_test = key == "test" and parent is not None

        if kind == "BinaryExpression":
            left, right, op = node["left"], node["right"], node["operator"]
            if op in ARITHMETIC and not (op == "+" and (_is_string(left) or _is_string(right))):
                yield from token_edit(
                    "ArithmeticOperator", left["end"], right["start"], op, ARITHMETIC[op]
                )
            for other in EQUALITY.get(op, ()):
                yield from token_edit("EqualityOperator", left["end"], right["start"], op, other)
            if op in EQUALITY and not is_test:
                yield Edit("ConditionalExpression", start, end, "true")
                yield Edit("ConditionalExpression", start, end, "false")
        elif kind == "LogicalExpression":
            left, right, op = node["left"], node["right"], node["operator"]
            yield from token_edit("LogicalOperator", left["end"], right["start"], op, LOGICAL[op])
            if op != "??" and not is_test:
                yield Edit("ConditionalExpression", start, end, "true")
                yield Edit("ConditionalExpression", start, end, "false")
        elif kind == "AssignmentExpression":
            op = node["operator"]
            if op in ASSIGNMENT and not (op == "+=" and _is_string(node["right"])):
                yield from token_edit(
                    "AssignmentOperator",
                    node["left"]["end"],
                    node["right"]["start"],
                    op,
                    ASSIGNMENT[op],
                )
        elif kind == "UnaryExpression":
            op = node["operator"]
            replacement = {"!": "", "+": "-", "-": "+", "~": ""}.get(op)
            if replacement is not None:
                mutator = "BooleanLiteral" if op == "!" else "UnaryOperator"
                yield from token_edit(mutator, start, node["argument"]["start"], op, replacement)
        elif kind == "UpdateExpression":
            op = node["operator"]
            yield from token_edit("UpdateOperator", start, end, op, "--" if op == "++" else "++")
        elif kind == "Literal":
            value = node.get("value")
            if node.get("regex"):
                pattern, flags = node["regex"]["pattern"], node["regex"]["flags"]
                for variant in regex_variants(pattern):
                    yield Edit("Regex", start, end, f"/{variant}/{flags}")
            elif isinstance(value, bool):
                yield Edit("BooleanLiteral", start, end, "false" if value else "true")
            elif isinstance(value, str) and not _skip_string(node, parent, key):
                quote = text[start]
                yield Edit(
                    "StringLiteral",
                    start,
                    end,
                    quote * 2 if value else f"{quote}{STRYKER_WAS_HERE}{quote}",
                )
            elif (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and "bigint" not in node
            ):
                if value == 0:
                    yield Edit("NumericLiteral", start, end, "1")
                else:
                    yield Edit("NumericLiteral", start, end, "0")
                    yield Edit("NumericLiteral", start, end, _number(value + 1))
        elif kind == "TemplateLiteral":
            empty = not node["expressions"] and not node["quasis"][0]["value"]["raw"]
            yield Edit("StringLiteral", start, end, f"`{STRYKER_WAS_HERE}`" if empty else "``")
        elif kind == "ArrayExpression":
            yield Edit(
                "ArrayDeclaration",
                start,
                end,
                "[]" if node["elements"] else f'["{STRYKER_WAS_HERE}"]',
            )
        elif kind == "ObjectExpression" and node["properties"]:
            yield Edit("ObjectLiteral", start, end, "{}")
        elif kind == "CallExpression":
            callee = node["callee"]
            if callee["type"] == "MemberExpression" and not callee["computed"]:
                name = callee["property"].get("name", "")
                if name in METHOD_SWAPS:
                    yield from token_edit(
                        "MethodExpression",
                        callee["property"]["start"],
                        callee["property"]["end"],
                        name,
                        METHOD_SWAPS[name],
                    )
                elif name in METHOD_REMOVALS:
                    yield Edit("MethodExpression", callee["object"]["end"], end, "")
            if node.get("optional"):
                yield from token_edit("OptionalChaining", callee["end"], end, "?.", "")
        elif kind == "MemberExpression" and node.get("optional"):
            yield from token_edit(
                "OptionalChaining",
                node["object"]["end"],
                node["property"]["start"],
                "?.",
                "" if node["computed"] else ".",
            )
        elif kind == "BlockStatement" and node["body"] and not _calls_super(node, parent):
            yield Edit("BlockStatement", node["body"][0]["start"], node["body"][-1]["end"], "")

        if is_test and parent is not None:
            if parent["type"] in ("IfStatement", "ConditionalExpression"):
                yield Edit("ConditionalExpression", start, end, "true")
                yield Edit("ConditionalExpression", start, end, "false")
            elif parent["type"] in LOOPS:
                yield Edit("ConditionalExpression", start, end, "false")

        if kind in DELETABLE and not node.get("directive"):
            siblings = parent.get(key) if parent is not None else None
            if isinstance(siblings, list):
                if len(siblings) > 1 or (parent is not None and parent["type"] == "Program"):
                    yield Edit("StatementDeletion", start, end, "")
            elif parent is not None and parent["type"] in (
                "IfStatement",
                *LOOPS,
                "ForOfStatement",
                "ForInStatement",
            ):
                yield Edit("StatementDeletion", start, end, "{}")

        for child_key, child in _children(node):
            yield from walk(child, node, child_key)

    yield from walk(tree, None, "")


def _skip_string(node: dict[str, Any], parent: dict[str, Any] | None, key: str) -> bool:
    """Strings StrykerJS leaves alone: directives, import and export sources, property keys."""
    if parent is None:
        return False
    if parent["type"] == "ExpressionStatement" and parent.get("directive"):
        return True
    if key == "source" and parent["type"].startswith(("Import", "Export")):
        return True
    return key == "key" and parent["type"] in ("Property", "PropertyDefinition", "MethodDefinition")


def _calls_super(block: dict[str, Any], parent: dict[str, Any] | None) -> bool:
    """A derived class's constructor must call super(): emptying it only breaks construction."""
    return any(
        statement["type"] == "ExpressionStatement"
        and statement["expression"]["type"] == "CallExpression"
        and statement["expression"]["callee"]["type"] == "Super"
        for statement in block["body"]
    )


def _balanced(source: str, start: int, end: int) -> bool:
    """Whether `source[start:end]` holds whole Jinja blocks only (so removing or replacing it
    leaves a template Jinja can still read)."""
    depth = 0
    for token in tokenize_cached(source):
        if token.end <= start or token.start >= end or token.kind != "block":
            continue
        if token.start < start or token.end > end:
            return False
        tag = token.tag
        inline_set = tag == "set" and "=" in token.text
        if tag in BLOCK_OPENERS and not inline_set:
            depth += 1
        elif tag.startswith("end"):
            depth -= 1
            if depth < 0:
                return False
        elif tag in ("else", "elif") and depth == 0:
            return False
    return depth == 0


_TOKENS: dict[str, list[Token]] = {}


def tokenize_cached(source: str) -> list[Token]:
    key = hashlib.sha1(source.encode()).hexdigest()
    if key not in _TOKENS:
        _TOKENS[key] = tokenize(source)
    return _TOKENS[key]


def _line_context(source: str, start: int, end: int) -> str:
    """The text of the lines the span touches, whitespace collapsed: what the id hashes."""
    first = source.rfind("\n", 0, start) + 1
    last = source.find("\n", end)
    return " ".join(source[first : len(source) if last < 0 else last].split())


def find_mutants(root: Path = ROOT) -> list[Mutant]:
    """Every template mutant, in template order, each with its stable id."""
    sources = template_sources(root)
    anchors: list[Anchor] = []
    marked = dict(sources)
    for name in mutated_names(sources):
        marked[name] = _marked(name, sources[name], anchors)
    with rendering(marked):
        files = render_profiles()
    maps = {
        name: _unmark(text, anchors)
        for name, text in files.items()
        if name.endswith((".js", ".cjs")) and not name.endswith(".d.ts")
    }
    # Bindings come from other templates: only what carries this module's markers is parsed.
    maps = {name: out for name, out in maps.items() if out.raw_at}
    names = sorted(maps)
    trees = _parse([(name.replace("/", "-"), maps[name].text) for name in names])
    found: dict[tuple[str, int, int, str], str] = {}
    for name, tree in zip(names, trees, strict=True):
        out = maps[name]
        for edit in _edits(tree, out):
            span = out.span(edit.start, edit.end)
            if span is None:
                continue
            template, start, end = span
            if sources[template][start:end] == edit.replacement:
                continue
            if not _balanced(sources[template], start, end):
                continue
            found.setdefault((template, start, end, edit.replacement), edit.operator)
    return _identify(sources, found)


def _identify(sources: dict[str, str], found: dict[tuple[str, int, int, str], str]) -> list[Mutant]:
    mutants = []
    seen: dict[str, int] = defaultdict(int)
    for (template, start, end, replacement), operator in sorted(found.items()):
        source = sources[template]
        original = source[start:end]
        context = _line_context(source, start, end)
        digest = hashlib.sha1(
            "\0".join((template, operator, context, original, replacement)).encode()
        ).hexdigest()[:8]
        stem = Path(template).name.split(".")[0]
        base = f"{stem}-{operator}-{digest}"
        seen[base] += 1
        identifier = base if seen[base] == 1 else f"{base}.{seen[base]}"
        line = source.count("\n", 0, start) + 1
        mutants.append(
            Mutant(identifier, operator, template, start, end, original, replacement, line)
        )
    return mutants
