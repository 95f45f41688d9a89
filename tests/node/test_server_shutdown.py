"""The server half of a restart (docs/servers.md): what uvicorn, hypercorn, aiohttp, the
`websockets` server and Node's `ws` send to the generated client when SIGTERM shuts them down,
and proof that each snippet of docs/servers/ makes it 1012, which the client answers by coming
back inside its restart window.

Each server runs as its own process on 127.0.0.1, as in production, and is stopped by a real
SIGTERM; the client is the generated module in Node with `ws`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RenderTo
from tests.support.fast import FAST_GIVING_UP
from tests.support.node import NODE_DIR, NodeClient, client

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "docs" / "servers"
PLAIN = Path(__file__).resolve().parent / "servers"

Argv = Callable[[int, str, Path], list[str]]
"""The command line of a server, given its port, `node` and a folder to work in."""


def _node_script(script: Path) -> Argv:
    def argv(port: int, node: str, work: Path) -> list[str]:
        # An ES module finds `ws` in a node_modules beside it or above it: give the copy one.
        copy = work / script.name
        copy.write_bytes(script.read_bytes())
        if not (work / "node_modules").exists():
            (work / "node_modules").symlink_to(NODE_DIR / "node_modules")
        return [node, str(copy)]

    return argv


def _python(*arguments: str) -> Argv:
    return lambda port, node, work: [
        sys.executable,
        *(argument.replace("{port}", str(port)) for argument in arguments),
    ]


@dataclass(frozen=True)
class Server:
    name: str
    plain: Argv
    """The server as most apps run it, with no shutdown code of their own."""
    sends: int
    """The close code the client sees when `plain` is shut down gracefully (SIGTERM)."""
    snippet: Argv
    """The docs/servers/ snippet that makes it send 1012 instead."""


UVICORN = ["-m", "uvicorn", "--app-dir", str(SNIPPETS), "echo_asgi:app"]
UVICORN += ["--host", "127.0.0.1", "--port", "{port}"]

SERVERS = [
    # uvicorn needs nothing: its plain run is the snippet.
    Server("uvicorn", _python(*UVICORN), 1012, _python(*UVICORN)),
    Server(
        "hypercorn",
        _python("-m", "hypercorn", "--bind", "127.0.0.1:{port}", "echo_asgi:app"),
        1011,
        _python(str(SNIPPETS / "hypercorn_app.py")),
    ),
    Server(
        "aiohttp",
        _python(str(PLAIN / "plain_aiohttp.py")),
        1006,
        _python(str(SNIPPETS / "aiohttp_app.py")),
    ),
    Server(
        "websockets",
        _python(str(PLAIN / "plain_websockets.py")),
        1001,
        _python(str(SNIPPETS / "websockets_app.py")),
    ),
    Server(
        "ws",
        _node_script(PLAIN / "plain-ws.mjs"),
        1006,
        _node_script(SNIPPETS / "ws-server.mjs"),
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(argv: list[str], port: int, work: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The server process, once it accepts TCP on `port`; killed on exit if still there."""
    log = (work / f"server-{time.monotonic_ns()}.log").open("wb")
    process = subprocess.Popen(
        argv,
        cwd=SNIPPETS,
        env={
            **os.environ,
            "PORT": str(port),
            "PYTHONPATH": str(SNIPPETS),
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, Path(log.name).read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.05)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        log.close()


def _shut_down(process: subprocess.Popen[bytes]) -> None:
    """A graceful shutdown, as systemd, Docker or Kubernetes begin one."""
    process.send_signal(signal.SIGTERM)


def _ending(client: NodeClient, timeout: float) -> dict[str, Any]:
    """How the first connection ended, as the client saw it: the `reconnecting` event of a
    retried close, or the `close` event of a final one."""
    deadline = time.monotonic() + timeout
    while True:
        types = [event["type"] for event in client.events]
        if "open" in types:
            after = client.events[types.index("open") + 1 :]
            endings = [event for event in after if event["type"] in ("reconnecting", "close")]
            if endings:
                return endings[0]
        if time.monotonic() > deadline:
            raise TimeoutError(f"the connection did not end in {timeout} s: {client.events}")
        time.sleep(0.01)


@pytest.fixture
def module(render_to: RenderTo) -> Path:
    return render_to(**FAST_GIVING_UP)


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
def test_graceful_shutdown_sends(server: Server, module: Path, node: str, tmp_path: Path) -> None:
    port = _free_port()
    with running(server.plain(port, node, tmp_path), port, tmp_path) as process:
        with client(module, f"ws://127.0.0.1:{port}/") as watching:
            watching.wait_for("open", timeout=15)
            _shut_down(process)
            # hypercorn holds its sockets for a 3 s grace first.
            close = _ending(watching, timeout=20)
    assert close["code"] == server.sends, close


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
def test_snippet_sends_1012_and_the_client_returns_inside_its_window(
    server: Server, module: Path, node: str, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"ws://127.0.0.1:{port}/"
    # Once back, the app ends the session: the client exits, proving it left nothing running.
    ending = [{"on": "open", "count": 2, "close": [1000, "done"]}]
    with ExitStack() as stack:
        # The client outlives the first server: they are entered in that order.
        first = stack.enter_context(running(server.snippet(port, node, tmp_path), port, tmp_path))
        watching = stack.enter_context(client(module, url, rules=ending))
        watching.wait_for("open", timeout=15)
        _shut_down(first)
        close = _ending(watching, timeout=15)
        # uvicorn re-raises the signal once it has shut down: its exit says "ended by SIGTERM".
        assert first.wait(15) in (0, -signal.SIGTERM), "the snippet did not end on SIGTERM"
        # The restarted server, on the same port.
        with running(server.snippet(port, node, tmp_path), port, tmp_path):
            watching.wait_for("open", count=2, timeout=20)
            assert watching.wait_exit(10) == 0
    assert close["type"] == "reconnecting", close
    assert (close["code"], close["reason"], close["attempt"], close["fromServer"]) == (
        1012,
        "",
        1,
        False,
    )
    assert 300 <= close["delay"] <= 600
    # The first new attempt waited for the window, measured on the client's own clock.
    second_attempt = watching.of("construct")[1]
    assert second_attempt["t"] - close["t"] >= 300


def test_retry_after_snippet_sets_the_clients_delay(
    render_to: RenderTo, node: str, tmp_path: Path
) -> None:
    # A --backoff-max above the hint, which the module would otherwise cap it to.
    module = render_to(**{**FAST_GIVING_UP, "backoff_max": "30s"})
    port = _free_port()
    argv = _python(str(SNIPPETS / "websockets_retry_after.py"))(port, node, tmp_path)
    with running(argv, port, tmp_path) as server:
        with client(module, f"ws://127.0.0.1:{port}/") as watching:
            watching.wait_for("open", timeout=15)
            _shut_down(server)
            ending = _ending(watching, timeout=15)
    assert (ending["type"], ending["code"], ending["fromServer"]) == ("reconnecting", 1012, True)
    hint = float(ending["reason"].removeprefix("retry-after="))
    assert 8 <= hint <= 15
    assert ending["delay"] == round(hint * 1000)
