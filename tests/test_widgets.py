"""The explorers' functions, called directly, against the model functions they front.

The widget wrappers are checked for wiring only (a moved control recomputes with the new value);
the browser test drives them in JupyterLab.
"""

from __future__ import annotations

import pytest

from aurora_models import availability as av
from aurora_models import billing, global_db, quorum, widgets, write_path


def test_quorum_view_matches_the_model_and_reacts_to_the_write_quorum():
    view = widgets.quorum_view(copies_per_az=(2, 2, 2), write_quorum=4, read_quorum=3,
                               copy_afr=0.0157, az_outage_hours=2.0)
    fm = quorum.FailureModel(copy_failure_rate_per_year=0.0157, az_outage_hours=2.0)
    events = view["event probabilities"].set_index("event")["P(in a year), one group"]
    for event in quorum.EVENTS:
        assert events[event] == quorum.event_probability(quorum.AURORA, fm, event=event).value
    assert view["tolerance"].equals(quorum.tolerance_table(quorum.AURORA))
    # 5/6 writes cannot survive an AZ outage: the write-unavailable probability jumps
    five = widgets.quorum_view(write_quorum=5, read_quorum=2)["event probabilities"]
    assert five.set_index("event").loc["write_unavailable"].iloc[0] > 10 * events[
        "write_unavailable"]


def test_quorum_view_repair_time_sets_the_segment_size():
    fm = quorum.FailureModel()
    view = widgets.quorum_view(repair_s=fm.repair_s)
    base = widgets.quorum_view()
    assert view["event probabilities"]["P(in a year), one group"].to_list() == pytest.approx(
        base["event probabilities"]["P(in a year), one group"].to_list(), rel=1e-9)
    slow = widgets.quorum_view(repair_s=10 * fm.repair_s)["event probabilities"]
    assert slow.set_index("event").loc["data_loss"].iloc[0] > base[
        "event probabilities"].set_index("event").loc["data_loss"].iloc[0]
    with pytest.raises(ValueError, match="must exceed the detection time"):
        widgets.quorum_view(repair_s=1.0)


def test_write_path_view_matches_commit_latency_and_io_summary():
    view = widgets.write_path_view(copies_per_az=(2, 2, 2), write_quorum=4,
                                   same_az_rtt_ms=0.3, cross_az_rtt_ms=2.5)
    layout = quorum.QuorumLayout(copies_per_az=(2, 2, 2), write_quorum=4, read_quorum=3)
    g = write_path.aurora_path(layout=layout, latency=write_path.HopLatency(
        same_az_rtt_ms=0.3, cross_az_rtt_ms=2.5))
    expected = write_path.commit_latency(g, q=(0.5, 0.99, 0.999))["latency_ms"].to_list()
    assert view["commit latency"]["latency_ms"].to_list() == expected
    io = view["I/O per transaction"].set_index("quantity")["value"]
    assert io["network_ios_per_txn"] == write_path.io_summary(g)["network_ios_per_txn"]
    # a larger write quorum waits for a later acknowledgement
    slower = widgets.write_path_view(write_quorum=6, cross_az_rtt_ms=2.5, same_az_rtt_ms=0.3)
    assert slower["commit latency"]["latency_ms"].iloc[0] > expected[0]


def test_cost_view_bills_the_simulated_demand_in_the_chosen_region():
    view = widgets.cost_view(region="eu-west-2", capacity="provisioned", mean_acu=6.0,
                             max_acu=32.0)
    work = view["workload"].set_index("quantity")["value"]
    usage = billing.Usage(region="eu-west-2", capacity="provisioned",
                          instance_class="db.r6g.xlarge", volume_gib=100.0,
                          io_millions_per_month=100.0,
                          writer_acu_hours=work["ACU-hours per month"],
                          writer_peak_acu=work["peak capacity (ACU)"])
    bills = {b.label: b for b in billing.bill_options(usage)}
    options = view["options"].set_index("option")
    for label, row in options.iterrows():
        assert row["total_usd"] == pytest.approx(bills[label].total_usd, rel=1e-12)
    assert options.loc[options["configured"]].index.to_list() == ["provisioned, Aurora Standard"]
    assert view["bill lines"]["amount_usd"].sum() == pytest.approx(
        options.loc["provisioned, Aurora Standard", "total_usd"])
    us = widgets.cost_view(region="us-east-1", capacity="provisioned", mean_acu=6.0,
                           max_acu=32.0)["options"].set_index("option")
    assert us.loc["provisioned, Aurora Standard", "total_usd"] < options.loc[
        "provisioned, Aurora Standard", "total_usd"]
    # capping the ACU range caps the peak
    capped = widgets.cost_view(mean_acu=6.0, max_acu=4.0)["workload"].set_index("quantity")
    assert capped.loc["peak capacity (ACU)", "value"] == 4.0


