"""Real restarts: uvicorn and hypercorn restarted by SIGTERM under a Node fleet of each library."""

from __future__ import annotations

from common import NODE_MODULES, Check, Context, Section, not_available

from tests.support.real_restart import analyse, restart_under_fleet

SERVERS = ["uvicorn", "hypercorn"]
DOWN_S = 1.5  # the port stays closed this long after the old process exits


def run(ctx: Context) -> Section:
    clients = 20 if ctx.quick else 200
    section = Section(
        "Real server restarts",
        [
            "server",
            "client",
            "restart close",
            "back",
            "attempts on the closed port (max per client)",
            "min wait after close / refusal, ms",
            "all back, s after SIGTERM (port closed)",
            "opened on the dying server",
            "lost by the library",
            "lost in flight",
            "dup / reordered",
            "attempts after the server's 1000",
            "exits by itself",
        ],
    )
    section.notes.append(
        f"{clients} clients of each library in one Node process (bench/js/restart-fleet.mjs) on "
        "the echo app of tests/support/asgi_echo.py, each sending a numbered message every "
        f"100 ms. The server gets SIGTERM; its port stays closed {DOWN_S} s after the process "
        "exits, plus the new process's start-up. Every library with its defaults (ours: 1-5 s "
        "restart window). 'Lost by the library' = accepted by send() and never handed to a "
        "socket; 'lost in flight' = handed to an open socket whose server closed or died "
        "before answering (no library can see those; docs/reliability.md). After all are back, "
        "the server closes each session with 1000, and attempts are counted for 6 s more. "
        "uvicorn runs with --ws wsproto, hypercorn with --graceful-timeout 1 --workers 0 "
        "(tests/support/real_restart.py). Ours is slower to have all back by design: its "
        "returns are spread over the 1-5 s window, where the anchors return at once."
    )
    module = ctx.ours.get("default")
    specs = {"reconnecting-websocket": "reconnecting-websocket", "partysocket": "partysocket"}
    if module is None:
        not_available(section, "wsgen default", ctx.missing.get("default", "not rendered"))
    else:
        specs = {"**wsgen default**": f"wsgen={module}", **specs}
    # --quick only proves the table fills: one server is enough, and halves the smoke test.
    for server in SERVERS[:1] if ctx.quick else SERVERS:
        for name, spec in specs.items():
            ours = name.startswith("**wsgen")
            run_ = restart_under_fleet(
                server,
                spec,
                NODE_MODULES.parent,
                clients=clients,
                down=DOWN_S,
                exit_mode="self" if ours else "force",
                quiet_ms=2000 if ctx.quick else 6000,
            )
            got = analyse(run_)
            codes = ", ".join(f"{code} x{count}" for code, count in got.restart_codes.items())
            after_refusal = (
                "—"
                if got.min_wait_after_refusal_ms is None
                else f"{got.min_wait_after_refusal_ms:.0f}"
            )
            section.rows.append(
                [
                    server,
                    name,
                    codes,
                    f"{got.back}/{got.clients}",
                    f"{got.closed_port_attempts} ({got.closed_port_attempts_max})",
                    f"{got.min_wait_after_close_ms:.0f} / {after_refusal}",
                    f"{got.all_back_s:.1f} ({got.port_closed_s:.1f})",
                    str(got.opened_on_the_dying_server),
                    str(got.lost_by_the_module),
                    f"{got.lost_in_flight} of {got.sent}",
                    f"{got.duplicates} / {got.reorderings}",
                    str(got.attempts_after_1000),
                    "yes" if ours and run_.fleet_exited_by_itself else ("—" if not ours else "no"),
                ]
            )
            if ours and ctx.window is not None:
                floor = ctx.window[0] - 2
                section.checks.append(
                    Check(
                        f"{server}: every client back, none before the window's minimum, "
                        "nothing lost by the module, none after 1000",
                        f"{got.back}/{got.clients} back, min waits "
                        f"{got.min_wait_after_close_ms:.0f}/{after_refusal} ms, "
                        f"{got.lost_by_the_module} lost, "
                        f"{got.attempts_after_1000} after 1000",
                        got.back == got.clients
                        and got.min_wait_after_close_ms >= floor
                        and (
                            got.min_wait_after_refusal_ms is None
                            or got.min_wait_after_refusal_ms >= floor
                        )
                        and got.lost_by_the_module == 0
                        and got.attempts_after_1000 == 0,
                    )
                )
    return section
