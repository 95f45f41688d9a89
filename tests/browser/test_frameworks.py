"""The React hook and the Vue composable (--framework) in headless Chromium, in real React 19,
React 18 and Vue 3 development builds bundled by esbuild, against a real server on 127.0.0.1:
1000 stops, 1012 comes back inside the restart window, StrictMode's double mount opens one
connection, unmount closes with 1000 and leaves no timer or listener, and a new URL reconnects
once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from generator.options import build_options
from generator.outputs import plan_outputs
from tests.support.browser import StaticServer
from tests.support.frameworks import bundle_page
from tests.support.servers import Script, ScriptedServer

pytestmark = pytest.mark.browser

FLAGS = {
    "restart-delay": "300ms-600ms",
    "backoff-initial": "50ms",
    "backoff-max": "1s",
    "framework": "react,vue",
}
WINDOW = (0.3, 0.6)

VARIANTS = ["react19", "react18", "vue3"]


@pytest.fixture(scope="module", params=VARIANTS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The variant's app with the generated module and bindings, served over HTTP."""
    with served_app(tmp_path_factory.mktemp(request.param), request.param, FLAGS) as url:
        yield url


@contextmanager
def served_app(folder: Path, variant: str, flags: dict[str, str]) -> Iterator[str]:
    """`variant`'s app bundled in `folder` with the module and bindings `flags` generate."""
    options = build_options(flags)
    for output in plan_outputs(options, folder / "reconnecting-socket.js"):
        output.path.write_text(output.render(options), encoding="utf-8")
    bundle_page(folder, variant)
    with StaticServer(folder) as static:
        yield static.url


