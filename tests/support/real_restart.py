"""A real server restarted under a Node fleet (issue 14), shared by the tests and the bench.

uvicorn or hypercorn serves `tests/support/asgi_echo.py` on 127.0.0.1; `bench/js/restart-fleet.mjs`
holds every client in one Node process. The server gets SIGTERM, its port stays closed for
`down` seconds after it exits, and a new process takes the port again. `analyse` turns the
fleet's timeline (Date.now() in Node, time.time() here: one clock) into the figures the tests
gate on and the bench prints.
"""

from __future__ import annotations

import itertools
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FLEET = REPO / "bench" / "js" / "restart-fleet.mjs"
APP = "tests.support.asgi_echo:app"
ABNORMAL_CLOSURE = 1006


def server_command(kind: str, port: int) -> list[str]:
    """The command serving the echo app: uvicorn sends 1012 to every socket on SIGTERM;
    hypercorn keeps them for its graceful timeout (1 s here, 3 s by default), then closes them
    with 1011. Both run in one process (hypercorn's --workers 0): with worker processes, a
    worker could outlive the process we wait for and still answer on the port."""
    if kind == "uvicorn":
        # wsproto: uvicorn's websockets backend (websockets 17) stopped echoing under the burst
        # of queued messages in 1 run of 3 here, a server stall that would hide what we measure.
        return [
            sys.executable, "-m", "uvicorn", APP, "--host", "127.0.0.1", "--port", str(port),
            "--ws", "wsproto", "--log-level", "warning",
        ]  # fmt: skip
    if kind == "hypercorn":
        return [
            sys.executable, "-m", "hypercorn", APP, "--bind", f"127.0.0.1:{port}",
            "--graceful-timeout", "1", "--workers", "0", "--log-level", "warning",
        ]  # fmt: skip
    raise ValueError(f"unknown server {kind!r}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> float:
    """When the port first accepted a connection (time.time()); raises if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return time.time()
        except OSError:
            time.sleep(0.01)
    raise TimeoutError(f"nothing listened on {port} within {timeout} s")


def start_server(kind: str, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        server_command(kind, port),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@dataclass
class Run:
    """What one restart produced: the server's moments (time.time() in s) and the fleet's
    report."""

    server: str
    sigterm_at: float = 0
    server_exited_at: float = 0
    server_exit_code: int | None = None
    listening_again_at: float = 0
    report: dict[str, Any] = field(default_factory=dict)
    fleet_exit_code: int | None = None
    fleet_exited_by_itself: bool = False
    second_server_exit_code: int | None = None


def restart_under_fleet(
    kind: str,
    spec: str,
    ws_from: Path,
    clients: int = 200,
    down: float = 1.5,
    options: dict[str, Any] | None = None,
    exit_mode: str = "self",
    quiet_ms: int = 1500,
    node: str = "node",
) -> Run:
    """Serve, connect the fleet, SIGTERM the server, keep the port closed `down` s after it
    exits, serve again; every wait is bounded."""
    run = Run(kind)
    port = free_port()
    first = start_server(kind, port)
    fleet: subprocess.Popen[str] | None = None
    second: subprocess.Popen[bytes] | None = None
    lines: list[dict[str, Any]] = []
    try:
        wait_listening(port, first)
        fleet = subprocess.Popen(
            [
                node,
                str(FLEET),
                "--url",
                f"ws://127.0.0.1:{port}/",
                "--clients",
                str(clients),
                "--ws-from",
                str(ws_from.resolve()),
                "--options",
                json.dumps(options or {}),
                "--quiet",
                str(quiet_ms),
                "--exit",
                exit_mode,
                spec,
            ],
            cwd=FLEET.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reader = threading.Thread(target=_read_lines, args=(fleet, lines), daemon=True)
        reader.start()
        _wait_line(lines, "ready", fleet, timeout=30)
        time.sleep(0.5)  # echoes flowing when the restart comes
        run.sigterm_at = time.time()
        first.send_signal(signal.SIGTERM)
        run.server_exit_code = first.wait(timeout=30)
        run.server_exited_at = time.time()
        # From now on every open is on the new process: the old one is gone.
        assert fleet.stdin is not None
        fleet.stdin.write("gone\n")
        fleet.stdin.close()
        time.sleep(down)
        second = start_server(kind, port)
        run.listening_again_at = wait_listening(port, second)
        run.report = _wait_line(lines, "report", fleet, timeout=90)
        try:
            run.fleet_exit_code = fleet.wait(timeout=10)
            run.fleet_exited_by_itself = True
        except subprocess.TimeoutExpired:
            fleet.kill()
            run.fleet_exit_code = fleet.wait(timeout=10)
        second.send_signal(signal.SIGTERM)
        run.second_server_exit_code = second.wait(timeout=30)
        return run
    finally:
        for process in (first, second, fleet):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def _read_lines(process: subprocess.Popen[str], lines: list[dict[str, Any]]) -> None:
    assert process.stdout
    for line in process.stdout:
        lines.append(json.loads(line))


def _wait_line(
    lines: list[dict[str, Any]], kind: str, process: subprocess.Popen[str], timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in lines:
            if line["type"] == kind:
                return line
            if line["type"] == "error":
                raise RuntimeError(line["error"])
        if process.poll() is not None and not any(line["type"] == kind for line in lines):
            time.sleep(0.2)  # the reader may still be parsing the last line
            if not any(line["type"] == kind for line in lines):
                stderr = process.stderr.read() if process.stderr else ""
                raise RuntimeError(
                    f"the fleet ended ({process.returncode}) before {kind}: {stderr}"
                )
        time.sleep(0.02)
    raise TimeoutError(f"no {kind} from the fleet within {timeout} s")


@dataclass
class Figures:
    """The gates of issue 14, measured on one run."""

    clients: int
    back: int
    restart_codes: dict[int, int]
    min_wait_after_close_ms: float
    min_wait_after_refusal_ms: float | None
    closed_port_attempts: int
    closed_port_attempts_max: int
    opened_on_the_dying_server: int
    all_back_s: float
    port_closed_s: float
    sent: int
    lost_by_the_module: int
    """Accepted by send() and never handed to a socket: must be 0."""
    lost_queued: int
    """Sent while reconnecting (queued) and never echoed, wherever they were lost."""
    lost_in_flight: int
    """Handed to an open socket and never echoed: the peer closed or vanished first."""
    duplicates: int
    reorderings: int
    attempts_after_1000: int
    lateness_ms: float


def analyse(run: Run) -> Figures:
    """Per client: the restart close (the first close of an open connection), the attempts
    that failed after it (the closed port) and their waits, then the session on the new server
    (the one the server's 1000 ended), and what became of every message."""
    restart_codes: dict[int, int] = {}
    after_close: list[float] = []
    after_refusal: list[float] = []
    refused_per_client: list[int] = []
    back_at: list[float] = []
    dying = lost_module = lost_queued = lost_in_flight = sent = 0
    duplicates = reorderings = after_1000 = 0
    for client in run.report["clients"]:
        attempts = client["attempts"]  # [started, opened, closed, code], in order
        first_open = next(i for i, a in enumerate(attempts) if a[1] is not None)
        restart = attempts[first_open]
        if restart[2] is not None and restart[3] != 1000:
            restart_codes[restart[3]] = restart_codes.get(restart[3], 0) + 1
        refused = 0
        previous_end = restart[2]
        # A client the server's close never reached (1006: the process died before the frame
        # left it) waits as a drop asks, with backoff; the restart window's floor is not its.
        waits = restart[3] != ABNORMAL_CLOSURE
        for position, attempt in enumerate(attempts[first_open + 1 :]):
            if previous_end is not None and waits:
                (after_close if position == 0 else after_refusal).append(attempt[0] - previous_end)
            if attempt[1] is not None:
                break
            refused += 1
            previous_end = attempt[2]
        refused_per_client.append(refused)
        # Refused attempts after a connection to the old server in its last moments count too.
        opened_later = [a for a in attempts[first_open + 1 :] if a[1] is not None]
        final = next((a for a in opened_later if a[3] == 1000), None)
        if final is not None:
            back_at.append(final[1])
            after_1000 += sum(1 for a in attempts if a[0] > final[2])
        # Connections the old process accepted in its last moments, before the final session.
        dying += sum(1 for a in opened_later if final is None or a[0] < final[0])
        echoed = client["echoed"]
        echoed_set = set(echoed)
        handed = set(client["handed"])
        duplicates += len(echoed) - len(echoed_set) + len(client["handed"]) - len(handed)
        reorderings += sum(1 for a, b in itertools.pairwise(echoed) if b < a)
        reorderings += sum(1 for a, b in itertools.pairwise(client["handed"]) if b < a)
        lost_module += len(set(client["sent"]) - handed)
        lost_queued += len(set(client["queued"]) - echoed_set)
        lost_in_flight += len(handed - echoed_set)
        sent += len(client["sent"])
    return Figures(
        clients=len(run.report["clients"]),
        back=len(back_at),
        restart_codes=restart_codes,
        min_wait_after_close_ms=min(after_close),
        min_wait_after_refusal_ms=min(after_refusal) if after_refusal else None,
        closed_port_attempts=sum(refused_per_client),
        closed_port_attempts_max=max(refused_per_client),
        opened_on_the_dying_server=dying,
        all_back_s=(max(back_at) / 1000 - run.sigterm_at) if back_at else float("inf"),
        port_closed_s=run.listening_again_at - run.sigterm_at,
        sent=sent,
        lost_by_the_module=lost_module,
        lost_queued=lost_queued,
        lost_in_flight=lost_in_flight,
        duplicates=duplicates,
        reorderings=reorderings,
        attempts_after_1000=after_1000,
        lateness_ms=run.report["lateness_ms"],
    )
