"""The one Jinja environment, and rendering of the module from validated options."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator import __version__
from generator.options import GeneratorOptions
from generator.policy import policy_rows

MODULE_TEMPLATE = "reconnecting-socket.js.j2"


def templates_dir() -> Path:
    """Templates ship inside the wheel (generator/templates); a source checkout has them at the
    top level."""
    installed = Path(__file__).parent / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is JavaScript; every value goes through |tojson
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "allow_nan": False}
    return env


@dataclass(frozen=True)
class Setting:
    """One entry of the module's DEFAULTS block: the runtime option, its value, its flag."""

    name: str
    value: Any
    flag: str


def default_settings(options: GeneratorOptions) -> list[Setting]:
    low, high = options.restart_delay
    return [
        Setting("restartDelayMin", low, "restart-delay"),
        Setting("restartDelayMax", high, "restart-delay"),
        Setting("backoffInitial", options.backoff_initial, "backoff-initial"),
        Setting("backoffFactor", options.backoff_factor, "backoff-factor"),
        Setting("backoffMax", options.backoff_max, "backoff-max"),
        Setting("maxRetries", options.max_retries, "max-retries"),
        Setting("connectTimeout", options.connect_timeout, "connect-timeout"),
        Setting("stableAfter", options.stable_after, "stable-after"),
        Setting("queueLimit", options.queue_limit, "queue-limit"),
    ]


def render_module(options: GeneratorOptions) -> str:
    """The generated module's text: a pure function of `options` and the wsgen version."""
    template = environment().get_template(MODULE_TEMPLATE)
    return template.render(
        version=__version__,
        header_options=options.to_flags(),
        defaults=default_settings(options),
        policy=policy_rows(options),
        class_name=options.class_name,
    )
