"""Throughput: small messages both ways through each client, in the same run as raw `ws`."""

from __future__ import annotations

from common import Check, Context, Section, not_available, run_node

ANCHORS = ["reconnecting-websocket", "partysocket"]
TARGET = 0.95  # of raw ws: the module adds no cost a user would notice


def run(ctx: Context) -> Section:
    messages, rounds = (1_000, 1) if ctx.quick else (100_000, 10)
    section = Section(
        "Throughput", ["client", "msgs/s (median)", "vs raw ws", "client CPU vs raw ws"]
    )
    section.notes.append(
        f"{messages:,} messages of 32 B each way per run over one loopback connection to a `ws` "
        f"server in its own process; {rounds} round(s) after a warm-up, the clients taking turns "
        "in each round, a different one first each time. 'vs raw ws' is the median of each "
        "round's ratio to the raw client of the same round, because on a shared machine "
        "absolute rates drift and ratios hold. 'Client CPU' is the client process's CPU time "
        "over the same run (lower is cheaper): the library's own cost, visible even when the "
        "server sets the pace."
    )
    ours = {f"wsgen-{profile}": path for profile, path in ctx.ours.items()}
    specs = ["raw", *(f"{label}={path}" for label, path in ours.items()), *ANCHORS]
    result = run_node(
        "throughput.mjs", "--messages", str(messages), "--rounds", str(rounds), *specs
    )["libs"]
    for name, figures in result.items():
        label = f"**{name.replace('-', ' ', 1)}**" if name in ours else name
        label = "raw ws" if name == "raw" else label
        section.rows.append(
            [
                label,
                f"{figures['msgs_per_s']:,.0f}",
                f"{figures['ratio_vs_raw']:.3f}",
                f"{figures['cpu_vs_raw']:.3f}",
            ]
        )

    # The default profile, and the full one with its heartbeat.
    for profile in ("default", "full"):
        target = f"throughput ≥ {TARGET} x raw ws ({profile} profile)"
        if f"wsgen-{profile}" in result:
            ratio = result[f"wsgen-{profile}"]["ratio_vs_raw"]
            section.checks.append(Check(target, f"{ratio:.3f}", ratio >= TARGET))
        else:
            reason = ctx.missing.get(profile, "not rendered")
            not_available(section, f"wsgen {profile}", reason)
            section.checks.append(Check(target, "not available yet", None))
    return section
