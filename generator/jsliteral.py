"""JavaScript string literals for user text, written the way Prettier would write them.

`|tojson` always double-quotes; Prettier (whose `--check` users run on the vendored file) picks
the quote that needs fewer escapes. A literal written its way leaves nothing for Prettier to change.
"""

from __future__ import annotations

import json
import re

# Escapes JSON leaves out that a module inlined into an HTML <script> needs (as |tojson does).
_HTML_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def js_string(value: str) -> str:
    """`value` as a safe one-line JS string literal: control characters, line separators,
    non-ASCII and `<>&` escaped; single quotes when the text holds more " than '."""
    body = json.dumps(value, ensure_ascii=True)[1:-1]
    body = re.sub(r"[<>&]", lambda match: _HTML_UNSAFE[match[0]], body)
    if value.count('"') <= value.count("'"):
        return f'"{body}"'
    # Swap the quote: ' gets escaped, and JSON's \" needs none inside single quotes. Escapes are
    # read pairwise so that an escaped backslash before a quote stays escaped.
    body = body.replace("'", "\\'")
    body = re.sub(r"\\(.)", lambda match: '"' if match[1] == '"' else match[0], body)
    return f"'{body}'"
