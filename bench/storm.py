"""Restart storm: when do N clients come back after one 1012, per 100 ms, in a simulation."""

from __future__ import annotations

from common import Check, Context, Section, not_available, run_node
from plot import plot_storm

TARGET = 1.25  # peak bucket ÷ uniform expectation, first wave: the fleet spread out
BUCKET_MS = 100
HINT_S = 5  # "retry-after=5" sent to every client with the 1012

# (label, storm.mjs arguments, checked): what the server does after the 1012.
SCENARIOS = [
    ("back at once", ["--still-down", "no"], True),
    ("still down at first attempt", ["--still-down", "yes"], False),
    # A restart whose port stays closed 2 s: every attempt is refused until then, and the
    # window must hold (its floor and spread) across those refusals.
    ("port closed 2 s", ["--down-ms", "2000"], False),
    (f"back at once, 'retry-after={HINT_S}' to all", ["--reason", f"retry-after={HINT_S}"], True),
]


def run(ctx: Context) -> Section:
    sizes = [200] if ctx.quick else [10_000, 100_000]
    section = Section(
        "Restart storm (simulated)",
        [
            "clients",
            "server after the 1012",
            "client",
            "wave",
            "arrivals",
            "first-last s",
            "peak per 100 ms",
            "peak ÷ uniform",
        ],
    )
    section.notes.append(
        "Every client gets 1012 at the same instant; a virtual clock replaces setTimeout, "
        "clearTimeout and Date.now and a fake WebSocket replaces the network, so nothing waits "
        "and no socket is opened (bench/js/storm.mjs). Wave k = each client's k-th attempt "
        "after the restart; 'all' = every attempt, as the server sees them. 'Uniform' = the "
        "clients spread evenly over the default 1012 window, clients x 100 ms ÷ window width. "
        "partysocket is its real code under the same clock. 'Still down' refuses each client's "
        "first attempt (a 1006, as a refused connection gives), so wave 2 follows the "
        "library's backoff after a failed attempt. 'Port closed 2 s' refuses every attempt "
        "for 2 s, as a server that takes 2 s to come back does: ours keeps the window's floor "
        "and spread after each refusal. "
        f"'retry-after={HINT_S}' sends that hint with the 1012 to every client: ours spreads it "
        "over [5 s, 5 s + the window's width]; partysocket ignores hints."
    )
    window = ctx.window
    module = ctx.ours.get("default")
    specs = {"partysocket": "partysocket"}
    if module is None or window is None:
        not_available(section, "wsgen default", ctx.missing.get("default", "no window"))
    else:
        specs = {"**wsgen default**": f"wsgen={module}", **specs}

    runs = []
    for clients in sizes:
        for label, scenario, checked in SCENARIOS:
            for name, spec in specs.items():
                args = ["--clients", str(clients), *scenario]
                got = run_node("storm.mjs", *args, spec, timeout=240)
                if label == "back at once" or label == "still down at first attempt":
                    runs.append((name, got))
                add_rows(section, name, got, window, label)
                if name.startswith("**wsgen") and checked:
                    peak = max(got["waves"]["1"]["buckets"])
                    ratio = peak / uniform(clients, window)
                    section.checks.append(
                        Check(
                            f"storm peak ≤ {TARGET}x uniform, {clients:,} clients, {label}",
                            f"{ratio:.2f}x",
                            ratio <= TARGET,
                        )
                    )
    if "**wsgen default**" not in specs:
        section.checks.append(Check(f"storm peak ≤ {TARGET}x uniform", "not available yet", None))
    png = ctx.out_dir / "storm.png"
    if plot_storm(runs, max(sizes), window, png):
        section.notes.append(f"Histogram: [{png.name}]({png.name}) ({max(sizes):,} clients).")
    else:
        section.notes.append("No histogram: matplotlib is not installed (bench/requirements.txt).")
    return section


def uniform(clients: int, window: tuple[int, int] | None) -> float:
    """Arrivals per bucket if the clients spread evenly over the window."""
    if window is None or window[1] <= window[0]:
        return float("nan")
    return clients * BUCKET_MS / (window[1] - window[0])


def add_rows(
    section: Section, name: str, got: dict, window: tuple[int, int] | None, server: str
) -> None:
    expected = uniform(got["clients"], window)
    waves = sorted(got["waves"].items(), key=lambda item: int(item[0]))
    if len(waves) > 1:
        # What the server sees: a late first wave overlaps an early second one.
        waves.append(("all", combined([figures for _, figures in waves])))
    for wave, figures in waves:
        peak = max(figures["buckets"])
        span = f"{figures['first_ms'] / 1000:.2f}-{figures['last_ms'] / 1000:.2f}"
        ratio = f"{peak / expected:.2f}x" if expected == expected else "—"
        section.rows.append(
            [
                f"{got['clients']:,}",
                server,
                name,
                wave,
                f"{figures['arrivals']:,}",
                span,
                f"{peak:,}",
                ratio,
            ]
        )


def combined(waves: list[dict]) -> dict:
    """The waves summed bucket by bucket."""
    length = max(len(wave["buckets"]) for wave in waves)
    buckets = [sum(w["buckets"][i] for w in waves if i < len(w["buckets"])) for i in range(length)]
    return {
        "arrivals": sum(w["arrivals"] for w in waves),
        "first_ms": min(w["first_ms"] for w in waves),
        "last_ms": max(w["last_ms"] for w in waves),
        "buckets": buckets,
    }
