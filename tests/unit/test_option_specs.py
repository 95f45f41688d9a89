"""OPTION_SPECS is the one place an option is declared: every setting the module's DEFAULTS
block emits, every TypeScript type it is given, and every feature the templates switch on is
drawn from it, so none of them can name an option that does not exist."""

from __future__ import annotations

import re

from generator.formats import Format
from generator.options import OPTION_SPECS, SPECS_BY_FLAG, build_options
from generator.render import render_module, templates_dir

EVERYTHING_ON = {"heartbeat": "30s", "format": "ts"}
SETTING_LINE = re.compile(r"^  (\w+): .*, // --([a-z-]+)$", re.M)


def defaults_block(text: str) -> str:
    return text.split("const DEFAULTS = ", 1)[1].split("});", 1)[0]


def test_every_setting_in_defaults_is_one_of_its_flags_runtime_names() -> None:
    text = render_module(build_options(EVERYTHING_ON), Format.ESM)
    emitted = SETTING_LINE.findall(defaults_block(text))
    assert emitted, "no setting found in DEFAULTS"
    for name, flag in emitted:
        assert flag in SPECS_BY_FLAG, f"DEFAULTS names --{flag}, which is no flag"
        assert name in SPECS_BY_FLAG[flag].js_names, f"{name} is not a runtime name of --{flag}"
    declared = [name for spec in OPTION_SPECS for name in spec.js_names]
    assert [name for name, _flag in emitted] == declared


def test_the_heartbeats_settings_are_emitted_only_with_a_heartbeat() -> None:
    text = render_module(build_options({}), Format.ESM)
    names = {name for name, _flag in SETTING_LINE.findall(defaults_block(text))}
    needing = {name for spec in OPTION_SPECS if spec.needs == "heartbeat" for name in spec.js_names}
    assert needing == {"heartbeatInterval", "heartbeatTimeout", "heartbeatMessage"}
    assert not names & needing
    assert names == {name for spec in OPTION_SPECS for name in spec.js_names} - needing


def test_the_settings_interface_types_each_setting_as_its_spec_says() -> None:
    text = render_module(build_options(EVERYTHING_ON), Format.TS)
    interface = text.split("export interface Settings {", 1)[1].split("}", 1)[0]
    typed = dict(re.findall(r"^  (\w+): ([^;]+);$", interface, re.M))
    assert typed == {name: spec.ts_type for spec in OPTION_SPECS for name in spec.js_names}


def test_the_templates_switch_only_on_declared_features() -> None:
    read = {
        match
        for path in templates_dir().rglob("*.j2")
        for match in re.findall(r"\bfeatures\.(\w+)", path.read_text(encoding="utf-8"))
    }
    declared = {spec.field for spec in OPTION_SPECS if spec.feature}
    assert read == declared
