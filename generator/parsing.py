"""Turn what a user typed (a flag, a config value, a header field) into typed values.

Each parser raises `ValueError` with a message that says what is allowed; `options.py` adds the
flag's name. Values may arrive as text (flags) or as TOML/JSON numbers (config, headers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .codes import FIRST_CODE, LAST_CODE, format_range, merge_ranges
from .jsliteral import js_string
from .limits import MAX_LIST_ITEMS

# setTimeout fires at once for delays above 2**31 - 1 ms (~24.8 days), so nothing longer is a
# delay the module could honour.
MAX_DURATION_MS = 2**31 - 1

Scalar = str | int | float

# [0-9], not \d: Python's \d also matches Arabic-Indic and other digits, which no one means.
_DURATION = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?) *(?P<unit>ms|s|m)?")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DURATION_HINT = "a duration with its unit, such as 250ms, 2s, 1.5s or 1m"
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000}


_CODES_HINT = "codes such as 1008,4400-4499"


def _reject_bool(value: object, expected: str) -> None:
    # TOML `true` is an int subclass in Python; a boolean is never a number here.
    if isinstance(value, bool):
        raise ValueError(f"expected {expected}, got a boolean")


def _is_zero(number: str) -> bool:
    """Whether a number's text (`0`, `0.00`, `-0`) is zero: no digit but 0. A number with an
    exponent (`0e5`) is never read as a duration, so it counts as the bare number it is."""
    return not re.search(r"[1-9]", number)


def _needs_unit(value: Scalar, number: str) -> ValueError:
    # A bare number once meant milliseconds, so `--restart-delay 5` was 5 ms where everyone
    # meant 5 s. Now a unit is required, and the message carries the likely fix (none for a
    # number too long to be one).
    fix = f"; did you mean {number}s?" if len(number) <= 12 else ""
    return ValueError(f"a duration needs a unit (ms, s or m), got {_shown(value)}{fix}")


def parse_duration(value: Scalar) -> int:
    """Milliseconds from `250ms`, `2s`, `1.5s` or `1m`. A bare number (text, or a TOML/JSON
    number) is refused, except 0, which is 0 in any unit."""
    _reject_bool(value, _DURATION_HINT)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected {_DURATION_HINT}, got {_shown(value)}")
        if value == 0:
            return 0
        raise _needs_unit(value, str(value))
    match = _DURATION.fullmatch(value.strip())
    if not match:
        raise ValueError(f"expected {_DURATION_HINT}, got {_shown(value)}")
    if match["unit"] is None:
        if _is_zero(match["number"]):
            return 0
        raise _needs_unit(value, match["number"])
    # Decimal, not float: 1.001s is 1001 ms exactly, where 1.001 * 1000 is 1000.9999999999999.
    # Imported here: a run whose options hold no duration never needs it (start-up time).
    from decimal import Decimal

    milliseconds = Decimal(match["number"]) * _UNIT_MS[match["unit"]]
    if milliseconds > MAX_DURATION_MS:
        raise ValueError(
            f"{_shown(value)} is longer than the {MAX_DURATION_MS} ms a JavaScript timer can wait"
        )
    if milliseconds != milliseconds.to_integral_value():
        raise ValueError(f"expected a whole number of milliseconds, got {_shown(value)}")
    return int(milliseconds)


def _shown(value: Scalar) -> str:
    """`value` for a message, cut short: a 5,000-digit number should not fill the terminal."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"(a number of {len(str(value))} digits)"
    text = repr(value) if not isinstance(value, int) else str(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def format_duration(milliseconds: int) -> str:
    """The shortest text `parse_duration` reads back as `milliseconds`."""
    if milliseconds and milliseconds % 1000 == 0:
        return f"{milliseconds // 1000}s"
    return f"{milliseconds}ms"


def parse_window(value: Scalar) -> tuple[int, int]:
    """`MIN-MAX` durations, such as `1s-5s` or `500ms-1s`; a single duration means MIN = MAX."""
    _reject_bool(value, "MIN-MAX with units, such as 1s-5s, or one duration")
    text = str(value).strip()
    low, separator, high = text.partition("-")
    if not separator:
        low = high = text
    bare_number = _NUMBER.fullmatch(text) and not _is_zero(text)
    if not separator and (not isinstance(value, str) or bare_number):
        # `5` is no range, and a duration without its unit: say what a window looks like.
        plain = re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text) and len(text) <= 12
        fix = f"; did you mean {text}s?" if plain else ""
        raise ValueError(
            f"expected MIN-MAX with units, such as 1s-5s, or one duration; got {_shown(value)}{fix}"
        )
    bare = [part.strip() for part in (low, high) if re.fullmatch(r" *[0-9.]+ *", part)]
    if bare and any(not _is_zero(part) for part in bare if _NUMBER.fullmatch(part)):
        fixed = "-".join(
            f"{part.strip()}s" if re.fullmatch(r" *[0-9.]+ *", part) else part.strip()
            for part in ((low, high) if separator else (low,))
        )
        raise ValueError(
            f"each end of a range needs its unit (ms, s or m), got {_shown(text)}; "
            f"did you mean {fixed}?"
        )
    try:
        minimum, maximum = parse_duration(low), parse_duration(high)
    except ValueError as error:
        raise ValueError(f"expected MIN-MAX, such as 1s-5s; {error}") from None
    if minimum > maximum:
        raise ValueError(f"MIN must not exceed MAX, got {_shown(text)}")
    return minimum, maximum


