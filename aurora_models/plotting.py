"""Figures. Imported lazily (``import aurora_models`` does not import matplotlib).

Every function takes ``ax=None`` (a new figure is made when None) and returns the Axes; nothing
is shown or saved as a side effect.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

__all__ = ["capacity_vs_demand", "daily_profile", "heatmap", "lines", "series", "write_path_graph"]

#: Markers and dash patterns cycled by :func:`lines`, so overlapping curves stay distinguishable.
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def heatmap(frame: pd.DataFrame, *, ax=None, cmap: str = "viridis", label: str = "",
            annotate: bool = True, fmt: str = "{:.0f}"):
    """Colour-coded matrix of ``frame`` with its index and columns as tick labels.

    Parameters
    ----------
    frame : pandas.DataFrame
        The values (numeric); index and columns label the rows and columns.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new figure's).
    cmap : str
        A matplotlib colour map.
    label : str
        The colour bar's label.
    annotate : bool
        Write each value in its cell.
    fmt : str
        Format of the annotations (``str.format``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import pandas as pd
    >>> from aurora_models.plotting import heatmap
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> heatmap(pd.DataFrame([[1, 2], [3, 4]], index=["a", "b"], columns=["x", "y"]),
    ...         ax=ax) is ax
    True
    >>> plt.close(fig)
    """
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
    """Line plot of a time series.

    Parameters
    ----------
    s : pandas.Series
        The series, indexed by time.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new figure's).
    label : str, optional
        The line's label (default the series' name).
    ylabel : str
        The y axis label (default the series' ``attrs["unit"]``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from aurora_models.data import load_trace
    >>> from aurora_models.plotting import series
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> series(load_trace("elb_request_count"), ax=ax).get_ylabel()
    'requests per 5 min'
    >>> plt.close(fig)
    """
    ax = _axes(ax)
    ax.plot(s.index, s.to_numpy(), lw=0.8, label=label if label is not None else s.name)
    ax.set_ylabel(ylabel or s.attrs.get("unit", ""))
    return ax


def daily_profile(s: pd.Series, *, ax=None, normalise: bool = True, label: str | None = None):
    """Mean by hour of day, with a band of one standard deviation across days.

    Parameters
    ----------
    s : pandas.Series
        The series, with a DatetimeIndex.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new figure's).
    normalise : bool
        Divide by the overall mean (the y axis is then "load / mean").
    label : str, optional
        The line's label (default the series' name).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from aurora_models.data import load_trace
    >>> from aurora_models.plotting import daily_profile
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> daily_profile(load_trace("elb_request_count"), ax=ax).get_xlabel()
    'hour of day'
    >>> plt.close(fig)
    """
    ax = _axes(ax)
    by_hour = s.groupby(cast(pd.DatetimeIndex, s.index).hour)  # a time series (as documented)
    mean, std = by_hour.mean(), by_hour.std()
    scale = float(s.mean()) if normalise else 1.0
    ax.plot(mean.index, mean / scale, marker="o", ms=3, label=label or s.name)
    ax.fill_between(mean.index, (mean - std) / scale, (mean + std) / scale, alpha=0.15)
    ax.set_xlabel("hour of day")
    ax.set_ylabel("load / mean" if normalise else s.attrs.get("unit", ""))
    ax.set_xticks(range(0, 24, 3))
    return ax


def capacity_vs_demand(result, *, ax=None, time_unit: str = "h", start_s: float = 0.0,
                       label: str = "capacity", provisioned_acu: float | None = None,
                       provisioned_label: str = "provisioned class"):
    """Serverless capacity (step line) against demand, and a provisioned class's capacity.

    Parameters
    ----------
    result : aurora_models.serverless.CapacityResult
        A simulation's result (:func:`aurora_models.serverless.simulate_capacity`).
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new figure's).
    time_unit : {"s", "min", "h"}
        Unit of the time axis.
    start_s : float
        Time of the first step, seconds.
    label : str
        The capacity line's label.
    provisioned_acu : float, optional
        A provisioned class's capacity in ACU-equivalents
        (:func:`aurora_models.planning.class_capacity_acu`), drawn as a dashed level.
    provisioned_label : str
        Its label (the class's name).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from aurora_models.plotting import capacity_vs_demand
    >>> from aurora_models.serverless import ScalingPolicy, simulate_capacity
    >>> r = simulate_capacity([1.0] * 60 + [8.0] * 60, ScalingPolicy(), step_s=60.0)
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> capacity_vs_demand(r, ax=ax).get_ylabel()
    'ACU'
    >>> plt.close(fig)
    """
    ax = _axes(ax)
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}[time_unit]
    t = (start_s + np.arange(len(result.capacity_acu)) * result.step_s) / scale
    ax.plot(t, result.demand_acu, lw=0.8, color="0.5", label="demand")
    ax.step(t, result.capacity_acu, where="post", lw=1.2, label=label)
    if provisioned_acu is not None:
        ax.axhline(float(provisioned_acu), ls="--", lw=1.0, color="C3",
                   label=f"{provisioned_label} ({float(provisioned_acu):g} ACU)")
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel("ACU")
    ax.legend(loc="upper right")
    return ax


def lines(x, ys, *, ax=None, xlabel: str = "", ylabel: str = "", title: str = "",
          logx: bool = False, logy: bool = False, legend: str = "outside", **kw):
    """One line per entry of the mapping ``ys``, each with its own marker and dash pattern.

    Lines are drawn in order, later ones thinner, so a line hidden under another still shows.
    A series that is zero everywhere is left out, of the plot and the legend.

    Parameters
    ----------
    x : array_like
        The x values, shared by every line.
    ys : mapping of str to array_like
        Label -> values over ``x``.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new figure's).
    xlabel, ylabel, title : str
        Axis labels and title.
    logx, logy : bool
        Logarithmic axes.
    legend : {"outside", "inside", "none"}
        Right of the axes (never over the data), inside them, or no legend.
    **kw
        Passed to ``Axes.plot`` for every line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from aurora_models.plotting import lines
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = lines([1, 2, 3], {"a": [1, 2, 3], "zero": [0, 0, 0]}, ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['a']
    >>> plt.close(fig)
    """
    ax = _axes(ax)
    x = np.asarray(x, dtype=float)
    shown = [(k, np.asarray(v, dtype=float)) for k, v in ys.items()
             if np.any(np.asarray(v, dtype=float) != 0)]
    for i, (label, y) in enumerate(shown):
        ax.plot(x, y, marker=MARKERS[i % len(MARKERS)], ls=LINESTYLES[i % len(LINESTYLES)],
                ms=max(3.0, 8.0 - 1.5 * i), lw=max(0.8, 2.2 - 0.4 * i), label=label, **kw)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend == "outside" and shown:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    elif legend == "inside" and shown:
        ax.legend(fontsize=8)
    return ax


#: Row order of the roles in :func:`write_path_graph` (top to bottom inside an AZ column).
_ROLE_ROWS = {"database": 0, "standby": 0, "replica": 0, "storage": 1, "standby_storage": 1,
              "storage_mirror": 2, "archive": 1}


def write_path_layout(g) -> dict:
    """Node positions for a write-path graph: one column per AZ (``az1``, ``az2`` ... then
    ``region`` for regional services), nodes stacked by role inside their column."""
    azs = sorted({d["az"] for _, d in g.nodes(data=True)}, key=lambda a: (a == "region", a))
    slots: dict = {}
    pos = {}
    for node, d in g.nodes(data=True):
        col = azs.index(d["az"])
        row = _ROLE_ROWS.get(d["role"], 1)
        while (col, row) in slots:
            row += 1
        slots[(col, row)] = node
        pos[node] = (float(col), -float(row))
    return pos


def write_path_graph(g, *, ax=None, title: str | None = None):
    """Draw a write path laid out by AZ, synchronous edges solid and others dashed.

    Shaded AZ columns and full node labels; each edge is labelled with the step number of the
    paper's figure where the graph has one (``step`` edge attribute; storage nodes show their
    foreground pipeline steps).

    Parameters
    ----------
    g : networkx.DiGraph
        A write path of :mod:`aurora_models.write_path` (:func:`~aurora_models.write_path.aurora_path`, ...).
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new figure's).
    title : str, optional
        The Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from aurora_models.plotting import write_path_graph
    >>> from aurora_models.write_path import mirrored_mysql_path
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = write_path_graph(mirrored_mysql_path(), ax=ax)
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "step")
    ['1', '2', '3', '4', '5']
    >>> plt.close(fig)
    """
    ax = _axes(ax)
    pos = write_path_layout(g)
    azs = sorted({d["az"] for _, d in g.nodes(data=True)}, key=lambda a: (a == "region", a))
    low = min(y for _, y in pos.values())
    for i, az in enumerate(azs):
        ax.axvspan(i - 0.42, i + 0.42, color="0.93" if az != "region" else "#fdf1dc", zorder=0)
        ax.text(i, 0.55, az.upper() if az != "region" else "regional", ha="center",
                va="bottom", fontsize=9, fontweight="bold")
    for u, v, d in g.edges(data=True):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", lw=1.8 if d["synchronous"] else 1.0,
                                    ls="-" if d["synchronous"] else "--",
                                    color="k" if d["synchronous"] else "0.5",
                                    shrinkA=14, shrinkB=14, connectionstyle="arc3,rad=0.08"))
        if d.get("step") is not None:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, str(d["step"]), ha="center", va="center",
                    fontsize=8, color="white", fontweight="bold", gid="step",
                    bbox=dict(boxstyle="circle,pad=0.2", fc="tab:red", ec="none"))
    xs, ys = zip(*pos.values(), strict=True)
    ax.scatter(xs, ys, s=420, c="#9ecae1", edgecolors="k", zorder=3)
    for node, (x, y) in pos.items():
        label = str(node)
        pipeline = g.nodes[node].get("pipeline")
        if pipeline:
            label += f"\nsteps {pipeline[0]}-{pipeline[-1]}"
        ax.text(x + 0.09, y + 0.12, label, ha="left", va="bottom", fontsize=7, zorder=4,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    ax.set_xlim(-0.6, len(azs) - 0.4)
    ax.set_ylim(low - 0.5, 0.95)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if title is not None:
        ax.set_title(title)
    return ax
