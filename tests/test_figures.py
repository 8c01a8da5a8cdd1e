"""The notebooks' key figures carry the data they claim to show.

nbval compares text outputs but not images, so a plot could draw the wrong series and still pass.
Here each notebook's code runs in-process (``plt.show`` captures the figure instead of showing
it; explorer cells are skipped) and the plotted arrays, titles and axis labels are compared with
the model outputs, computed in the test by calling the model functions.
"""

from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from aurora_models import availability as av
from aurora_models import data, global_db, pricing, quorum, serverless, write_path

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def notebook_figures(prefix: str):
    """Run notebook ``prefix`` in-process; return its namespace and the figures it shows."""
    path = next((ROOT / "notebooks").glob(f"{prefix}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    shown = []
    namespace: dict = {"__name__": "__notebook__"}
    real_show, cwd = plt.show, os.getcwd()
    plt.show = lambda *a, **k: shown.append(plt.gcf())
    os.chdir(path.parent)
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or "explorer" in cell.metadata.get("tags", []):
                continue
            exec(compile(cell.source, f"{path.name}[{i}]", "exec"), namespace)
            plt.close("all")  # the shown figures are kept (captured), pyplot forgets them
    finally:
        plt.show = real_show
        os.chdir(cwd)
    return namespace, shown


def figure(prefix: str, *, title: str = "", ylabel: str = "", xlabel: str = ""):
    """The one figure of notebook ``prefix`` with an Axes whose title starts with ``title`` (and
    whose labels equal ``ylabel``/``xlabel`` when given)."""
    ns, figs = notebook_figures(prefix)
    found = [(f, ax) for f in figs for ax in f.axes
             if ax.get_title().startswith(title) and (not ylabel or ax.get_ylabel() == ylabel)
             and (not xlabel or ax.get_xlabel() == xlabel)]
    assert len(found) == 1, f"{prefix}: {len(found)} figures match {title!r} {ylabel!r}"
    return ns, found[0][1]


def by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def legend_labels(ax) -> list[str]:
    leg = ax.get_legend()
    return [t.get_text() for t in leg.get_texts()] if leg else []


def inside_figure(fig) -> None:
    """Every title, axis label, annotation and legend entry lies inside the figure (no clipped
    labels such as "primar")."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a closed figure keeps only a base canvas, which draws nothing
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    for ax in fig.axes:
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        if ax.get_legend():
            texts += ax.get_legend().get_texts()
        for text in texts:
            if not text.get_visible() or not text.get_text():
                continue
            ext = text.get_window_extent(renderer)
            assert box.x0 - 1 <= ext.x0 and ext.x1 <= box.x1 + 1 and box.y0 - 1 <= ext.y0 \
                and ext.y1 <= box.y1 + 1, f"clipped: {text.get_text()!r}"


# ----------------------------------------------------------------------------------- 00


def test_00_incidents_bars_count_the_bundled_incidents():
    _, ax = figure("00", title="AZ-scoped incidents by year")
    inc = data.load_az_incidents()
    by_year = inc["first_post_utc"].dt.year.value_counts().sort_index()
    assert [p.get_height() for p in ax.patches] == by_year.to_list()
    assert [t.get_text() for t in ax.get_xticklabels()] == by_year.index.astype(str).to_list()
    assert ax.get_ylabel() == "incidents"
    region_ax = next(a for a in ax.figure.axes if a.get_title() == "by region")
    assert sorted(p.get_width() for p in region_ax.patches) == sorted(
        inc["region_code"].value_counts().to_list())
    assert region_ax.get_xlabel() == "incidents"


# ----------------------------------------------------------------------------------- 01


def test_01_outage_duration_sweep_plots_each_event_probability():
    _, ax = figure("01", ylabel="P(event in a year), one group")
    lines = by_label(ax)
    assert sorted(lines) == sorted(quorum.EVENTS)
    fm = quorum.FailureModel()
    for event, line in lines.items():
        hours = line.get_xdata()
        expected = [quorum.event_probability(quorum.AURORA, fm.replace(az_outage_hours=h),
                                             event=event).value for h in hours]
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)
    assert list(hours) == [0.5, 1, 2, 4, 8, 24]


def test_01_segment_size_plot_shows_data_loss_per_repair_bandwidth():
    _, ax = figure("01", ylabel="P(data loss in a year), one group")
    stress = quorum.FailureModel(az_loss_rate_per_year=0.01)
    lines = by_label(ax)
    assert sorted(lines) == ["1 Gbit/s", "10 Gbit/s", "25 Gbit/s"]
    line = lines["1 Gbit/s"]
    expected = [quorum.event_probability(
        quorum.AURORA, stress.replace(segment_size_bytes=s * 1e9, repair_bandwidth_gbit_per_s=1),
        event="data_loss").value for s in line.get_xdata()]
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)


# ----------------------------------------------------------------------------------- 02


def test_02_write_paths_are_laid_out_by_az_with_the_papers_step_numbers():
    _, ax = figure("02", title="mirrored MySQL")
    fig = ax.figure
    for ax, g in zip(fig.axes, (write_path.mirrored_mysql_path(), write_path.aurora_path()),
                     strict=True):
        xy = ax.collections[0].get_offsets()
        assert len(xy) == g.number_of_nodes()
        # one column per AZ: nodes share an x exactly when they share an AZ
        azs = [d["az"] for _, d in g.nodes(data=True)]
        for (i, a), (j, b) in [((i, a), (j, b)) for i, a in enumerate(azs)
                               for j, b in enumerate(azs) if i < j]:
            assert (xy[i][0] == xy[j][0]) == (a == b), (a, b)
        steps = sorted(t.get_text() for t in ax.texts if t.get_gid() == "step")
        assert steps == sorted(str(d["step"]) for *_, d in g.edges(data=True)
                               if d.get("step") is not None)
        names = " ".join(t.get_text() for t in ax.texts)
        assert all(str(n) in names for n in g.nodes)  # full names, not "primar"
        assert f"{write_path.sync_hops(g)} synchronous hop" in ax.get_title()
    assert fig.axes[0].get_title().startswith("mirrored MySQL (Figure 2, steps 1-5)")
    inside_figure(fig)


def test_02_replica_lag_plot_shows_table4_and_the_fitted_queue():
    _, ax = figure("02", title="Aurora replica lag, SIGMOD'17 Table 4")
    lines = by_label(ax)
    t4 = write_path.TABLE4
    np.testing.assert_array_equal(lines["Table 4"].get_xdata(), t4["writes_per_s"])
    np.testing.assert_array_equal(lines["Table 4"].get_ydata(), t4["aurora_lag_ms"])
    queue = lines["queue, fitted at 1k and 10k"]
    expected = write_path.replica_lag(queue.get_xdata(), write_path.AURORA_REPLICA_TABLE4)
    np.testing.assert_allclose(queue.get_ydata(), expected["mean_lag_ms"], rtol=1e-12)
    flat = write_path.vdl_gated_lag([1_000, 10_000])["mean_lag_ms"]
    note = next(t.get_text() for t in ax.texts if "flat" in t.get_text())
    assert f"+{float(flat.iloc[1] - flat.iloc[0]):.2f} ms" in note
    rise = float(t4["aurora_lag_ms"].iloc[-1] - t4["aurora_lag_ms"].iloc[0])
    assert f"+{rise:.2f} ms" in note
    inside_figure(ax.figure)


# ----------------------------------------------------------------------------------- 03


def test_03_bill_against_peak_to_average_matches_monthly_cost():
    ns, ax = figure("03", ylabel="USD per month", xlabel="peak-to-average ratio")
    pb = pricing.load(ns["REGION"])
    r = 4
    hour = (np.arange(30 * 1440) % 1440) / 60.0
    demand = np.where(hour < 24.0 / r, ns["MEAN_ACU"] * r, 0.5)
    bill = serverless.monthly_cost(demand, pb, step_s=60, storage_gib=ns["STORAGE_GIB"],
                                   io_millions_per_month=ns["IO_MILLIONS"])
    lines = by_label(ax)
    assert sorted(lines) == sorted(bill.index)
    for option, line in lines.items():
        x = list(line.get_xdata())
        assert x == list(ns["PEAK_TO_AVERAGE"])
        assert line.get_ydata()[x.index(r)] == pytest.approx(bill.loc[option, "total_usd"])


def test_03_break_even_step_is_the_cheapest_class_sized_for_the_peak():
    ns, ax = figure("03", ylabel="break-even average / peak (%)")
    pb = pricing.load(ns["REGION"])
    line = ax.get_lines()[0]
    peaks = line.get_xdata()
    expected = [100 * serverless.break_even_utilization_for_peak(pb, float(p))[1] for p in peaks]
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)


# ----------------------------------------------------------------------------------- 04


def check_04_lag(ax, ns) -> None:
    assert ax.get_title() == f"{ns['PRIMARY']} -> {ns['SECONDARY']}: lag against write rate"
    link = global_db.ReplicationLink(primary=ns["PRIMARY"], secondary=ns["SECONDARY"])
    lines = by_label(ax)
    wanted = {"p99.9 (healthy)": ("p999_s", False), "p99 (with episodes)": ("p99_s", True),
              "p50 (healthy)": ("p50_s", False), "mean (with episodes)": ("mean_s", True),
              "p99.9 (with episodes)": ("p999_s", True)}
    assert set(wanted) <= set(lines)
    rates = [1e3, 5e3, 1e4, 2e4, 3e4, 3.5e4, 4e4, 4.4e4, 4.7e4]
    for label, (attr, episodes) in wanted.items():
        res = [global_db.lag(link, writes_per_s=w, include_degradation=episodes) for w in rates]
        np.testing.assert_allclose(lines[label].get_ydata(),
                                   [1e3 * getattr(r, attr) for r in res], rtol=1e-9)
        np.testing.assert_allclose(lines[label].get_xdata(),
                                   [global_db.lag(link, writes_per_s=w).utilisation
                                    for w in rates], rtol=1e-9)
    # p99.9 (healthy) and p99 lie within 0.2 ms: distinguishable only by marker and dashes
    a, b = lines["p99.9 (healthy)"], lines["p99 (with episodes)"]
    assert (a.get_marker(), a.get_linestyle()) != (b.get_marker(), b.get_linestyle())
    assert a.get_markersize() > b.get_markersize()
    assert set(wanted) <= set(legend_labels(ax))


def test_04_lag_plot_shows_every_quantile_distinguishably():
    ns, ax = figure("04", title="us-east-1 -> eu-west-1: lag against write rate")
    check_04_lag(ax, ns)
    inside_figure(ax.figure)


def test_04_a_changed_series_fails_the_figure_check():
    """The check above is not vacuous: scale one plotted series by 1 % and it fails."""
    ns, ax = figure("04", title="us-east-1 -> eu-west-1: lag against write rate")
    copy = pickle.loads(pickle.dumps(ax.figure))
    bad = next(a for a in copy.axes if a.get_title() == ax.get_title())
    line = by_label(bad)["p99 (with episodes)"]
    line.set_ydata(np.asarray(line.get_ydata()) * 1.01)
    with pytest.raises(AssertionError):
        check_04_lag(bad, ns)


def test_04_rpo_plot_has_a_sensible_floor_and_the_blocked_time():
    ns, ax = figure("04", title="Cost of an RPO cap")
    link = global_db.ReplicationLink(primary=ns["PRIMARY"], secondary=ns["SECONDARY"])
    rpo = np.array(ns["RPO_GRID_S"], dtype=float)
    one = global_db.rpo_blocking(link, writes_per_s=ns["WRITES_PER_S"], rpo_s=rpo)
    line = by_label(ax)[f"{ns['SECONDARY']} only"]
    np.testing.assert_allclose(line.get_ydata(), 86400 * one.fraction_blocked, rtol=1e-12)
    low, high = ax.get_ylim()
    assert low >= 1e-6 and high <= 1e3  # not down to 1e-19 s/day


def test_04_titles_format_numbers_for_people():
    ns, ax = figure("04", title="t-visibility")
    assert ax.get_title() == f"t-visibility from us-east-1 at {ns['WRITES_PER_S']:,.0f} writes/s"
    assert "e+" not in ax.get_title()


# ----------------------------------------------------------------------------------- 05


def test_05_downtime_bars_are_the_closed_form_means():
    _, ax = figure("05", xlabel="expected writer downtime, minutes per year")
    deployments = [*av.DEPLOYMENTS, av.AURORA_NO_REPLICA]
    direct = sorted((av.annual_downtime(d).mean.value, d.name) for d in deployments)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == [n for _, n in direct]
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths[:len(direct)], [round(m, 3) for m, _ in direct])
    proxy = {d.name: av.annual_downtime(d, client=av.PROXY_CLIENT).mean.value for d in deployments}
    np.testing.assert_allclose(widths[len(direct):], [round(proxy[n], 3) for n in names])


def test_05_readers_needed_steps_match_readers_needed():
    _, ax = figure("05", ylabel="Aurora replicas needed")
    lines = by_label(ax)
    line = lines["p99 <= 25 ms"]
    for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
        if np.isfinite(y):
            assert y == av.readers_needed(float(x), 5.0, 25.0, workers_per_reader=4,
                                          objective="p99")
