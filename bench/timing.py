"""Reconnect timing: how long after a 1012 each client really comes back, against its window."""

from __future__ import annotations

from common import Check, Context, Section, median, not_available, run_node

# Timers fire late, never early, by however busy the machine is; a few ms past the window's
# end is the machine, not the module. A sample counts as inside [min - 1 ms, max + SLACK_MS].
SLACK_MS = 15
ANCHORS = ["reconnecting-websocket", "partysocket"]


def inside_share(samples: list[float], window: tuple[int, int]) -> float:
    low, high = window
    return sum(low - 1 <= s <= high + SLACK_MS for s in samples) / len(samples)


def row(name: str, samples: list[float], window: tuple[int, int] | None) -> list[str]:
    shown = f"{window[0]:,}-{window[1]:,} ms" if window else "—"
    inside = f"{inside_share(samples, window):.1%}" if window else "—"
    figures = [f"{min(samples):,.0f}", f"{median(samples):,.0f}", f"{max(samples):,.0f}"]
    return [name, shown, str(len(samples)), *figures, inside]


def run(ctx: Context) -> Section:
    section = Section(
        "Reconnect timing after 1012",
        ["client", "window", "samples", "min ms", "median ms", "max ms", "inside window"],
    )
    section.notes.append(
        "A `ws` server on 127.0.0.1 closes every connection with 1012 20 ms after it opens and "
        "keeps accepting. A sample is the time from the 1012 close to the client creating its "
        f"next socket. 'Inside' allows {SLACK_MS} ms for timer lateness."
    )
    # --quick times the 1-2 ms module, so the smoke test does not wait out a 1-5 s window.
    if ctx.quick:
        module, window, samples, clients = ctx.fast_restart, (1, 2), 6, 3
    else:
        module, window, samples, clients = ctx.ours.get("default"), ctx.window, 200, 40
    target = "1012 delays inside the configured window: 100 %"
    if module is None or window is None:
        not_available(section, "wsgen default", ctx.missing.get("default", "no window"))
        section.checks.append(Check(target, "not available yet", None))
    else:
        args = ["--samples", str(samples), "--clients", str(clients), f"wsgen={module}"]
        got = run_node("timing.mjs", *args)["samples_ms"]
        section.rows.append(row("**wsgen default**", got, window))
        share = inside_share(got, window)
        figure = f"{share:.1%} of {len(got)} (max {max(got):,.0f} ms)"
        section.checks.append(Check(target, figure, share == 1))
        section.notes.append(
            f"wsgen: {clients} clients, {samples // clients} restarts each in a row."
        )
    if not ctx.quick:
        for anchor in ANCHORS:
            got = run_node("timing.mjs", "--samples", "20", "--clients", "20", anchor)["samples_ms"]
            section.rows.append(row(anchor, got, None))
        section.notes.append(
            "Anchors: the first restart of 20 clients each (their later retries only grow). "
            "reconnecting-websocket draws its delay once per page load, so clients in one "
            "process share it."
        )
    return section