def test_global_db_view_matches_lag_and_grows_with_the_write_rate():
    view = widgets.global_db_view(primary="us-east-1", secondary="ap-southeast-2",
                                  writes_per_s=5_000.0, batch_interval_ms=20.0)
    link = global_db.ReplicationLink(primary="us-east-1", secondary="ap-southeast-2",
                                     batch_interval_ms=20.0)
    res = global_db.lag(link, writes_per_s=5_000.0)
    lag = view["lag"].set_index("statistic")["value"]
    assert lag["p99 lag (ms)"] == pytest.approx(1e3 * res.p99_s, rel=1e-12)
    assert lag["utilisation"] == pytest.approx(res.utilisation, rel=1e-12)
    busier = widgets.global_db_view(primary="us-east-1", secondary="ap-southeast-2",
                                    writes_per_s=30_000.0, batch_interval_ms=20.0)
    assert busier["lag"].set_index("statistic").loc["mean lag (ms)", "value"] > lag[
        "mean lag (ms)"]
    risk = busier["RPO exposure"].set_index(["quantity", "statistic"])["value"]
    assert risk["writes at risk", "mean"] > view["RPO exposure"].set_index(
        ["quantity", "statistic"])["value"]["writes at risk", "mean"]


def test_availability_view_matches_annual_downtime_and_replicas_help():
    none = widgets.availability_view(deployment="Aurora", replicas=0)
    two = widgets.availability_view(deployment="Aurora", replicas=2)
    minutes = two["downtime"].set_index("quantity")["value"]
    assert minutes["downtime (minutes/year)"] == av.annual_downtime(av.aurora(2)).mean.value
    assert none["downtime"].set_index("quantity").loc["downtime (minutes/year)", "value"] > \
        minutes["downtime (minutes/year)"]
    assert minutes["availability (%)"] == pytest.approx(
        100 * (1 - minutes["downtime (minutes/year)"] / 525_600))
    rds = widgets.availability_view(deployment="RDS Single-AZ")
    single = next(d for d in av.DEPLOYMENTS if d.name == "RDS Single-AZ")
    assert rds["failover"].set_index("q").loc[0.9].iloc[0] == av.failover_time_s(single, q=0.9)
    with pytest.raises(ValueError, match="unknown deployment"):
        widgets.availability_view(deployment="Oracle RAC")


def test_explorer_wrapper_recomputes_when_a_control_moves():
    pytest.importorskip("ipywidgets")
    calls = []

    def compute(write_quorum):
        calls.append(write_quorum)
        return widgets.quorum_view(write_quorum=write_quorum, read_quorum=7 - write_quorum)

    import ipywidgets as w

    slider = w.IntSlider(value=4, min=1, max=6)
    box = widgets._explorer(compute, {"write_quorum": slider}, title="t")
    slider.value = 5
    assert calls == [4, 5]
    assert box.controls["write_quorum"] is slider


@pytest.mark.parametrize("make", [widgets.quorum_explorer, widgets.write_path_explorer,
                                  widgets.cost_explorer, widgets.global_db_explorer,
                                  widgets.availability_explorer])
def test_every_explorer_builds(make):
    pytest.importorskip("ipywidgets")
    box = make()
    assert box.controls and box.children[-1] is box.output


def test_users_view_moves_the_users_and_follows_the_section():
    near = widgets.users_view(user_region="eu-central-1", share=0.3)["latency by user region"]
    far = widgets.users_view(user_region="ap-southeast-2", share=0.3)["latency by user region"]
    fra, syd = near.iloc[1], far.iloc[1]
    assert fra["read from"] == "eu-west-1" and syd["read from"] == "us-east-1"
    assert syd["read p50"] > fra["read p50"] + 100.0  # Sydney reads across the Pacific
    fwd = widgets.users_view(user_region="eu-central-1", write_forwarding=True,
                             consistency="global")["latency by user region"].iloc[1]
    assert fwd["forwarded write p50"] > fra["write p50"] and fwd["own write visible"] == 1.0
    assert fwd["read p50"] > fra["read p50"] + 30.0  # GLOBAL reads wait for the latest commit
    with pytest.raises(ValueError, match=r"`share` must be in \[0, 1\], got 1.5"):
        widgets.users_view(share=1.5)
