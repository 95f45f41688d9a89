"""Project configuration: `[tool.wsgen]` in the nearest pyproject.toml, or a TOML file given
with `--config`. Keys are the long flag names; each target adds `out`.

```toml
[tool.wsgen]                      # shared by every target
restart-delay = "500ms-3s"
stop-on = [4401, "4403-4499"]

[[tool.wsgen.targets]]
out = "src/vendor/reconnecting-socket.js"

[[tool.wsgen.targets]]
out = "legacy/socket.js"
max-retries = 5
```

Without `targets` the table itself is the one target. Every error names the file and the key.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.options import SPECS_BY_FLAG, GeneratorOptions, OptionError, build_options

PYPROJECT = "pyproject.toml"
OUT_KEY = "out"
TARGETS_KEY = "targets"
# Folders that mark a repository's root: the upward search for pyproject.toml stops there, so
# a project never picks up the configuration of whatever folder it happens to be checked out in.
REPOSITORY_MARKERS = (".git", ".hg", ".svn")


class ConfigError(ValueError):
    """A configuration problem; `str()` is one line naming the file and the key."""


@dataclass(frozen=True)
class ConfiguredTarget:
    """One output file the configuration asks for, with its validated options."""

    out: Path | None
    """Relative to the config file's folder; None gives the default names."""
    options: GeneratorOptions
    where: str
    """Where it was declared, for messages: `pyproject.toml: [[tool.wsgen.targets]] #2`."""


@dataclass(frozen=True)
class ProjectConfig:
    path: Path
    targets: tuple[ConfiguredTarget, ...]


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.wsgen] table, looking in `start` and then its
    parents, up to and including the repository root."""
    for folder in (start, *start.parents):
        candidate = folder / PYPROJECT
        if candidate.is_file() and "wsgen" in _read_toml(candidate).get("tool", {}):
            return candidate
        if any((folder / marker).exists() for marker in REPOSITORY_MARKERS):
            return None
    return None


def load_config(path: Path) -> ProjectConfig:
    """Read and validate a configuration file.

    A file with a `[tool]` table (a pyproject.toml) must hold `[tool.wsgen]`; any other TOML
    file (say, wsgen.toml) is the wsgen table itself."""
    document = _read_toml(path)
    if "tool" in document:
        table, name = document["tool"].get("wsgen"), "[tool.wsgen]"
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: has no [tool.wsgen] table")
    else:
        table, name = document, "top level"
    return ProjectConfig(path, tuple(_targets(path, table, name)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 text") from None


def _targets(path: Path, table: dict[str, Any], name: str) -> list[ConfiguredTarget]:
    declared = table.get(TARGETS_KEY)
    shared = {key: value for key, value in table.items() if key != TARGETS_KEY}
    if declared is None:
        return [_target(path, shared, name, GeneratorOptions())]
    prefix = f"[[{name.strip('[]')}.{TARGETS_KEY}]]" if name != "top level" else "[[targets]]"
    if not isinstance(declared, list) or not declared:
        raise ConfigError(f"{path}: {name} {TARGETS_KEY}: expected one or more {prefix} tables")
    if OUT_KEY in shared:
        raise ConfigError(f"{path}: {name} {OUT_KEY}: with targets, each {prefix} sets its own")
    base = _options(path, name, shared, GeneratorOptions(), allow_out=False)
    targets: list[ConfiguredTarget] = []
    declared_at: dict[Path, str] = {}
    for number, entry in enumerate(declared, start=1):
        where = f"{prefix} #{number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {where}: expected a table of options")
        target = _target(path, entry, where, base)
        if target.out is not None and target.out in declared_at:
            raise ConfigError(
                f"{path}: {where} {OUT_KEY}: {str(target.out)!r} is already the output of "
                f"{declared_at[target.out]}"
            )
        if target.out is not None:
            declared_at[target.out] = where
        targets.append(target)
    return targets


def _target(
    path: Path, values: dict[str, Any], where: str, base: GeneratorOptions
) -> ConfiguredTarget:
    options = _options(path, where, values, base, allow_out=True)
    out = _out(path, where, values[OUT_KEY]) if OUT_KEY in values else None
    return ConfiguredTarget(out, options, f"{path}: {where}")


def _options(
    path: Path,
    where: str,
    values: Mapping[str, Any],
    base: GeneratorOptions,
    *,
    allow_out: bool,
) -> GeneratorOptions:
    known = [*SPECS_BY_FLAG, *([OUT_KEY] if allow_out else [])]
    flags = {key: value for key, value in values.items() if key != OUT_KEY}
    for key in values:
        if key not in known:
            raise ConfigError(
                f"{path}: {where} {_quoted(key)}: unknown key{_suggestion(key, known)}"
            )
    try:
        return build_options(flags, base)
    except OptionError as error:
        message = str(error).removeprefix(f"--{error.flag}: ")
        raise ConfigError(f"{path}: {where} {error.flag}: {message}") from None


def _quoted(key: str) -> str:
    """A key as TOML would write it: bare when it can be, else quoted on one line."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _suggestion(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key.replace("_", "-"), known, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; keys are the long flag names: {', '.join(known)}"


def _out(path: Path, where: str, value: Any) -> Path:
    """Outputs are relative to the configuration file's folder, wherever wsgen runs from."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {where} {OUT_KEY}: expected a file path, got {value!r}")
    if value == "-":
        raise ConfigError(
            f"{path}: {where} {OUT_KEY}: '-' (stdout) is for --out on the command line"
        )
    if "\0" in value:
        raise ConfigError(f"{path}: {where} {OUT_KEY}: a path cannot hold a NUL character")
    return Path(value)


@dataclass(frozen=True)
class Target:
    """One `--out` worth of files to generate (one per format, and their .d.ts), with the
    options they take and how to name where their `out` came from in messages."""

    out: Path | None
    """As given; None gives the default names (output/reconnecting-socket.js, ...)."""
    folder: Path
    """Where a relative `out` lands: the config file's folder, or the working folder."""
    options: GeneratorOptions
    out_name: str
    """`--out`, or the config file and table that set it."""


def project_config(explicit: Path | None, start: Path) -> ProjectConfig | None:
    """The configuration in effect: `--config FILE`, else the nearest pyproject.toml with
    [tool.wsgen], else none."""
    found = explicit or find_config(start)
    return load_config(found) if found else None


def resolve_targets(
    config: ProjectConfig | None, flags: Mapping[str, Any], out: str | None
) -> list[Target]:
    """What to generate. Precedence: built-in defaults < config < flags. Flags apply to every
    target; `--out` replaces the output of the one target (with several it is ambiguous).

    Raises OptionError naming the flag."""
    if config is None:
        options = build_options(flags)
        return [Target(None if out is None else Path(out), Path(), options, "--out")]
    if out is not None and len(config.targets) > 1:
        raise OptionError(
            "out",
            f"{config.path} declares {len(config.targets)} targets; --out can replace only a "
            f"single target's output",
        )
    targets = []
    for target in config.targets:
        options = build_options(flags, target.options)
        if out is None:
            folder = config.path.parent
            targets.append(Target(target.out, folder, options, f"{target.where} {OUT_KEY}"))
        else:
            targets.append(Target(Path(out), Path(), options, "--out"))
    return targets
