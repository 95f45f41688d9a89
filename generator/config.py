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

import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from .files import printable, read_bytes_if_any
from .formats import chosen_by_ending, contradiction
from .limits import MAX_CONFIG_BYTES, MAX_NESTING, MAX_TARGETS
from .options import SPECS_BY_FLAG, GeneratorOptions, OptionError, build_options, parse_values

PYPROJECT = "pyproject.toml"
OUT_KEY = "out"
FORMAT_KEY = "format"
TARGETS_KEY = "targets"
# Folders that mark a repository's root: the upward search for pyproject.toml stops there, so
# a project never picks up the configuration of whatever folder it happens to be checked out in.
REPOSITORY_MARKERS = (".git", ".hg", ".svn")


class ConfigError(ValueError):
    """A configuration problem; `str()` is one line naming the file and the key."""


class ConfiguredTarget(NamedTuple):
    """One output file the configuration asks for, with its validated options."""

    out: Path | None
    """Relative to the config file's folder; None gives the default names."""
    options: GeneratorOptions
    where: str
    """Where it was declared, for messages: `pyproject.toml: [[tool.wsgen.targets]] #2`."""
    format_from_out: bool = False
    """No key named the format: the ending of `out` chose it, so it goes when --out replaces
    that `out`."""


class ProjectConfig(NamedTuple):
    path: Path
    targets: tuple[ConfiguredTarget, ...]


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.wsgen] table, looking in `start` and then its
    parents, up to and including the repository root."""
    for folder in (start, *start.parents):
        candidate = folder / PYPROJECT
        if candidate.is_file() and _wsgen_table(candidate, _read_toml(candidate)) is not None:
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
        table, name = _wsgen_table(path, document), "[tool.wsgen]"
        if table is None:
            raise ConfigError(f"{_named(path)}: has no [tool.wsgen] table")
    else:
        table, name = document, "top level"
    return ProjectConfig(path, tuple(_targets(path, table, name)))


def _wsgen_table(path: Path, document: dict[str, Any]) -> dict[str, Any] | None:
    """`[tool.wsgen]`, None when there is none; ConfigError when `tool` or `tool.wsgen` is
    there but not a table (`tool = 1` is valid TOML, and not ours to ignore)."""
    tool = document.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{_named(path)}: tool: expected a table, got {_kind(tool)}")
    table = tool.get("wsgen")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{_named(path)}: tool.wsgen: expected a table, got {_kind(table)}")
    return table


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def _named(path: Path) -> str:
    return printable(str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a config to read: a third of wsgen's start-up otherwise

    try:
        data = read_bytes_if_any(path)
    except OSError as error:
        raise ConfigError(f"{_named(path)}: cannot read: {error.strerror or error}") from None
    if data is None:
        raise ConfigError(f"{_named(path)}: cannot read: no such file")
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{_named(path)}: larger than {MAX_CONFIG_BYTES // 1024} KB")
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{_named(path)}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{_named(path)}: not valid TOML: not UTF-8 text") from None
    except RecursionError:
        raise ConfigError(f"{_named(path)}: nests deeper than {MAX_NESTING} levels") from None
    if _nesting(document) > MAX_NESTING:
        raise ConfigError(f"{_named(path)}: nests deeper than {MAX_NESTING} levels")
    return document


def _nesting(value: Any) -> int:
    """How deep tables and arrays sit in `value`, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_NESTING:
            pending += [(child, depth + 1) for child in children]
    return deepest


def _targets(path: Path, table: dict[str, Any], name: str) -> list[ConfiguredTarget]:
    declared = table.get(TARGETS_KEY)
    shared = {key: value for key, value in table.items() if key != TARGETS_KEY}
    if declared is None:
        return [_target(path, {}, shared, name)]
    prefix = f"[[{name.strip('[]')}.{TARGETS_KEY}]]" if name != "top level" else "[[targets]]"
    if not isinstance(declared, list) or not declared:
        raise ConfigError(f"{path}: {name} {TARGETS_KEY}: expected one or more {prefix} tables")
    if len(declared) > MAX_TARGETS:
        raise ConfigError(f"{path}: {name} {TARGETS_KEY}: at most {MAX_TARGETS} targets")
    if OUT_KEY in shared:
        raise ConfigError(f"{path}: {name} {OUT_KEY}: with targets, each {prefix} sets its own")
    # Each shared value is checked here, so its error names the shared table; the rules between
    # options only for each target, on the options it is made with: a target may complete or
    # override what the shared keys alone would not allow (--global-name for an iife target).
    _check_values(path, name, shared)
    targets: list[ConfiguredTarget] = []
    declared_at: dict[Path, str] = {}
    for number, entry in enumerate(declared, start=1):
        where = f"{prefix} #{number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {where}: expected a table of options")
        target = _target(path, shared, entry, where)
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
    path: Path, shared: dict[str, Any], own: dict[str, Any], where: str
) -> ConfiguredTarget:
    """A target made with the shared keys, each replaced by the target's own key if it has one."""
    out = _out(path, where, own[OUT_KEY]) if OUT_KEY in own else None
    values = {**shared, **own}
    implied = None if out is None else chosen_by_ending(out)
    from_out = implied is not None and FORMAT_KEY not in values
    if from_out:
        values = {**values, FORMAT_KEY: str(implied)}
    options = _options(path, where, values)
    problem = None if out is None else contradiction(out, options.formats)
    if problem:
        raise ConfigError(f"{_named(path)}: {where} {OUT_KEY}: {problem}")
    return ConfiguredTarget(out, options, f"{path}: {where}", format_from_out=from_out)


