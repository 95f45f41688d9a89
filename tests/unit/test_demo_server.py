"""`wsgen demo` without a browser: the page's data, the server's HTTP and WebSocket answers, and
the command line (flags, errors, Ctrl-C)."""

from __future__ import annotations

import json
import re
import select
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

import generator
from generator.cli import app
from generator.codes import CLOSE_CODES
from generator.demo.page import SOCKET_PATH, build_site, default_down_for, demo_command, page_data
from generator.demo.server import KEPT_MESSAGES, MAX_MESSAGE_BYTES, DemoServer, can_send
from generator.options import FILE_FLAGS, OPTION_SPECS, build_options
from generator.render import render_module
from tests.support.demo import running_demo

ROOT = Path(__file__).parents[2]
runner = CliRunner()


# -- the page -----------------------------------------------------------------------------------


def embedded_data(html: str) -> Any:
    match = re.search(r'<script type="application/json" id="demo-data">(.*?)</script>', html, re.S)
    assert match, "the page carries its data"
    return json.loads(match[1])


def test_page_data_draws_every_code_from_the_table() -> None:
    data = page_data(build_options({}), {})
    assert [(row["first"], row["last"], row["name"], row["meaning"]) for row in data["codes"]] == [
        (row.first, row.end, row.name, row.description) for row in CLOSE_CODES
    ]


def test_page_data_shows_switches_as_on_or_off_not_python_booleans() -> None:
    data = page_data(build_options({"network-aware": "off"}), {"network-aware": "off"})
    shown = {entry["flag"]: (entry["value"], entry["switch"]) for entry in data["flags"]}
    assert shown["types"] == ("off", True)
    assert shown["network-aware"] == ("off", True)
    assert shown["manual-reconnect"] == ("on", True)
    assert shown["restart-delay"] == ("1s-5s", False)
    assert not {value for value, _switch in shown.values()} & {"True", "False"}


