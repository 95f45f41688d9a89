"""The `wsgen demo` site: the playground page, its script and style, and the generated module.

Everything is assembled once, before the server starts, from assets/ and the options.
The page learns the flags, the close-code table and the server's buttons from one block of
JSON (`|tojson`, which also escapes `<` so nothing can end the script element early); it draws
every label from that data, so a close code's name and meaning come only from `codes.py`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..codes import CLOSE_CODES, Action
from ..formats import Format
from ..options import OPTION_SPECS, GeneratorOptions
from ..policy import policy_rows
from ..render import render_module

ASSETS = Path(__file__).parent / "assets"
PAGE_TEMPLATE = "index.html.j2"
MODULE_PATH = "/reconnecting-socket.js"
SOCKET_PATH = "/socket"
CONTROL_PATH = "/control"


@dataclass(frozen=True)
class ServerAction:
    """One button of the page: what the server does to the page's live connection."""

    name: str
    label: str
    code: int
    """The close code the client sees (for `drop`, the one the browser reports)."""
    reason: str
    hint: str


SERVER_ACTIONS: tuple[ServerAction, ...] = (
    ServerAction(
        "restart",
        "Restart the server",
        1012,
        "server restarting",
        "close every connection with 1012, then refuse new ones for the seconds chosen",
    ),
    ServerAction("end", "End the session", 1000, "session over", "close with 1000"),
    ServerAction(
        "drop",
        "Drop the TCP connection",
        1006,
        "",
        "abort the TCP connection without a close frame; the browser reports 1006",
    ),
    ServerAction(
        "policy",
        "Policy violation",
        1008,
        "token expired",
        "close with 1008, as on an auth failure",
    ),
    ServerAction(
        "later", "Try again later", 1013, "overloaded", "close with 1013, as under load shedding"
    ),
)
ACTIONS_BY_NAME = {action.name: action for action in SERVER_ACTIONS}
CUSTOM_ACTION = "custom"


@dataclass(frozen=True)
class Asset:
    """One file the demo server answers with."""

    content_type: str
    body: bytes


Site = Mapping[str, Asset]


def demo_command(options: GeneratorOptions, given: Mapping[str, object]) -> str:
    """The command line as the user could retype it, with values in their normalised form."""
    flags = options.to_flags()
    words = ["wsgen", "demo"]
    for spec in OPTION_SPECS:
        if spec.flag not in given:
            continue
        value = flags[spec.flag]
        if isinstance(value, bool):  # a switch: --x or --no-x, no value
            words.append(f"--{spec.flag}" if value else f"--no-{spec.flag}")
        else:
            words += [f"--{spec.flag}", shlex.quote(str(value))]
    return " ".join(words)


def served_module(options: GeneratorOptions) -> GeneratorOptions:
    """The options of the one module the demo serves: an ES module, whatever formats (and so
    global name or .d.ts) a config file asks for."""
    return replace(options, formats=(Format.ESM,), global_name=None, types=False)


def default_down_for(options: GeneratorOptions) -> float:
    """How long a restart refuses connections unless the user picks otherwise: half the
    shortest restart delay, so that by default the first reconnect finds the server back."""
    return round(options.restart_delay[0] / 2000, 1)


def page_data(options: GeneratorOptions, given: Mapping[str, object]) -> dict[str, Any]:
    """Everything the page script needs, as JSON-ready values."""
    flags = options.to_flags()
    return {
        "command": demo_command(options, given),
        # A switch shows as the flag a user types (--types, --no-types), never as a Python bool.
        "flags": [
            {
                "flag": spec.flag,
                "value": _shown_value(flags[spec.flag]),
                "switch": isinstance(flags[spec.flag], bool),
                "given": spec.flag in given,
            }
            for spec in OPTION_SPECS
        ],
        "codes": [
            {"first": row.first, "last": row.end, "name": row.name, "meaning": row.description}
            for row in CLOSE_CODES
        ],
        "policy": [[row.first, row.last, row.action.value] for row in policy_rows(options)],
        "actions": {action.value: action.summary for action in Action},
        "buttons": [
            {"name": action.name, "label": action.label, "code": action.code, "hint": action.hint}
            for action in SERVER_ACTIONS
        ],
        "className": options.class_name,
        "shareTabs": options.share_tabs,
        "downFor": default_down_for(options),
        "paths": {"module": MODULE_PATH, "socket": SOCKET_PATH, "control": CONTROL_PATH},
    }


def _shown_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _static(name: str) -> bytes:
    # The script and style contain no template syntax: they are served as they are.
    return (ASSETS / name).read_bytes()


def _page_environment() -> Environment:
    # The page reads nothing but `data|tojson` (which escapes `<`, so nothing ends the script
    # element early); the settings are the module environment's (generator/render.py).
    env = Environment(
        loader=FileSystemLoader(ASSETS),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "allow_nan": False}
    return env


def build_site(options: GeneratorOptions, given: Mapping[str, object]) -> dict[str, Asset]:
    """Every file the demo serves, by URL path."""
    page = _page_environment().get_template(PAGE_TEMPLATE).render(data=page_data(options, given))
    html = Asset("text/html; charset=utf-8", page.encode("utf-8"))
    return {
        "/": html,
        "/index.html": html,
        MODULE_PATH: Asset(
            "text/javascript; charset=utf-8",
            render_module(served_module(options)).encode("utf-8"),
        ),
        "/demo.js": Asset("text/javascript; charset=utf-8", _static("demo.js")),
        "/demo.css": Asset("text/css; charset=utf-8", _static("demo.css")),
    }
