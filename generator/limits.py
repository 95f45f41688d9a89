"""Every size limit on what wsgen reads, in one place: a hostile config, header or file meets
one of these and gets a one-line error, never a traceback, a hang or minutes of CPU.

Bounds that are part of a value's meaning stay beside its parser: MAX_DURATION_MS (the longest
JavaScript timer) and MAX_MESSAGE_LITERAL in parsing.py, MAX_COUNT in options.py.

Generous for any real use: a generated module is about 30 KB, its settings line 1 KB, a config
a few hundred bytes, a code list a handful of items.
"""

from __future__ import annotations

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A file `wsgen update` or `generate` reads back (a vendored module)."""

MAX_CONFIG_BYTES = 1024 * 1024
"""A TOML configuration file."""

MAX_NESTING = 8
"""Tables and lists inside one another, in a config or a header's JSON (wsgen's own use 3)."""

MAX_LIST_ITEMS = 1000
"""Items in one list-valued option (close codes and ranges, formats), comma-separated or not."""

MAX_TARGETS = 100
"""`[[tool.wsgen.targets]]` tables in one config."""
