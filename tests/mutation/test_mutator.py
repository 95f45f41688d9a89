"""The template mutator's own promises (docs/testing.md, "Mutation testing"): the lexer skips
Jinja and JavaScript comments and knows strings, template literals and regular expressions;
a mutant's id survives an edit elsewhere; a value chosen by a flag is never mutated."""

from __future__ import annotations

import pytest

from tests.mutation.lexer import tokenize
from tests.mutation.sites import (
    _balanced,
    _identify,
    find_mutants,
    regex_variants,
    template_sources,
)


def texts(source: str, kind: str) -> list[str]:
    return [token.text for token in tokenize(source) if token.kind == kind]


def test_jinja_is_cut_out_wherever_it_stands() -> None:
    source = 'const a = {{ x|tojson }};\n{% if y %}f("{{ z }}");{% endif %}{# a < b #}\n'
    tokens = tokenize(source)
    assert [t.text for t in tokens if t.kind == "jinja"] == ["{{ x|tojson }}", "{{ z }}"]
    assert [t.tag for t in tokens if t.kind == "block"] == ["if", "endif"]
    # The Jinja inside the string is not code; the string is one token around it.
    assert [t.code for t in tokens if t.kind == "jinja"] == [True, False]
    assert texts(source, "string") == ['"{{ z }}"']
    assert "<" not in texts(source, "punct")


def test_a_jinja_string_holding_a_closing_delimiter_ends_where_jinja_ends_it() -> None:
    source = '{{ "}}" ~ x }} + 1;'
    assert texts(source, "jinja") == ['{{ "}}" ~ x }}']
    assert texts(source, "punct") == ["+", ";"]


def test_comments_are_skipped_with_the_operators_inside_them() -> None:
    source = "a = b; // c < d && e\n/* f >= g */ h;\n"
    assert texts(source, "comment") == ["// c < d && e", "/* f >= g */"]
    assert texts(source, "punct") == ["=", ";", ";"]


def test_a_slash_is_a_regex_after_an_operator_and_a_division_after_a_value() -> None:
    source = "x = a / b / c; y = /<=[/]/g.test(s); return /a/.exec(t);"
    assert texts(source, "regex") == ["/<=[/]/g", "/a/"]
    assert texts(source, "punct").count("/") == 2
    assert "<=" not in texts(source, "punct")


def test_a_template_literal_is_one_token_and_its_substitutions_are_code() -> None:
    source = "s = `a < ${b + `c${d}`} > e`;"
    tokens = tokenize(source)
    assert next(t.text for t in tokens if t.kind == "template") == "`a < ${b + `c${d}`} > e`"
    assert texts(source, "punct") == ["=", "+", ";"]
    assert texts(source, "name") == ["s", "b", "d"]


def test_private_names_and_numbers() -> None:
    source = "this.#queue.length >= 1e3 && #attempt in this && 0x1f > .5;"
    assert texts(source, "private") == ["#queue", "#attempt"]
    assert texts(source, "number") == ["1e3", "0x1f", ".5"]


def test_a_span_that_cuts_a_jinja_block_in_two_is_refused() -> None:
    source = "a;{% if x %}b;{% endif %}c;"
    start, end = source.index("a"), source.index("c") + 2
    assert _balanced(source, start, end)
    assert not _balanced(source, start, source.index("b") + 2)
    assert not _balanced(source, source.index("b"), end)


def test_ids_name_the_line_not_its_number() -> None:
    before = "x = 1;\nif (a < b) y();\n"
    after = "// a comment added above\nz = 2;\n\nx = 1;\nif (a < b) y();\n"

    def ids(source: str) -> dict[str, str]:
        start = source.index("<")
        found = {("t/m.js.j2", start, start + 1, "<="): "EqualityOperator"}
        return {m.id: m.original for m in _identify({"t/m.js.j2": source}, found)}

    assert ids(before) == ids(after)
    assert ids(before) != ids(before.replace("y()", "w()"))


def test_the_same_change_twice_on_one_line_gets_two_ids() -> None:
    source = "if (a < b && c < d) e();\n"
    first, second = (i for i, char in enumerate(source) if char == "<")
    found = {
        ("t/m.js.j2", first, first + 1, "<="): "EqualityOperator",
        ("t/m.js.j2", second, second + 1, "<="): "EqualityOperator",
    }
    mutants = _identify({"t/m.js.j2": source}, found)
    assert len({m.id for m in mutants}) == 2


def test_regex_mutations_are_weapon_regex_s() -> None:
    variants = regex_variants(r"^a[\s,]+(?!b)$")
    assert r"a[\s,]+(?!b)$" in variants  # an anchor removed
    assert r"^a[^\s,]+(?!b)$" in variants  # a class negated
    assert r"^a[\S,]+(?!b)$" in variants  # a predefined class negated
    assert r"^a[\s,](?!b)$" in variants  # a quantifier removed
    assert r"^a[\s,]+(?=b)$" in variants  # a lookahead negated


@pytest.mark.slow
def test_the_real_templates_give_every_operator_and_never_a_flag_s_value() -> None:
    """On today's templates (acorn in Node): the mutators their syntax allows all fire, every
    mutant applies to its template text, and none is a lone Jinja expression."""
    mutants = find_mutants()
    operators = {mutant.operator for mutant in mutants}
    assert operators >= {
        "ArithmeticOperator", "ArrayDeclaration", "BlockStatement", "BooleanLiteral",
        "ConditionalExpression", "EqualityOperator", "LogicalOperator", "MethodExpression",
        "NumericLiteral", "ObjectLiteral", "Regex", "StatementDeletion", "StringLiteral",
    }  # fmt: skip
    assert len({mutant.id for mutant in mutants}) == len(mutants)
    sources = template_sources()
    for mutant in mutants:
        assert mutant.apply(sources[mutant.template]) != sources[mutant.template]
        tokens = tokenize(mutant.original)
        assert not (len(tokens) == 1 and tokens[0].kind == "jinja"), mutant