def _flags(path: Path, where: str, values: Mapping[str, Any], *, allow_out: bool) -> dict[str, Any]:
    """`values` less `out`; ConfigError for a key that is no option."""
    known = [*SPECS_BY_FLAG, *([OUT_KEY] if allow_out else [])]
    for key in values:
        if key not in known:
            raise ConfigError(
                f"{path}: {where} {_quoted(key)}: unknown key{_suggestion(key, known)}"
            )
    return {key: value for key, value in values.items() if key != OUT_KEY}


@contextmanager
def _named_as(path: Path, where: str) -> Iterator[None]:
    """An OptionError inside becomes a ConfigError naming the file, the table and the key."""
    try:
        yield
    except OptionError as error:
        message = str(error).removeprefix(f"--{error.flag}: ")
        raise ConfigError(f"{path}: {where} {error.flag}: {message}") from None


def _check_values(path: Path, where: str, values: Mapping[str, Any]) -> None:
    """Each of the shared keys on its own: a key that is no option, or a bad value."""
    with _named_as(path, where):
        parse_values(_flags(path, where, values, allow_out=False))


def _options(path: Path, where: str, values: Mapping[str, Any]) -> GeneratorOptions:
    with _named_as(path, where):
        return build_options(_flags(path, where, values, allow_out=True))


def _quoted(key: str) -> str:
    """A key as TOML would write it: bare when it can be, else quoted on one line."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _suggestion(key: str, known: list[str]) -> str:
    import difflib  # only for a misspelt key

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


def _leaves_folder(out: Path) -> bool:
    """Whether a config's `out` points outside the config's folder (absolute, or up with ..)."""
    inside = os.path.normpath(out)
    return out.is_absolute() or inside == ".." or inside.startswith(f"..{os.sep}")


def _check_ending(out: Path | None, options: GeneratorOptions, flag: str) -> None:
    problem = None if out is None else contradiction(out, options.formats)
    if problem:
        raise OptionError(flag, problem)


class Target(NamedTuple):
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
    if out is not None and not out.strip():  # Path("") is the working folder, not a file
        raise OptionError(
            "out",
            f"expected a file path, such as src/vendor/socket.js, or '-' for stdout; got {out!r}",
        )
    out_path = None if out is None or out == "-" else Path(out)
    implied = None if out_path is None else chosen_by_ending(out_path)
    # --out's ending picks the format: `--out x.cjs` once wrote an ES module, which require()
    # cannot load. A config's several formats stay: --out then only gives the stem.
    single = config is None or all(len(t.options.formats) == 1 for t in config.targets)
    if implied is not None and FORMAT_KEY not in flags and single:
        flags = {**flags, FORMAT_KEY: str(implied)}
    if config is None:
        options = build_options(flags)
        _check_ending(out_path, options, FORMAT_KEY)
        return [Target(None if out is None else Path(out), Path(), options, "--out")]
    if out is not None and len(config.targets) > 1:
        raise OptionError(
            "out",
            f"{config.path} declares {len(config.targets)} targets; --out can replace only a "
            f"single target's output",
        )
    targets = []
    for target in config.targets:
        base = target.options
        if out_path is not None and target.format_from_out:
            # The format came with the `out` that --out replaces (a.cjs), not from a key;
            # `--out -` names no file, so it prints what the config's `out` would hold.
            base = replace(base, formats=GeneratorOptions().formats)
        options = build_options(flags, base)
        flag = FORMAT_KEY if FORMAT_KEY in flags or out_path is None else "out"
        _check_ending(out_path or target.out, options, flag)
        if out is None:
            # The config's own folder bounds where it writes: a pyproject.toml checked out
            # from someone else must not write ../../anything. --out may go anywhere.
            if target.out is not None and _leaves_folder(target.out):
                raise ConfigError(
                    f"{target.where} {OUT_KEY}: {printable(str(target.out))!r} leaves the "
                    f"folder of the config; keep it inside, or give --out on the command line"
                )
            folder = config.path.parent
            targets.append(Target(target.out, folder, options, f"{target.where} {OUT_KEY}"))
        else:
            targets.append(Target(Path(out), Path(), options, "--out"))
    return targets