class App:
    """The page's harness (tests/frameworks/*-app.mjs), seen from the test."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        self.errors = errors
        page.goto(url)
        page.wait_for_function("window.harness !== undefined")
        self.baseline = self.page.evaluate("() => leftRunning()")
        self.seen = 0  # states before this index were passed by an earlier wait_state

    def mount(self, url: str, strict: bool = False) -> None:
        self.page.evaluate("([url, strict]) => harness.mount(url, strict)", [url, strict])

    def set_url(self, url: str) -> None:
        self.page.evaluate("(url) => harness.setUrl(url)", url)

    def rerender(self) -> None:
        self.page.evaluate("() => harness.rerender()")

    def unmount(self) -> None:
        self.page.evaluate("() => harness.unmount()")

    def unmount_when(self, condition: str, timeout: float = 10) -> None:
        """Unmount as soon as `condition` (over `s`, the hook's state) holds, checked in the page
        every 5 ms: a round trip through the test per check can take longer than a restart
        window on a loaded machine."""
        self.page.evaluate(
            """([condition, timeout]) => new Promise((resolve, reject) => {
              const holds = new Function("s", `return !!s && (${condition});`);
              const started = Date.now();
              const poll = setInterval(() => {
                if (holds(window.socketState)) {
                  clearInterval(poll);
                  harness.unmount();
                  resolve();
                } else if (Date.now() - started > timeout) {
                  clearInterval(poll);
                  reject(new Error(`not met within ${timeout} ms: ${condition}`));
                }
              }, 5);
            })""",
            [condition, timeout * 1000],
        )

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.page.evaluate("() => window.socketState")
        return state

    def wait_state(self, condition: str, timeout: float = 10) -> dict[str, Any]:
        """Wait until the binding renders a state in which `condition`, JavaScript over `s` (the
        hook's state), holds, and return that state. States are searched in the order they were
        rendered, from just after the one the previous wait returned: a short-lived state (the
        pending reconnect of a short restart window) is found even when the next one has
        already replaced it by the time the test looks."""
        handle = self.page.wait_for_function(
            """([condition, start]) => {
              const holds = new Function("s", `return !!s && (${condition});`);
              const states = window.socketStates;
              for (let index = start; index < states.length; index++) {
                if (holds(states[index])) return { index, state: states[index] };
              }
              return false;
            }""",
            arg=[condition, self.seen],
            timeout=timeout * 1000,
            polling=20,
        )
        found: dict[str, Any] = handle.json_value()
        self.seen = found["index"] + 1
        state: dict[str, Any] = found["state"]
        return state

    def left_running(self) -> dict[str, Any]:
        """Timers pending and listeners on window and document, beyond those the page had
        before mounting, except react-dom's one "selectionchange" listener per document, which
        it adds with the first root and keeps by design."""
        running: dict[str, Any] = self.page.evaluate("() => leftRunning()")
        listeners = list(running["listeners"])
        for listener in [*self.baseline["listeners"], "selectionchange"]:
            if listener in listeners:
                listeners.remove(listener)
        return {"timers": running["timers"] - self.baseline["timers"], "listeners": listeners}


@pytest.fixture
def app(page: Any, site: str) -> App:
    return App(page, site)


def test_close_1000_stops_for_good(app: App) -> None:
    with ScriptedServer([Script(after=0.3, code=1000, reason="bye")]) as server:
        app.mount(server.url)
        state = app.wait_state("s.lastClose !== null")
        assert state["lastClose"] == {
            "code": 1000,
            "reason": "bye",
            "wasClean": True,
            "final": True,
        }
        assert state["readyState"] == 3 and state["reconnect"] is None
        time.sleep(2 * WINDOW[1])
        assert len(server.connections) == 1
    assert app.errors == []


def test_close_1012_comes_back_inside_the_restart_window(app: App) -> None:
    scripts = [Script(after=0.3, code=1012), Script(greet="welcome back")]
    with ScriptedServer(scripts) as server:
        app.mount(server.url)
        pending = app.wait_state("s.reconnect !== null")
        assert pending["lastClose"] == {
            "code": 1012,
            "reason": "",
            "wasClean": True,
            "final": False,
        }
        assert pending["reconnect"]["attempt"] == 1
        assert 300 <= pending["reconnect"]["delay"] <= 600
        back = app.wait_state("s.lastMessage === 'welcome back'")
        assert back["readyState"] == 1 and back["reconnect"] is None
        first, second = server.connections
        assert first.closing_at is not None
        # No sooner than the window allows; the upper bound leaves a loaded machine room.
        assert WINDOW[0] <= second.opened_at - first.closing_at <= WINDOW[1] + 1.0
    assert app.errors == []


def test_one_connection_per_mount_even_in_strict_mode(app: App) -> None:
    with ScriptedServer([Script(echo=True)]) as server:
        app.mount(server.url, strict=True)
        app.wait_state("s.readyState === 1")
        app.page.evaluate("() => socketSend('hello')")
        app.wait_state("s.lastMessage === 'hello'")
        app.rerender()  # a new settings object: not a new connection
        time.sleep(0.5)
        assert len(server.connections) == 1
        assert server.connections[0].messages == ["hello"]
    assert app.errors == []


def test_unmount_closes_with_1000_and_leaves_nothing_running(app: App) -> None:
    with ScriptedServer([Script()]) as server:
        app.mount(server.url, strict=True)
        app.wait_state("s.readyState === 1")
        app.unmount()
        server.wait_until(lambda: server.connections[0].close_code is not None)
        assert server.connections[0].close_code == 1000
        time.sleep(0.2)
        assert app.left_running() == {"timers": 0, "listeners": []}
    assert app.errors == []


def test_unmount_during_a_pending_reconnect_cancels_it(app: App) -> None:
    with ScriptedServer([Script(after=0.2, code=1012)]) as server:
        app.mount(server.url)
        app.unmount_when("s.reconnect !== null")
        time.sleep(0.1)
        assert app.left_running() == {"timers": 0, "listeners": []}
        time.sleep(2 * WINDOW[1])
        assert len(server.connections) == 1
    assert app.errors == []


def test_a_new_url_reconnects_once(app: App) -> None:
    with ScriptedServer([Script(), Script(greet="b")]) as server:
        app.mount(server.url + "a")
        app.wait_state("s.readyState === 1")
        app.set_url(server.url + "b")
        app.wait_state("s.lastMessage === 'b'")
        server.wait_until(lambda: server.connections[0].close_code is not None)
        app.rerender()
        time.sleep(2 * WINDOW[1])
        assert [connection.path for connection in server.connections] == ["/a", "/b"]
        assert server.connections[0].close_code == 1000
        assert server.connections[1].close_code is None
        assert app.state()["lastClose"] is None  # the old socket's end is not the new one's
    assert app.errors == []


# -- with --share-tabs: the same bindings, unchanged, over a socket that tabs share ------------

SHARED_FLAGS = {**FLAGS, "share-tabs": "on"}


@pytest.fixture(scope="module", params=VARIANTS)
def shared_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The variant's app over a --share-tabs module."""
    folder = tmp_path_factory.mktemp(f"shared-{request.param}")
    with served_app(folder, request.param, SHARED_FLAGS) as url:
        yield url


@pytest.fixture
def two_tabs(page: Any, shared_site: str) -> list[App]:
    """The app in two tabs of one browser profile."""
    return [App(page, shared_site), App(page.context.new_page(), shared_site)]


def test_strict_mode_in_two_tabs_opens_one_connection_for_the_browser(
    two_tabs: list[App],
) -> None:
    with ScriptedServer([Script(echo=True)]) as server:
        for app in two_tabs:
            app.mount(server.url, strict=True)
            app.wait_state("s.readyState === 1")
        two_tabs[1].page.evaluate("() => socketSend('from the second tab')")
        for app in two_tabs:
            app.wait_state("s.lastMessage === 'from the second tab'")
        time.sleep(0.3)
        assert len(server.connections) == 1
        assert server.connections[0].messages == ["from the second tab"]
        for app in two_tabs:
            app.unmount()
        # The last socket anywhere gone, the connection closes with 1000 and nothing is left.
        server.wait_until(lambda: server.connections[0].close_code is not None)
        assert server.connections[0].close_code == 1000
        time.sleep(0.2)
        for app in two_tabs:
            assert app.left_running() == {"timers": 0, "listeners": []}
    assert [app.errors for app in two_tabs] == [[], []]


def test_a_1012_comes_back_once_for_both_tabs(two_tabs: list[App]) -> None:
    scripts = [Script(), Script(greet="welcome back")]
    with ScriptedServer(scripts) as server:
        for app in two_tabs:
            app.mount(server.url, strict=True)
        # The 1012 once both tabs are open: a tab that mounts later (a loaded machine) would
        # join during the reconnect and never see it.
        for app in two_tabs:
            app.wait_state("s.readyState === 1")
        server.close(0, 1012)
        for app in two_tabs:
            app.wait_state("s.lastMessage === 'welcome back'")
        pending = [app.state() for app in two_tabs]
        assert pending[0]["lastClose"] == pending[1]["lastClose"]
        assert len(server.connections) == 2
    assert [app.errors for app in two_tabs] == [[], []]