def format_window(window: tuple[int, int]) -> str:
    return f"{format_duration(window[0])}-{format_duration(window[1])}"


def parse_number(value: Scalar, *, minimum: float, maximum: float) -> float:
    _reject_bool(value, f"a number from {minimum:g} to {maximum:g}")
    allowed = f"expected a number from {minimum:g} to {maximum:g}, got {_shown(value)}"
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
    allowed = f"a whole number from 0 to {maximum}" + (f" or {unlimited!r}" if unlimited else "")
    _reject_bool(value, allowed)
    text = str(value).strip()
    if unlimited and text == unlimited:
        return None
    if isinstance(value, float) or not re.fullmatch(r"[0-9]+", text):
        raise ValueError(f"expected {allowed}, got {_shown(value)}")
    count = int(text)
    if count > maximum:
        raise ValueError(f"expected {allowed}, got {_shown(value)}")
    return count


_CODE_ITEM = re.compile(r"([0-9]{1,5}) *(?:- *([0-9]{1,5}))?")


def parse_codes(value: Scalar | Iterable[Scalar]) -> frozenset[int]:
    """Close codes from `1008,4400-4499` (or a list of such items); each within 1000-4999.

    At most MAX_LIST_ITEMS items and ranges in all. Ranges are merged before any is expanded,
    so the cost is the number of items plus the 4,000 possible codes, never items x width."""
    _reject_bool(value, _CODES_HINT)
    items = [value] if isinstance(value, str | int | float) else list(value)
    if len(items) > MAX_LIST_ITEMS:
        raise ValueError(f"expected at most {MAX_LIST_ITEMS} codes or ranges, got {len(items)}")
    parts: list[str] = []
    for item in items:
        _reject_bool(item, _CODES_HINT)
        if not isinstance(item, str | int):
            raise ValueError(f"expected {_CODES_HINT}, got {_shown(item)}")
        parts += [part.strip() for part in str(item).split(",") if part.strip()]
        if len(parts) > MAX_LIST_ITEMS:
            raise ValueError(f"expected at most {MAX_LIST_ITEMS} codes or ranges")
    ranges: list[tuple[int, int]] = []
    for part in parts:
        match = _CODE_ITEM.fullmatch(part)
        if not match:
            raise ValueError(f"expected {_CODES_HINT}, got {_shown(part)}")
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        for code in (first, last):
            if not FIRST_CODE <= code <= LAST_CODE:
                raise ValueError(f"close codes run from {FIRST_CODE} to {LAST_CODE}, got {code}")
        if first > last:
            raise ValueError(f"a range runs from low to high, got {_shown(part)}")
        ranges.append((first, last))
    codes: set[int] = set()
    for first, last in _merged(ranges):
        codes.update(range(first, last + 1))
    return frozenset(codes)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


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
    raise ValueError(f"expected on or off (also true/false, yes/no), got {_shown(value)}")


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
