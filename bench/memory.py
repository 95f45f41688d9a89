"""Memory: heap growth over 1,000 reconnect cycles, beside a bare reconnect loop (the floor)."""

from __future__ import annotations

from common import Check, Context, Section, kib, not_available, run_node

LIMIT = 1_000_000  # bytes of growth from 10 to 1,000 cycles: a leak per cycle shows above it
ANCHORS = ["reconnecting-websocket", "partysocket"]


def run(ctx: Context) -> Section:
    cycles = 20 if ctx.quick else 1000
    section = Section(
        "Memory", ["client", "heap after 10 cycles", f"after {cycles:,}", "growth", "above floor"]
    )
    section.notes.append(
        "One client against a `ws` server (own process) that closes every connection with 1012 "
        "as it opens; each library set to retry within 1-2 ms. Heap used after two full GCs "
        "(`node --expose-gc`). The floor is a bare `ws` socket recreated 1 ms after each close: "
        "what V8 and `ws` add by themselves over the run. The floor itself moves by ~300 KiB "
        "between runs, so 'above floor' within that is noise (a negative figure included)."
    )
    specs = {"floor (bare ws loop)": "floor"}
    if ctx.fast_restart is not None:
        specs["**wsgen default**"] = f"wsgen={ctx.fast_restart}"
    specs.update({anchor: anchor for anchor in ANCHORS})

    growth: dict[str, int] = {}
    for name, spec in specs.items():
        got = run_node("memory.mjs", "--cycles", str(cycles), spec, gc=True, timeout=180)
        growth[name] = got["growth_bytes"]
        above = growth[name] - growth["floor (bare ws loop)"]
        section.rows.append(
            [
                name,
                kib(got["heap_at_baseline"]),
                kib(got["heap_at_end"]),
                kib(growth[name]),
                kib(above),
            ]
        )

    target = f"heap growth 10 → {cycles:,} cycles < 1 MB"
    if "**wsgen default**" in growth:
        got = growth["**wsgen default**"]
        section.checks.append(Check(target, f"{got:,} B", got < LIMIT))
    else:
        not_available(section, "wsgen default", ctx.missing.get("fast-restart", "not rendered"))
        section.checks.append(Check(target, "not available yet", None))
    return section
