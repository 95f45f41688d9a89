"""Project configuration: where wsgen finds it, what it sets, how flags override it, and that
every mistake in it is named by file and key."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from generator.config import ConfigError, find_config, load_config, resolve_targets
from generator.header import read_header
from generator.limits import MAX_CONFIG_BYTES, MAX_TARGETS
from generator.options import build_options
from generator.render import render_module
from tests.support.cli import enter_project, error_line, wsgen

TWO_TARGETS = """\
[project]
name = "app"

[tool.wsgen]
restart-delay = "500ms-3s"
stop-on = [4401, "4403-4499"]

[[tool.wsgen.targets]]
out = "src/vendor/socket.js"

[[tool.wsgen.targets]]
out = "legacy/socket.js"
max-retries = 5
"""


def recorded_flags(path: Path) -> dict[str, object]:
    header = read_header(path.read_text(encoding="utf-8"))
    assert header is not None
    return header.flags


def test_one_generate_writes_every_target_with_shared_and_own_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, TWO_TARGETS)
    (tmp_path / "src" / "vendor").mkdir(parents=True)
    (tmp_path / "legacy").mkdir()
    result = wsgen("generate")
    assert result.exit_code == 0, result.stderr
    app_file = tmp_path / "src" / "vendor" / "socket.js"
    legacy_file = tmp_path / "legacy" / "socket.js"
    shared = {"restart-delay": "500ms-3s", "stop-on": "4401,4403-4499"}
    assert app_file.read_text(encoding="utf-8") == render_module(build_options(shared))
    assert legacy_file.read_text(encoding="utf-8") == render_module(
        build_options({**shared, "max-retries": "5"})
    )
    assert "wrote src/vendor/socket.js" in result.stderr
    assert "wrote legacy/socket.js" in result.stderr


def test_flags_override_the_config_for_every_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, TWO_TARGETS)
    (tmp_path / "src" / "vendor").mkdir(parents=True)
    (tmp_path / "legacy").mkdir()
    assert wsgen("generate", "--restart-delay", "2s-4s", "--max-retries", "9").exit_code == 0
    for path in (tmp_path / "src" / "vendor" / "socket.js", tmp_path / "legacy" / "socket.js"):
        flags = recorded_flags(path)
        assert flags["restart-delay"] == "2s-4s"  # flag beats [tool.wsgen]
        assert flags["max-retries"] == 9  # flag beats the target's own key
        assert flags["stop-on"] == "4401,4403-4499"  # config beats the built-in default


def test_outputs_are_relative_to_the_config_file_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nout = "web/socket.js"\n')
    (tmp_path / "web").mkdir()
    deep = tmp_path / "docs" / "deep"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert wsgen("generate").exit_code == 0
    assert (tmp_path / "web" / "socket.js").is_file()
    assert not (deep / "web").exists()


def test_search_skips_a_pyproject_without_wsgen_and_stops_at_the_repository_root(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "pyproject.toml"
    outside.write_text('[tool.wsgen]\nrestart-delay = "1s-2s"\n')
    repository = tmp_path / "repo"
    package = repository / "packages" / "web"
    package.mkdir(parents=True)
    (repository / ".git").mkdir()
    (package / "pyproject.toml").write_text('[project]\nname = "web"\n')
    assert find_config(package) is None, "the search crossed the repository root"
    (repository / "pyproject.toml").write_text("[tool.wsgen]\nqueue-limit = 5\n")
    assert find_config(package) == repository / "pyproject.toml"
    (package / "pyproject.toml").write_text("[tool.wsgen]\nqueue-limit = 7\n")
    assert find_config(package) == package / "pyproject.toml"


def test_a_git_worktree_file_marks_the_root_too(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.wsgen]\n")
    worktree = tmp_path / "worktree"
    worktree.mkdir()
    (worktree / ".git").write_text("gitdir: ../.git/worktrees/x\n")
    assert find_config(worktree) is None


def test_config_option_reads_a_standalone_toml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, "[tool.wsgen]\nqueue-limit = 1\n")
    (tmp_path / "wsgen.toml").write_text('out = "socket.js"\nqueue-limit = 42\n')
    assert wsgen("generate", "--config", "wsgen.toml").exit_code == 0
    assert recorded_flags(tmp_path / "socket.js")["queue-limit"] == 42


def test_without_any_config_the_defaults_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch)
    (tmp_path / "output").mkdir()
    assert wsgen("generate").exit_code == 0
    text = (tmp_path / "output" / "reconnecting-socket.js").read_text(encoding="utf-8")
    assert text == render_module(build_options({}))


BAD_CONFIGS = [
    (
        '[tool.wsgen]\nrestart_delay = "1s-2s"\n',
        "[tool.wsgen] restart_delay: unknown key; did you mean 'restart-delay'?",
    ),
    ("[tool.wsgen]\nflavour = 1\n", "[tool.wsgen] flavour: unknown key; keys are the long flag"),
    ('[tool.wsgen]\nrestart-delay = "5s-1s"\n', "[tool.wsgen] restart-delay: MIN must not exceed"),
    ("[tool.wsgen]\nbackoff-factor = nan\n", "[tool.wsgen] backoff-factor: expected a number"),
    ("[tool.wsgen]\nqueue-limit = 1.5\n", "[tool.wsgen] queue-limit: expected a whole number"),
    ("[tool.wsgen]\nstop-on = [999]\n", "[tool.wsgen] stop-on: close codes run from 1000"),
    ('[tool.wsgen]\nclass-name = "class"\n', "[tool.wsgen] class-name: 'class' is a reserved"),
    ("[tool.wsgen]\nconnect-timeout = {a = 1}\n", "[tool.wsgen] connect-timeout: unsupported"),
    ("[tool.wsgen]\nout = 5\n", "[tool.wsgen] out: expected a file path, got 5"),
    ('[tool.wsgen]\nout = "-"\n', "[tool.wsgen] out: '-' (stdout) is for --out"),
    ('[tool.wsgen]\nout = "a\\u0000b"\n', "[tool.wsgen] out: a path cannot hold a NUL"),
    ("[tool.wsgen]\ntargets = 3\n", "[tool.wsgen] targets: expected one or more"),
    ("[tool.wsgen]\ntargets = []\n", "[tool.wsgen] targets: expected one or more"),
    (
        '[tool.wsgen]\nout = "a.js"\n[[tool.wsgen.targets]]\nout = "b.js"\n',
        "[tool.wsgen] out: with targets, each [[tool.wsgen.targets]] sets its own",
    ),
    (
        '[tool.wsgen]\n[[tool.wsgen.targets]]\nout = "a.js"\n'
        '[[tool.wsgen.targets]]\nout = "a.js"\n',
        "[[tool.wsgen.targets]] #2 out: 'a.js' is already the output of [[tool.wsgen.targets]] #1",
    ),
    (
        '[tool.wsgen]\n[[tool.wsgen.targets]]\nout = "a.js"\nbackoff-max = "1ms"\n',
        "[[tool.wsgen.targets]] #1 backoff-max: --backoff-max (1ms) must not be below",
    ),
    (
        '[tool.wsgen]\n[[tool.wsgen.targets]]\nout = "a.js"\n[[tool.wsgen.targets]]\nqueue = 1\n',
        "[[tool.wsgen.targets]] #2 queue: unknown key; did you mean 'queue-limit'?",
    ),
    (
        '[tool.wsgen]\nqueue-limit = "lots"\n[[tool.wsgen.targets]]\nout = "a.js"\n',
        "[tool.wsgen] queue-limit: expected a whole number",  # the shared key, not the target
    ),
    (
        '[tool.wsgen]\nqueue = 1\n[[tool.wsgen.targets]]\nout = "a.js"\n',
        "[tool.wsgen] queue: unknown key; did you mean 'queue-limit'?",
    ),
    ("[tool.wsgen\n", "not valid TOML"),
    ("tool = 1\n", "tool: expected a table, got a number"),
    ("tool = [1]\n", "tool: expected a table, got an array"),
    ('tool = "wsgen"\n', "tool: expected a table, got a string"),
    ("tool = true\n", "tool: expected a table, got a boolean"),
    ('[tool]\nwsgen = "on"\n', "tool.wsgen: expected a table, got a string"),
    ("[tool.wsgen]\ntargets = [1]\n", "[[tool.wsgen.targets]] #1: expected a table of options"),
    (
        '[tool.wsgen]\n"queue limit" = 1\n',
        "[tool.wsgen] \"queue limit\": unknown key; did you mean 'queue-limit'?",
    ),
    (
        '[tool.wsgen]\nout = "a.cjs"\nformat = "esm"\n',
        "[tool.wsgen] out: 'a.cjs' is named as cjs output, but the format asked for is esm",
    ),
    ("[tool.wsgen]\nQueue-Limit = 1\n", "[tool.wsgen] Queue-Limit: unknown key; did you mean"),
    ("[tool.wsgen]\ntype_ = true\n", "[tool.wsgen] type_: unknown key; did you mean 'types'?"),
    # with targets, the shared table takes no out: never suggested there
    (
        '[tool.wsgen]\nouts = "a.js"\n[[tool.wsgen.targets]]\nout = "b.js"\n',
        "[tool.wsgen] outs: unknown key; keys are the long flag names: restart-delay, ",
    ),
    # tool, wsgen and a list in a list in ... : one level more than wsgen allows
    ("[tool.wsgen]\nstop-on = " + "[" * 6 + "1" + "]" * 6 + "\n", "nests deeper than 8 levels"),
    ("[tool.wsgen]\nstop-on = " + "[" * 3000 + "]" * 3000 + "\n", "nests deeper than 8 levels"),
    # a deep value is found whatever comes after it: a number, an empty list
    (
        "[tool.wsgen]\nstop-on = " + "[" * 6 + "1" + "]" * 6 + "\nqueue-limit = 1\nretry-on = []\n",
        "nests deeper than 8 levels",
    ),
    # eight levels, as many as allowed: read, then refused for what the value is
    ("[tool.wsgen]\nstop-on = " + "[" * 5 + "1" + "]" * 5 + "\n", "[tool.wsgen] stop-on: expected"),
]


@pytest.mark.parametrize(("config", "message"), BAD_CONFIGS)
def test_a_bad_config_names_the_file_and_the_key_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, message: str
) -> None:
    enter_project(tmp_path, monkeypatch, config)
    for command in (["generate"], ["generate", "--check"], ["codes"], ["explain", "1012"]):
        result = wsgen(*command)
        assert result.exit_code == 2, (command, result.stdout)
        line = error_line(result)
        assert line.startswith(f"wsgen: error: {tmp_path / 'pyproject.toml'}: "), line
        assert message in line
    assert sorted(path.name for path in tmp_path.iterdir()) == [".git", "pyproject.toml"]


def test_a_flag_that_clashes_with_the_config_names_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nstop-on = "4401"\nout = "a.js"\n')
    result = wsgen("generate", "--retry-on", "4401")
    assert result.exit_code == 2
    assert error_line(result).startswith("wsgen: error: --retry-on: code 4401 is in both")
    assert not (tmp_path / "a.js").exists()


def test_out_flag_is_ambiguous_with_several_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, TWO_TARGETS)
    result = wsgen("generate", "--out", "x.js")
    assert result.exit_code == 2
    assert error_line(result).startswith("wsgen: error: --out: ")
    assert "declares 2 targets" in result.stderr


def test_out_flag_replaces_the_single_targets_output_but_keeps_its_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nout = "a.js"\nqueue-limit = 3\n')
    assert wsgen("generate", "--out", "b.js").exit_code == 0
    assert not (tmp_path / "a.js").exists()
    assert recorded_flags(tmp_path / "b.js")["queue-limit"] == 3


def test_explicit_config_file_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    enter_project(tmp_path, monkeypatch)
    missing = wsgen("generate", "--config", "nope.toml")
    assert missing.exit_code == 2
    assert error_line(missing).startswith("wsgen: error: nope.toml: cannot read:")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text("[tool.black]\nline-length = 1\n")
    without = wsgen("generate", "--config", "other/pyproject.toml")
    assert without.exit_code == 2
    assert error_line(without).endswith("other/pyproject.toml: has no [tool.wsgen] table")


def test_the_vendoring_docs_config_example_is_valid(tmp_path: Path) -> None:
    docs = Path(__file__).parents[2] / "docs" / "vendoring.md"
    vendoring = docs.read_text(encoding="utf-8")
    [example] = re.findall(r"```toml\n(.*?)```", vendoring, re.S)
    config = tmp_path / "pyproject.toml"
    config.write_text(example, encoding="utf-8")
    loaded = load_config(config)
    assert [target.out for target in loaded.targets] == [
        Path("src/vendor/reconnecting-socket.js"),
        Path("legacy/socket.js"),
    ]
    assert loaded.targets[1].options.global_name == "LegacySocket"
    for command in ("wsgen generate --check --diff", "wsgen update", ".gitattributes"):
        assert command in vendoring


def test_stdout_with_several_targets_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, TWO_TARGETS)
    result = wsgen("generate", "--out", "-")
    assert result.exit_code == 2
    assert error_line(result).startswith("wsgen: error: --out: ")
    assert result.stdout == ""


def test_stdout_prints_the_single_targets_module_with_its_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nout = "a.js"\nqueue-limit = 3\n')
    result = wsgen("generate", "--out", "-")
    assert result.exit_code == 0
    assert result.stdout == render_module(build_options({"queue-limit": "3"}))
    assert not (tmp_path / "a.js").exists()


def test_a_plain_js_out_keeps_the_configs_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nformat = "iife"\n')
    result = wsgen("generate", "--out", "public/socket.js")
    assert result.exit_code == 0, result.stderr
    assert '"format": "iife"' in (tmp_path / "public" / "socket.js").read_text().split("\n")[1]
    cjs = wsgen("generate", "--out", "public/socket.cjs")
    assert cjs.exit_code == 0, cjs.stderr
    assert '"format": "cjs"' in (tmp_path / "public" / "socket.cjs").read_text().split("\n")[1]


@pytest.mark.parametrize(
    ("shared", "own", "merged"),
    [
        ('global-name = "Live"', 'format = "iife"', None),
        ('backoff-max = "500ms"', 'backoff-initial = "100ms"', None),
        ('heartbeat-timeout = "5s"', 'heartbeat = "1s"', None),
        ('class-name = "require"\nformat = "cjs"', 'format = "esm"', 'class-name = "require"'),
    ],
)
def test_shared_keys_are_checked_with_each_targets_own_not_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: str, own: str, merged: str | None
) -> None:
    """The docs: a target's options are checked together, wherever each came from. Shared keys
    that a target completes (or overrides) were once refused on their own."""
    split = f'[tool.wsgen]\n{shared}\n[[tool.wsgen.targets]]\nout = "split.js"\n{own}\n'
    enter_project(tmp_path, monkeypatch, split)
    assert wsgen("generate").exit_code == 0
    merged = merged or shared  # the shared keys the target's own leave in place
    together = f'[tool.wsgen]\n[[tool.wsgen.targets]]\nout = "together.js"\n{merged}\n{own}\n'
    (tmp_path / "pyproject.toml").write_text(together)
    assert wsgen("generate").exit_code == 0
    split_text = (tmp_path / "split.js").read_text(encoding="utf-8")
    assert split_text == (tmp_path / "together.js").read_text(encoding="utf-8")


def test_shared_keys_a_target_leaves_incomplete_name_that_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = (
        '[tool.wsgen]\nheartbeat-timeout = "5s"\n'
        '[[tool.wsgen.targets]]\nout = "a.js"\nheartbeat = "1s"\n'
        '[[tool.wsgen.targets]]\nout = "b.js"\n'
    )
    enter_project(tmp_path, monkeypatch, config)
    result = wsgen("generate")
    assert result.exit_code == 2
    assert "[[tool.wsgen.targets]] #2 heartbeat-timeout: has no effect without" in result.stderr
    assert not (tmp_path / "a.js").exists()


def test_out_flag_drops_the_format_the_replaced_out_chose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`out = "a.cjs"` chose cjs by its ending; `--out b.js` replaces that out, and with it the
    reason for cjs: b.js is what --out b.js writes without a config, an ES module. A format
    named by a key stays; `--out -` names no file and prints what the config's out holds."""
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nout = "a.cjs"\nqueue-limit = 3\n')
    assert wsgen("generate", "--out", "b.js").exit_code == 0
    assert recorded_flags(tmp_path / "b.js")["format"] == "esm"
    assert recorded_flags(tmp_path / "b.js")["queue-limit"] == 3
    printed = read_header(wsgen("generate", "--out", "-").stdout)
    assert printed is not None and printed.flags["format"] == "cjs"
    (tmp_path / "pyproject.toml").write_text('[tool.wsgen]\nout = "a.cjs"\nformat = "cjs"\n')
    assert wsgen("generate", "--out", "c.js").exit_code == 0
    assert recorded_flags(tmp_path / "c.js")["format"] == "cjs"