def test_page_embeds_its_data_as_json_that_cannot_end_the_script() -> None:
    options = build_options({"restart-delay": "500ms-1s"})
    site = build_site(options, {"restart-delay": "500ms-1s"})
    html = site["/"].body.decode("utf-8")
    block = html.split('id="demo-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block, "|tojson escapes < so no text can close the element"
    assert embedded_data(html) == json.loads(json.dumps(page_data(options, {"restart-delay": 1})))


def test_the_site_serves_the_module_the_flags_generate() -> None:
    options = build_options({"stop-on": "4401", "class-name": "AppSocket"})
    site = build_site(options, {})
    assert site["/reconnecting-socket.js"].body.decode("utf-8") == render_module(options)
    assert site["/reconnecting-socket.js"].content_type.startswith("text/javascript")
    assert embedded_data(site["/"].body.decode("utf-8"))["className"] == "AppSocket"


def test_the_page_names_no_outside_host() -> None:
    site = build_site(build_options({}), {})
    for path in ("/", "/demo.js", "/demo.css"):
        text = site[path].body.decode("utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path


def test_command_line_shows_given_flags_normalised_in_spec_order() -> None:
    given = {"queue-limit": "10", "restart-delay": "0.5s-1s"}
    options = build_options(given)
    assert demo_command(options, given) == "wsgen demo --restart-delay 500ms-1s --queue-limit 10"


def test_command_line_shows_a_switch_as_the_flag_a_user_types() -> None:
    given = {"network-aware": False, "retry-hint": True}
    options = build_options(given)
    assert demo_command(options, given) == "wsgen demo --no-network-aware --retry-hint"


def test_a_restart_by_default_is_over_before_the_first_reconnect() -> None:
    assert default_down_for(build_options({"restart-delay": "500ms-1s"})) == 0.2
    assert default_down_for(build_options({})) == 0.5


@pytest.mark.parametrize(
    ("code", "sendable"),
    [
        *[(999, False), (1000, True), (1003, True), (1004, False), (1006, False)],
        *[(1007, True), (1014, True), (1015, False), (2999, False), (3000, True)],
        *[(4999, True), (5000, False)],
    ],
)
def test_only_codes_a_server_may_send_are_offered(code: int, sendable: bool) -> None:
    assert can_send(code) is sendable


# -- the server over HTTP and WebSocket ---------------------------------------------------------


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def control(server: DemoServer, **query: str) -> tuple[int, str]:
    status, _, body = get(server.url + "control?" + urllib.parse.urlencode(query))
    message: str = json.loads(body)["message"]
    return status, message


def socket_url(server: DemoServer, client: str = "test") -> str:
    return f"ws://127.0.0.1:{server.port}{SOCKET_PATH}?client={client}"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with running_demo(restart_delay="500ms-1s") as running:
        yield running


def test_one_port_serves_page_files_and_module(server: DemoServer) -> None:
    for path, kind in [
        ("", "text/html"),
        ("demo.js", "text/javascript"),
        ("demo.css", "text/css"),
        ("reconnecting-socket.js", "text/javascript"),
    ]:
        status, headers, body = get(server.url + path)
        assert status == 200, path
        assert headers["Content-Type"].startswith(kind)
        assert headers["Cache-Control"] == "no-store"
        assert int(headers["Content-Length"]) == len(body)
    status, _, _ = get(server.url + "elsewhere.js")
    assert status == 404


def test_messages_are_acknowledged_on_the_connection_that_received_them(
    server: DemoServer,
) -> None:
    with connect(socket_url(server), open_timeout=10) as client:
        welcome = {"type": "welcome", "connection": 1, "open": 1}
        assert json.loads(client.recv(timeout=10)) == welcome
        client.send(json.dumps({"id": 7, "text": "hi"}))
        assert json.loads(client.recv(timeout=10)) == {
            "type": "delivered",
            "id": 7,
            "connection": 1,
            "open": 1,
        }
        client.send("not json")
        assert json.loads(client.recv(timeout=10))["id"] is None
    assert server.connections[0].messages == ['{"id": 7, "text": "hi"}', "not json"]


def test_restart_closes_with_1012_then_answers_handshakes_with_503(server: DemoServer) -> None:
    with connect(socket_url(server), open_timeout=10) as client:
        client.recv(timeout=10)
        status, message = control(server, action="restart", down="30")
        assert status == 200
        assert message == (
            "restart: closed 1 connection with 1012 Service Restart; refusing new ones for 30 s"
        )
        with pytest.raises(ConnectionClosed):
            client.recv(timeout=10)
    assert client.close_code == 1012
    assert client.close_reason == "server restarting"
    with pytest.raises(InvalidStatus) as refused:
        connect(socket_url(server), open_timeout=10)
    assert refused.value.response.status_code == 503
    assert refused.value.response.headers["Retry-After"] == "30"
    assert server.refused == 1
    status, _, _ = get(server.url)
    assert status == 200, "the page still loads while the WebSocket is refused"
    # A restart of 0 s ends the window at once.
    assert control(server, action="restart", down="0")[0] == 200
    with connect(socket_url(server), open_timeout=10) as client:
        assert json.loads(client.recv(timeout=10))["connection"] == 2


@pytest.mark.parametrize(
    ("query", "code", "reason"),
    [
        ({"action": "end"}, 1000, "session over"),
        ({"action": "policy"}, 1008, "token expired"),
        ({"action": "later"}, 1013, "overloaded"),
        ({"action": "custom", "code": "4321", "reason": "shard moved"}, 4321, "shard moved"),
    ],
)
def test_buttons_close_the_callers_connection_with_their_code(
    server: DemoServer, query: dict[str, str], code: int, reason: str
) -> None:
    with connect(socket_url(server, "other"), open_timeout=10) as bystander:
        with connect(socket_url(server, "me"), open_timeout=10) as client:
            client.recv(timeout=10)
            status, message = control(server, client="me", **query)
            assert status == 200, message
            with pytest.raises(ConnectionClosed):
                client.recv(timeout=10)
        assert (client.close_code, client.close_reason) == (code, reason)
        bystander.recv(timeout=10)
        bystander.ping().wait(10)  # still open: another page's connection is left alone


def test_drop_ends_the_connection_without_a_close_frame(server: DemoServer) -> None:
    with connect(socket_url(server), open_timeout=10) as client:
        client.recv(timeout=10)
        assert control(server, client="test", action="drop")[0] == 200
        with pytest.raises(ConnectionClosed) as closed:
            client.recv(timeout=10)
    assert closed.value.rcvd is None, "no close frame arrived"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"action": "end", "client": "nobody"}, 409, "no open connection"),
        ({"action": "explode", "client": "test"}, 400, "unknown action 'explode'; known: restart"),
        ({"action": "restart", "down": "61"}, 400, "down: expected seconds from 0 to 60"),
        ({"action": "restart", "down": "soon"}, 400, "down: expected seconds from 0 to 60"),
        ({"action": "custom", "client": "test", "code": "1006"}, 400, "a server can send"),
        ({"action": "custom", "client": "test", "code": "x"}, 400, "a server can send"),
        ({"action": "custom", "client": "test", "code": "²"}, 400, "a server can send"),
        (
            {"action": "custom", "client": "test", "code": "4000", "reason": "é" * 62},
            400,
            "reason: at most 123 bytes",
        ),
    ],
)
def test_control_errors_say_what_is_wrong(
    server: DemoServer, query: dict[str, str], status: int, message: str
) -> None:
    with connect(socket_url(server), open_timeout=10) as client:
        client.recv(timeout=10)
        answer = control(server, **query)
        assert answer[0] == status
        assert message in answer[1]
        client.ping().wait(10)  # a refused request leaves the connection open


