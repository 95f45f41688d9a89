"""Where the templates are read from (inside the installed package, else the checkout's
templates/), and the compiled-template cache docs/cli.md promises: in the user's cache folder
(`~/.cache/wsgen/<versions>/`, or under $XDG_CACHE_HOME), off with `WSGEN_NO_CACHE=1`, one folder
per wsgen, Jinja and Python version, never one someone else could write, and the output the same
bytes either way: a missing, broken or unusable cache is no cache."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from generator import __version__, render
from generator.options import build_options


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh $XDG_CACHE_HOME, the cache on, and a fresh Jinja environment before and after."""
    home = tmp_path / "xdg-cache"
    monkeypatch.delenv("WSGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    render.environment.cache_clear()
    yield home
    render.environment.cache_clear()


def rendered() -> str:
    """The default module, rendered by a new environment (so the cache is read afresh)."""
    render.environment.cache_clear()
    return render.render_module(build_options({}))


def test_the_cache_folder_is_per_version_under_xdg_cache_home(cache_home: Path) -> None:
    folder = render._cache_folder()
    assert folder is not None and folder.is_dir()
    assert folder.parent == cache_home / "wsgen"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    for version in (__version__, jinja2.__version__, python):
        assert version in folder.name
    assert render._cache_folder() == folder  # found again, not refused for existing


def test_without_xdg_cache_home_the_cache_is_under_home(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for unset in (None, ""):  # unset, and set to nothing: both mean the default
        if unset is None:
            monkeypatch.delenv("XDG_CACHE_HOME")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", unset)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        folder = render._cache_folder()
        assert folder is not None and folder.parent == tmp_path / "home" / ".cache" / "wsgen"


def test_the_cache_folder_and_its_parents_are_made(cache_home: Path) -> None:
    assert not cache_home.exists()
    folder = render._cache_folder()
    assert folder is not None and folder.is_dir()
    # only this user may write (or read) the compiled code wsgen will run
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0


def test_wsgen_no_cache_turns_it_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = rendered()
    assert any(cache_home.rglob("*")), "a render with the cache on leaves compiled templates"
    for entry in sorted(cache_home.rglob("*"), reverse=True):
        entry.rmdir() if entry.is_dir() else entry.unlink()
    monkeypatch.setenv("WSGEN_NO_CACHE", "1")
    assert render._cache_folder() is None
    assert rendered() == cached
    assert not any(cache_home.rglob("*")), "WSGEN_NO_CACHE=1 writes nothing to the cache"


@pytest.mark.parametrize("bits", [stat.S_IWGRP, stat.S_IWOTH], ids=["group", "others"])
def test_a_folder_others_can_write_is_not_used(cache_home: Path, bits: int) -> None:
    folder = render._cache_folder()
    assert folder is not None
    folder.chmod(0o700 | bits)
    assert render._cache_folder() is None
    folder.chmod(0o755)  # readable by others, writable by this user only: fine
    assert render._cache_folder() == folder


def test_a_folder_another_user_owns_is_not_used(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render._cache_folder() is not None
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    assert render._cache_folder() is None


def test_no_usable_place_for_a_cache_means_no_cache(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = rendered()
    cache_home.rename(tmp_path / "moved")
    cache_home.write_text("a file where the cache folder would go\n", encoding="utf-8")
    assert render._cache_folder() is None
    assert rendered() == expected

    # no $XDG_CACHE_HOME and no home folder Python can find: no cache, not a crash
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    assert render._cache_folder() is None
    assert rendered() == expected


def test_a_broken_cache_gives_the_same_bytes(cache_home: Path) -> None:
    cold = rendered()
    warm = rendered()  # loaded from the compiled templates the first render left
    assert warm == cold
    entries = [entry for entry in cache_home.rglob("*") if entry.is_file()]
    assert entries
    for entry in entries:  # each cut short after its header: unreadable code
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    assert rendered() == cold


def test_a_cache_that_cannot_be_written_gives_the_same_bytes(cache_home: Path) -> None:
    cold = rendered()
    folder = render._cache_folder()
    assert folder is not None
    render.environment.cache_clear()
    environment = render.environment()  # set up while the folder is there
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()
    folder.write_text("no longer a folder\n", encoding="utf-8")
    template = environment.get_template(build_options({}).formats[0].template)
    assert template is not None
    assert render.render_module(build_options({})) == cold


def test_templates_ship_inside_the_package_else_come_from_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "generator"
    package.mkdir(parents=True)
    monkeypatch.setattr(render, "__file__", str(package / "render.py"))
    assert render.templates_dir() == tmp_path / "site-packages" / "templates"  # a checkout
    (package / "templates").mkdir()
    assert render.templates_dir() == package / "templates"  # an installed wheel


def test_a_warm_cache_compiles_nothing(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = rendered()  # compiles each template once, and keeps the result
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, *args: object, **kwargs: object) -> object:
        compiled.append(str(args[0] if args else kwargs.get("name")))
        return compile_template(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    assert rendered() == cold
    assert compiled == [], "a warm cache loads the compiled templates"
    monkeypatch.setenv("WSGEN_NO_CACHE", "1")
    assert rendered() == cold
    assert compiled, "without the cache every template is compiled"