def test_config_file_problems_name_the_file_and_what_is_wrong(tmp_path: Path) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes('class-name = "Sock\xe9t"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin\.toml: not valid TOML: not UTF-8 text$"):
        load_config(latin)
    with pytest.raises(ConfigError, match=r": cannot read: it is a folder; give a file path$"):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read: no such file$"):
        load_config(tmp_path / "nope.toml")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match=r"fifo\.toml: cannot read: it is a FIFO; wsgen reads"):
        load_config(fifo)
    given = tmp_path / "given.toml"  # given with --config: named the same way
    given.write_text("tool = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"given\.toml: tool: expected a table, got a number$"):
        load_config(given)


def test_a_config_may_be_as_large_as_the_limit_and_no_larger(tmp_path: Path) -> None:
    config = tmp_path / "wsgen.toml"
    line = "queue-limit = 7\n"
    padding = MAX_CONFIG_BYTES - len(line)
    config.write_text(line + "#" * (padding - 1) + "\n", encoding="utf-8")
    assert config.stat().st_size == MAX_CONFIG_BYTES
    assert load_config(config).targets[0].options.queue_limit == 7
    config.write_text(line + "#" * padding + "\n", encoding="utf-8")
    limit = f"{MAX_CONFIG_BYTES // 1024} KB"
    with pytest.raises(ConfigError, match=rf"wsgen\.toml: larger than {limit}$"):
        load_config(config)


def test_a_config_may_declare_as_many_targets_as_the_limit_and_no_more(tmp_path: Path) -> None:
    config = tmp_path / "wsgen.toml"
    for count in (MAX_TARGETS, MAX_TARGETS + 1):
        tables = "".join(f'[[targets]]\nout = "t{n}.js"\n' for n in range(count))
        config.write_text(tables, encoding="utf-8")
        if count == MAX_TARGETS:
            assert len(load_config(config).targets) == MAX_TARGETS
        else:
            with pytest.raises(ConfigError, match=rf"top level targets: at most {MAX_TARGETS} "):
                load_config(config)


@pytest.mark.parametrize(
    ("out", "leaves"),
    [
        ("..", True),
        ("../x.js", True),
        ("a/../../x.js", True),
        ("/tmp/x.js", True),
        ("..x.js", False),  # a name that starts with two dots is still inside
        ("a/../x.js", False),
        ("vendor/..socket.js", False),
    ],
)
def test_a_configs_out_stays_inside_the_configs_folder(
    tmp_path: Path, out: str, leaves: bool
) -> None:
    config = tmp_path / "wsgen.toml"
    config.write_text(f"out = {json.dumps(out)}\n", encoding="utf-8")
    loaded = load_config(config)
    if leaves:
        message = f"wsgen.toml: top level out: {out!r} leaves the folder of the config"
        with pytest.raises(ConfigError, match=re.escape(message)):
            resolve_targets(loaded, {}, None)
        # --out is the user's own choice: it may go anywhere
        assert resolve_targets(loaded, {}, "../elsewhere.js")[0].out == Path("../elsewhere.js")
    else:
        [target] = resolve_targets(loaded, {}, None)
        assert (target.folder, target.out) == (tmp_path, Path(out))
        assert target.out_name == f"{config}: top level out"


def test_a_standalone_configs_targets_are_named_as_its_own_tables(tmp_path: Path) -> None:
    config = tmp_path / "wsgen.toml"
    config.write_text('[[targets]]\nout = "a.js"\n[[targets]]\nqueue = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert str(error.value) == (
        f"{config}: [[targets]] #2 queue: unknown key; did you mean 'queue-limit'?"
    )
    config.write_text("targets = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"top level targets: expected one or more \[\[targets"):
        load_config(config)


def test_a_format_flag_against_a_configs_out_names_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(tmp_path, monkeypatch, '[tool.wsgen]\nout = "a.cjs"\n')
    result = wsgen("generate", "--format", "esm")
    assert result.exit_code == 2
    assert error_line(result) == (
        "wsgen: error: --format: 'a.cjs' is named as cjs output, but the format asked for is "
        "esm; drop --format to let the ending choose, or name the file a.js"
    )
    assert not (tmp_path / "a.cjs").exists()
