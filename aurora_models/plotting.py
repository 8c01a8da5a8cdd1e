"""Figures. Imported lazily (``import aurora_models`` does not import matplotlib).

Every function takes ``ax=None`` (a new figure is made when None) and returns the Axes; nothing
is shown or saved as a side effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["daily_profile", "heatmap", "series"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def heatmap(frame: pd.DataFrame, *, ax=None, cmap: str = "viridis", label: str = "",
            annotate: bool = True, fmt: str = "{:.0f}"):
    """Colour-coded matrix of ``frame`` with its index and columns as tick labels."""
    ax = _axes(ax)
    values = frame.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(frame.shape[1]), frame.columns, rotation=60, ha="right")
    ax.set_yticks(range(frame.shape[0]), frame.index)
    ax.figure.colorbar(image, ax=ax, label=label)
    if annotate:
        mid = np.nanmean(values)
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                    color="white" if v < mid else "black")
    return ax


def series(s: pd.Series, *, ax=None, label: str | None = None, ylabel: str = ""):
    """Line plot of a time series."""
    ax = _axes(ax)
    ax.plot(s.index, s.to_numpy(), lw=0.8, label=label if label is not None else s.name)
    ax.set_ylabel(ylabel or s.attrs.get("unit", ""))
    return ax


def daily_profile(s: pd.Series, *, ax=None, normalise: bool = True, label: str | None = None):
    """Mean by hour of day (divided by the overall mean when ``normalise``), with a band of
    one standard deviation across days."""
    ax = _axes(ax)
    by_hour = s.groupby(s.index.hour)
    mean, std = by_hour.mean(), by_hour.std()
    scale = float(s.mean()) if normalise else 1.0
    ax.plot(mean.index, mean / scale, marker="o", ms=3, label=label or s.name)
    ax.fill_between(mean.index, (mean - std) / scale, (mean + std) / scale, alpha=0.15)
    ax.set_xlabel("hour of day")
    ax.set_ylabel("load / mean" if normalise else s.attrs.get("unit", ""))
    ax.set_xticks(range(0, 24, 3))
    return ax


def capacity_vs_demand(result, *, ax=None, time_unit: str = "h", start_s: float = 0.0,
                       label: str = "capacity"):
    """Serverless capacity (step line) against demand for a
    :class:`~aurora_models.serverless.CapacityResult`; ``time_unit`` is "s", "min" or "h"."""
    ax = _axes(ax)
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}[time_unit]
    t = (start_s + np.arange(len(result.capacity_acu)) * result.step_s) / scale
    ax.plot(t, result.demand_acu, lw=0.8, color="0.5", label="demand")
    ax.step(t, result.capacity_acu, where="post", lw=1.2, label=label)
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel("ACU")
    ax.legend(loc="upper right")
    return ax
