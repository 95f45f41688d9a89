"""Turn what a user typed (a flag, a config value, a header field) into typed values.

Each parser raises `ValueError` with a message that says what is allowed; `options.py` adds the
flag's name. Values may arrive as text (flags) or as TOML/JSON numbers (config, headers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal

from generator.codes import FIRST_CODE, LAST_CODE, format_range, merge_ranges
from generator.jsliteral import js_string

# setTimeout fires at once for delays above 2**31 - 1 ms (~24.8 days), so nothing longer is a
# delay the module could honour.
MAX_DURATION_MS = 2**31 - 1

Scalar = str | int | float

# [0-9], not \d: Python's \d also matches Arabic-Indic and other digits, which no one means.
_DURATION = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?) *(?P<unit>ms|s)?")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DURATION_HINT = "a duration such as 250ms, 2s, 1.5s or a whole number of milliseconds"


def _reject_bool(value: object) -> None:
    # TOML `true` is an int subclass in Python; a boolean is never a number here.
    if isinstance(value, bool):
        raise ValueError(f"expected {_DURATION_HINT}, got a boolean")


def parse_duration(value: Scalar) -> int:
    """Milliseconds from `250ms`, `2s`, `1.5s`, `750` (ms) or a number."""
    _reject_bool(value)
    # Decimal, not float: 1.001s is 1001 ms exactly, where 1.001 * 1000 is 1000.9999999999999.
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected {_DURATION_HINT}, got {value!r}")
        number, unit = Decimal(value), "ms"
    else:
        match = _DURATION.fullmatch(value.strip())
        if not match:
            raise ValueError(f"expected {_DURATION_HINT}, got {value!r}")
        number, unit = Decimal(match["number"]), match["unit"] or "ms"
    if number < 0:
        raise ValueError(f"expected {_DURATION_HINT}, got {value!r}")
    milliseconds = number * 1000 if unit == "s" else number
    if milliseconds > MAX_DURATION_MS:
        raise ValueError(
            f"{_shown(value)} is longer than the {MAX_DURATION_MS} ms a JavaScript timer can wait"
        )
    if milliseconds != milliseconds.to_integral_value():
        raise ValueError(f"expected a whole number of milliseconds, got {value!r}")
    return int(milliseconds)


def _shown(value: Scalar) -> str:
    """`value` for a message, cut short: a 5,000-digit number should not fill the terminal."""
    text = repr(value) if not isinstance(value, int) else str(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def format_duration(milliseconds: int) -> str:
    """The shortest text `parse_duration` reads back as `milliseconds`."""
    if milliseconds and milliseconds % 1000 == 0:
        return f"{milliseconds // 1000}s"
    return f"{milliseconds}ms"


def parse_window(value: Scalar) -> tuple[int, int]:
    """`MIN-MAX` durations, such as `1s-5s` or `500ms-1s`; a single duration means MIN = MAX."""
    _reject_bool(value)
    text = str(value).strip()
    low, separator, high = text.partition("-")
    if not separator:
        low = high = text
    try:
        minimum, maximum = parse_duration(low), parse_duration(high)
    except ValueError as error:
        raise ValueError(f"expected MIN-MAX, such as 1s-5s; {error}") from None
    if minimum > maximum:
        raise ValueError(f"MIN must not exceed MAX, got {text!r}")
    return minimum, maximum


def format_window(window: tuple[int, int]) -> str:
    return f"{format_duration(window[0])}-{format_duration(window[1])}"


def parse_number(value: Scalar, *, minimum: float, maximum: float) -> float:
    _reject_bool(value)
    allowed = f"expected a number from {minimum:g} to {maximum:g}, got {value!r}"
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        raise ValueError(allowed)  # float() would also take "1_0", "infinity" and other digits
    try:
        number = float(value)
    except ValueError:
        raise ValueError(allowed) from None
    if not math.isfinite(number) or not minimum <= number <= maximum:
        raise ValueError(allowed)
    return number


def parse_count(value: Scalar, *, maximum: int, unlimited: str | None = None) -> int | None:
    """A whole number from 0 to `maximum`; the word `unlimited` (when allowed) gives None."""
    _reject_bool(value)
    text = str(value).strip()
    if unlimited and text == unlimited:
        return None
    allowed = f"a whole number from 0 to {maximum}" + (f" or {unlimited!r}" if unlimited else "")
    if isinstance(value, float) or not re.fullmatch(r"[0-9]+", text):
        raise ValueError(f"expected {allowed}, got {value!r}")
    count = int(text)
    if count > maximum:
        raise ValueError(f"expected {allowed}, got {value!r}")
    return count


def parse_codes(value: Scalar | Iterable[Scalar]) -> frozenset[int]:
    """Close codes from `1008,4400-4499` (or a list of such items); each within 1000-4999."""
    _reject_bool(value)
    items = [value] if isinstance(value, str | int | float) else list(value)
    codes: set[int] = set()
    for item in items:
        _reject_bool(item)
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            match = re.fullmatch(r"([0-9]{1,5}) *(?:- *([0-9]{1,5}))?", part)
            if not match:
                raise ValueError(f"expected codes such as 1008,4400-4499, got {part!r}")
            first = int(match[1])
            last = int(match[2]) if match[2] else first
            for code in (first, last):
                if not FIRST_CODE <= code <= LAST_CODE:
                    raise ValueError(
                        f"close codes run from {FIRST_CODE} to {LAST_CODE}, got {code}"
                    )
            if first > last:
                raise ValueError(f"a range runs from low to high, got {part!r}")
            codes.update(range(first, last + 1))
    return frozenset(codes)


def format_codes(codes: Iterable[int]) -> str:
    return ",".join(format_range(first, last) for first, last in merge_ranges(codes))


_SWITCH_WORDS = {"true": True, "on": True, "yes": True, "false": False, "off": False, "no": False}


def parse_switch(value: Scalar | bool) -> bool:
    """A feature switch: true/false, on/off, yes/no (any case), or a TOML/JSON boolean."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if isinstance(value, str) and word in _SWITCH_WORDS:
        return _SWITCH_WORDS[word]
    raise ValueError(f"expected on or off (also true/false, yes/no), got {value!r}")


def format_switch(enabled: bool) -> bool:
    # Recorded as a JSON boolean in the header; parse_switch reads it back.
    return enabled


def parse_optional_duration(value: Scalar | bool, *, off: str = "off") -> int | None:
    """A positive duration, or the word `off` (or false) for a feature left out."""
    if value is False or (isinstance(value, str) and value.strip().lower() == off):
        return None
    if value is True:
        raise ValueError(f"expected {off!r} or {_DURATION_HINT}, got True")
    milliseconds = parse_duration(value)
    if milliseconds <= 0:
        raise ValueError(f"expected {off!r} or a duration greater than 0, got {value!r}")
    return milliseconds


def format_optional_duration(milliseconds: int | None, *, off: str = "off") -> str:
    return off if milliseconds is None else format_duration(milliseconds)


# The longest literal whose line in DEFAULTS ("    heartbeatMessage: <literal>,", indented
# four spaces inside the iife) stays within Prettier's 80 columns, so no format needs a break.
MAX_MESSAGE_LITERAL = 55


def parse_message(value: Scalar) -> str:
    """A short text message the module sends as is; it lands in the JS as a string literal."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty text, got {value!r}")
    literal = js_string(value)
    if len(literal) > MAX_MESSAGE_LITERAL:
        raise ValueError(
            f"expected at most {MAX_MESSAGE_LITERAL} characters as a JS string literal "
            f"(quotes and escapes included), got {len(literal)}"
        )
    return value