def test_control_from_another_site_is_refused(server: DemoServer) -> None:
    status, _, body = get(
        server.url + "control?action=restart&down=1", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert status == 403
    assert json.loads(body)["message"] == "cross-site control refused"
    assert server.restarts == []


@pytest.mark.parametrize("path", ["", "reconnecting-socket.js", "control?action=restart&down=1"])
def test_a_request_for_another_host_is_refused(server: DemoServer, path: str) -> None:
    # DNS rebinding: evil.example resolving to 127.0.0.1 sends its own name as Host.
    status, _, body = get(server.url + path, headers={"Host": "evil.example"})
    assert (status, body) == (421, b"not the demo's address\n")
    assert server.restarts == [], "a rebound control request must not be obeyed"
    assert get(server.url, headers={"Host": f"localhost:{server.port}"})[0] == 200


def test_a_handshake_from_another_page_is_refused(server: DemoServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(socket_url(server), origin="http://evil.example", open_timeout=10)
    assert refused.value.response.status_code == 403
    assert server.connections == []
    own = f"http://127.0.0.1:{server.port}"
    with connect(socket_url(server), origin=own, open_timeout=10) as client:
        assert json.loads(client.recv(timeout=10))["type"] == "welcome"


def test_what_the_demo_keeps_is_bounded(server: DemoServer) -> None:
    with connect(socket_url(server), open_timeout=10) as client:
        client.recv(timeout=10)
        for number in range(KEPT_MESSAGES + 50):
            client.send(str(number))
            client.recv(timeout=10)
        assert server.connections[0].messages == [str(n) for n in range(50, KEPT_MESSAGES + 50)]
        client.send("x" * (MAX_MESSAGE_BYTES + 1))
        with pytest.raises(ConnectionClosed):
            client.recv(timeout=10)
    assert client.close_code == 1009, "a message over the bound closes with Message Too Big"


# -- the command line ---------------------------------------------------------------------------


def test_demo_help_lists_every_generate_flag_and_port() -> None:
    result = runner.invoke(app, ["demo", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for spec in OPTION_SPECS:
        assert (f"--{spec.flag}" in result.output) is (spec.flag not in FILE_FLAGS)
    assert "--port" in result.output
    assert "--out" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--restart-delay", "5s-1s"], "wsgen: error: --restart-delay: MIN must not exceed MAX"),
        (["--port", "70000"], "wsgen: error: --port: expected a whole number from 0 to 65535"),
        (["--port", "http"], "wsgen: error: --port: expected a whole number from 0 to 65535"),
    ],
)
def test_demo_bad_input_is_one_line_and_exit_2(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["demo", *arguments])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_demo_reads_the_config_file_like_the_other_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.demo import server as demo_server

    served: list[bytes] = []
    monkeypatch.setattr(
        demo_server,
        "run",
        lambda site, port, report: served.append(site["/reconnecting-socket.js"].body),
    )
    config = tmp_path / "wsgen.toml"
    config.write_text('restart-delay = "500ms-1s"\nformat = "cjs"\n', encoding="utf-8")
    result = runner.invoke(app, ["demo", "--config", str(config), "--queue-limit", "7"])
    assert result.exit_code == 0, result.stderr
    [module] = served
    assert b"restartDelayMin: 500, // --restart-delay" in module
    assert b"queueLimit: 7, // --queue-limit" in module
    assert b"export class" in module, "the demo serves an ES module whatever the config's format"


def test_demo_refuses_a_config_whose_targets_differ(tmp_path: Path) -> None:
    config = tmp_path / "wsgen.toml"
    config.write_text(
        '[[targets]]\nout = "a.js"\n[[targets]]\nout = "b.js"\nmax-retries = 5\n'
        '[[targets]]\nout = "c.js"\nformat = "iife"\nglobal-name = "C"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["demo", "--config", str(config)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "wsgen: error: --config: its targets make 2 different modules; wsgen demo serves one"
    )


def test_demo_on_a_taken_port_says_so() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # In a thread of its own: after a browser test in the same worker, Playwright's sync API
        # keeps an event loop running on the main thread, where asyncio.run() refuses to start.
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(runner.invoke, app, ["demo", "--port", str(port)]).result(60)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"wsgen: error: --port: cannot listen on 127.0.0.1:{port}: ")


def test_demo_without_websockets_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "websockets"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "websockets", None)  # as if not installed
    for name in [name for name in sys.modules if name.startswith("generator.demo")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(generator, "demo", raising=False)
    result = runner.invoke(app, ["demo", "--port", "0"])
    assert result.exit_code == 1
    assert result.stderr == (
        "wsgen: error: wsgen demo needs the websockets package: pip install 'wsgen[demo]'\n"
    )


def read_line(stream: Any, timeout: float = 20) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "no output in time"
    line: str = stream.readline()
    return line


@pytest.mark.slow
def test_demo_prints_its_url_serves_and_stops_cleanly_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "demo", "--port", "0", "--restart-delay", "500ms-1s"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_line(process.stdout)
        match = re.fullmatch(
            r"wsgen: demo at (http://127\.0\.0\.1:\d+/)  \(Ctrl-C stops it\)\n", line
        )
        assert match, line
        status, _, body = get(match[1])
        assert status == 200
        assert b"wsgen demo --restart-delay 500ms-1s" in body
        with connect(match[1].replace("http", "ws") + "socket", open_timeout=10) as websocket:
            websocket.recv(timeout=10)
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=20)
            with pytest.raises(ConnectionClosed):
                websocket.recv(timeout=10)
    finally:
        process.kill()
        process.wait(10)
    assert websocket.close_code == 1001, "connections are closed with Going Away"
    assert process.returncode == 0
    assert stdout == "wsgen: demo stopped\n"
    assert stderr == ""


def test_demo_on_sigterm_closes_every_client_with_1012_and_exits_0() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "demo", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        match = re.match(r"wsgen: demo at (http://127\.0\.0\.1:\d+/)", read_line(process.stdout))
        assert match
        url = match[1].replace("http", "ws") + "socket"
        with connect(url, open_timeout=10) as first, connect(url, open_timeout=10) as second:
            first.recv(timeout=10)
            second.recv(timeout=10)
            process.send_signal(signal.SIGTERM)
            stdout, stderr = process.communicate(timeout=20)
            for websocket in (first, second):
                with pytest.raises(ConnectionClosed):
                    websocket.recv(timeout=10)
    finally:
        process.kill()
        process.wait(10)
    assert (first.close_code, second.close_code) == (1012, 1012), "a restarting server's close"
    assert process.returncode == 0
    assert stdout.endswith("wsgen: demo stopped (SIGTERM): connections closed with 1012\n")
    assert stderr == ""


def test_readme_says_how_to_start_the_demo_and_shows_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "wsgen demo --restart-delay 500ms-1s" in readme
    assert "](docs/demo.png)" in readme
    assert (ROOT / "docs" / "demo.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
