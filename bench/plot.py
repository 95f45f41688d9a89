"""The restart storm's histogram as a PNG: arrivals per 100 ms after the 1012, per wave."""

from __future__ import annotations

from pathlib import Path


def plot_storm(runs: list[tuple[str, dict]], clients: int, window, png: Path) -> bool:
    """Plot the runs with `clients` clients; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display here; write the file only
        import matplotlib.pyplot as plt
    except ImportError:
        return False

    import numpy as np  # comes with matplotlib

    chosen = [(name, got) for name, got in runs if got["clients"] == clients]
    names = list(dict.fromkeys(name for name, _ in chosen))
    fig, axes = plt.subplots(
        len(names), 2, figsize=(12, 3.2 * len(names)), squeeze=False, sharex=True
    )
    for name, got in chosen:
        ax = axes[names.index(name)][1 if got["still_down"] else 0]
        waves = sorted(got["waves"].items(), key=lambda item: int(item[0]))
        length = max(len(figures["buckets"]) for _, figures in waves)
        width = got["bucket_ms"] / 1000
        xs = np.arange(length) * width
        bottom = np.zeros(length)
        for wave, figures in waves:  # stacked, since a late first wave meets an early second
            counts = np.zeros(length)
            counts[: len(figures["buckets"])] = figures["buckets"]
            ax.bar(xs, counts, width=width, bottom=bottom, align="edge", label=f"wave {wave}")
            bottom += counts
        if window is not None and window[1] > window[0]:
            expected = clients * got["bucket_ms"] / (window[1] - window[0])
            ax.axhline(
                expected,
                color="black",
                linestyle="--",
                linewidth=1,
                label="uniform over the 1012 window",
            )
        server = "still down at first attempt" if got["still_down"] else "back at once"
        ax.set_title(f"{name.strip('*')}: server {server}", fontsize=10)
        ax.set_xlabel("seconds after the 1012")
        ax.set_ylabel("arrivals per 100 ms")
        # Nobody arrives in the first second, so the legend sits there, above the tallest bar.
        ax.set_ylim(top=max(bottom) * 1.3)
        ax.legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Restart storm: {clients:,} clients receive 1012 at once (simulated)")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return True
