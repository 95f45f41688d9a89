"""JavaScript projects that type-check their own files (`allowJs`, `checkJs`, `strict`, as
SvelteKit's default jsconfig.json sets them) vendor the generated JavaScript and must find it
complete: no error inside the vendored file, and an app using the socket as it would use a
WebSocket (handlers, typed "reconnecting" fields, the socket passed where a WebSocket is
expected, send) type-checks, on each pinned TypeScript (7 and 5.9).

The apps are tests/types/usage-checkjs.js (an ES module), .cjs (CommonJS) and -page.js (a
classic script beside the iife's global).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.options import build_options
from generator.outputs import plan_outputs
from tests.golden.cases import every_feature_off
from tests.support.tools import TYPES_DIR, ensure_tools

pytestmark = pytest.mark.tools

STRICT_JS = {
    "allowJs": True,
    "checkJs": True,
    "strict": True,
    "noEmit": True,
    "target": "es2022",
    "lib": ["es2022", "dom"],
    "types": [],
}
# Node projects resolve as Node does; a page's scripts as a bundler-era browser project does.
NODE = {**STRICT_JS, "module": "nodenext"}
BROWSER = {**STRICT_JS, "module": "esnext", "moduleResolution": "bundler"}

# Each profile's module, vendored side by side into one ES module project.
PROFILES = {
    "default": {},
    "minimal": every_feature_off(),
    "full": {"heartbeat": "30s", "share-tabs": "on"},
}


def check(folder: Path, typescript: str, options: dict[str, object], files: list[str]) -> str:
    """`tsc -p` of a jsconfig.json with `options` over `files`; returns what it printed."""
    config = {"compilerOptions": options, "files": files}
    (folder / "jsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    tsc = ensure_tools().parent / typescript / "bin" / "tsc"
    result = subprocess.run(
        ["node", str(tsc), "--project", str(folder / "jsconfig.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout + result.stderr if result.returncode else ""


def vendor(folder: Path, name: str, flags: dict[str, str]) -> Path:
    options = build_options(flags)
    [output] = plan_outputs(options, folder / name)
    output.path.write_text(output.render(options), encoding="utf-8")
    return output.path


def app(template: str, vendored: str) -> str:
    return (TYPES_DIR / template).read_text(encoding="utf-8").replace("VENDORED", vendored)


def test_an_es_module_project_checks_each_profile_and_an_app_using_it(
    tmp_path: Path, typescript: str
) -> None:
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    files = []
    for profile, flags in PROFILES.items():
        vendored = vendor(tmp_path, f"socket-{profile}.js", flags)
        (tmp_path / f"app-{profile}.js").write_text(app("usage-checkjs.js", f"./{vendored.name}"))
        files += [vendored.name, f"app-{profile}.js"]
    assert check(tmp_path, typescript, NODE, files) == ""


def test_a_commonjs_project_checks_the_cjs_format_and_an_app_using_it(
    tmp_path: Path, typescript: str
) -> None:
    (tmp_path / "package.json").write_text("{}", encoding="utf-8")
    vendored = vendor(tmp_path, "socket.cjs", {"format": "cjs"})
    (tmp_path / "app.cjs").write_text(app("usage-checkjs.cjs", "./socket.cjs"))
    assert check(tmp_path, typescript, NODE, [vendored.name, "app.cjs"]) == ""


def test_a_page_checks_the_iife_format_and_a_script_using_its_global(
    tmp_path: Path, typescript: str
) -> None:
    vendored = vendor(tmp_path, "socket.iife.js", {"format": "iife"})
    (tmp_path / "page.js").write_text(app("usage-checkjs-page.js", ""))
    assert check(tmp_path, typescript, BROWSER, [vendored.name, "page.js"]) == ""


def test_the_strict_check_finds_an_app_that_misuses_the_socket(
    tmp_path: Path, typescript: str
) -> None:
    """So that a clean check above means something: a wrong field and a wrong send fail."""
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    vendored = vendor(tmp_path, "socket.js", {})
    misuse = (
        app("usage-checkjs.js", "./socket.js")
        .replace("event.attempt;", "event.attempts;")
        .replace('socket.send("hello");', "socket.send({ not: 'data' });")
    )
    (tmp_path / "app.js").write_text(misuse, encoding="utf-8")
    printed = check(tmp_path, typescript, NODE, [vendored.name, "app.js"])
    assert "app.js" in printed and "attempts" in printed, printed
    assert "socket.js" not in printed, printed
