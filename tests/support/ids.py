"""Test ids that survive a second collection in the same process.

pytest escapes an id that is not printable ASCII (`é` becomes `\\xe9`, a newline `\\n`), and
for a parametrize mark given `ids=` it keeps the escaped ids on the mark. A second session in
the same process (mutmut runs its stats, its clean run and each mutant's tests in one process
or its forks) reads them back as given ids and escapes them again (`\\\\xe9`), so a test named
by the id of the first collection is no longer found and pytest exits 4 (usage error).
An id of printable ASCII without a backslash escapes to itself.
"""

from __future__ import annotations

import string

KEPT = frozenset(string.printable) - set(string.whitespace) - {"\\"} | {" "}


def plain_id(text: str) -> str:
    """`text` with every character pytest would escape written as <hex>: `é` is `<e9>`."""
    return "".join(c if c in KEPT else f"<{ord(c):x}>" for c in text)


def needs_escaping(test_id: str) -> bool:
    """An id already escaped once by pytest holds a backslash; a plain one holds none."""
    return "\\" in test_id
