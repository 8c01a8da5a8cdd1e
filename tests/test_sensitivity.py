"""Uncertainty distributions, propagation and global sensitivity (aurora_models.sensitivity)."""

from __future__ import annotations

import math
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from scipy import stats

import aurora_models as am
from aurora_models import scenario as sc
from aurora_models.sensitivity import (
    analyze,
    distributions,
    make,
    morris,
    propagate,
    propagate_scenario,
    sobol,
)


# ---- distributions ----------------------------------------------------------------------------
def test_lognormal_by_p5_p95_hits_both_quantiles():
    d = make("x", {"dist": "lognormal", "p5": 0.3, "p95": 3.0})
    np.testing.assert_allclose(d.ppf([0.05, 0.5, 0.95]), [0.3, math.sqrt(0.9), 3.0], rtol=1e-12)


def test_truncated_to_declared_bounds_is_the_conditional_distribution():
    d = make("x", {"dist": "normal", "mean": 0.0, "sd": 1.0}, lower=0.0, upper=1.0)
    u = np.linspace(0, 1, 11)
    x = d.ppf(u)
    assert x.min() == 0.0 and x.max() == 1.0
    # the conditional CDF of N(0, 1) on [0, 1] at x is u
    f = stats.norm
    np.testing.assert_allclose((f.cdf(x) - 0.5) / (f.cdf(1) - 0.5), u, atol=1e-12)


def test_triangular_and_loguniform_and_samples():
    t = make("x", {"dist": "triangular", "low": 1, "mode": 4, "high": 12})
    assert t.ppf(0.0) == 1 and t.ppf(1.0) == 12
    assert float(t.ppf(3 / 11)) == pytest.approx(4.0)  # P(X <= mode) = (mode-low)/(high-low)
    lu = make("x", {"dist": "loguniform", "low": 0.5, "high": 32})
    assert float(lu.ppf(0.5)) == pytest.approx(4.0)  # geometric midpoint
    s = make("x", {"dist": "samples", "values": [0.40, 0.42, 0.44, 0.41]}, lower=0, upper=1)
    assert float(s.ppf(0.0)) == 0.40 and float(s.ppf(1.0)) == 0.44


@pytest.mark.parametrize("spec, match", [
    ({"dist": "lognormal", "p5": 3, "p95": 1}, r"`k`: lognormal needs p5 < p95, got p5=3, p95=1"),
    ({"dist": "lognormal", "p5": -1, "p95": 1}, r"lognormal needs p5 > 0"),
    ({"dist": "triangular", "low": 1, "mode": 5, "high": 3}, r"low <= mode <= high"),
    ({"dist": "uniform", "low": 2, "high": 1}, r"uniform needs low < high"),
    ({"dist": "normal", "mean": 1, "sd": 0}, r"sd > 0"),
    ({"dist": "gamma", "k": 1}, r"`dist` must be one of uniform"),
    ({"dist": "uniform", "low": 0}, r"`high` is missing"),
    ({"dist": "uniform", "low": 0, "high": 1, "mode": 1}, r"got `mode`"),
    ({"dist": "samples", "values": [1.0]}, r"at least two finite numbers"),
    ({"dist": "uniform", "low": 500, "high": 600}, r"lies outside the parameter's range"),
])
def test_inconsistent_specs_are_one_line_errors_naming_the_key(spec, match):
    with pytest.raises(ValueError, match=match):
        make("k", spec, lower=0, upper=365)


def test_assumptions_show_the_declared_distributions():
    a = am.assumptions()
    u = dict(zip(a["name"], a["uncertainty"], strict=True))
    assert u["availability.instance_failure_rate_per_year"].startswith("lognormal(p5=0.2, p95=5)")
    assert u["quorum.az_outage_hours"].startswith("lognormal(")
    assert u["serverless.scale_up_delay_s"].startswith("loguniform(")


def test_assumptions_list_the_user_inputs_with_a_distribution():
    a = am.assumptions().set_index("name")
    user = a[a["kind"] == "user input"]
    # every scenario key with a declared distribution is listed, under its scenario key
    from aurora_models.scenario._spec import uncertain_keys

    declared = {k for k, p in uncertain_keys().items() if p.uncertainty}
    assert declared <= set(a["scenario_key"])
    assert {"workload.vcpu_ms_per_write", "workload.vcpu_ms_per_read", "workload.io_per_write",
            "workload.io_per_read", "workload.base_acu", "cluster.acu_per_vcpu"} <= set(
        user["scenario_key"])
    row = user.loc["workload.vcpu_ms_per_write"]
    # declared as p5 0.2, p95 1.5 and centred on the default 0.5: the declared spread x 0.913
    assert row["uncertainty"].startswith("lognormal(p5=0.182574, p95=1.36931)")
    assert "centred on the default 0.5" in row["uncertainty"]
    assert row["value"] == 0.5 and "user's figure" in row["source"]
    assert (user["uncertainty"] != "").all()  # a user input is listed for its distribution
    assert "workload.writes_per_s" not in a.index  # no distribution: not listed
    assert set(am.assumptions("workload")["kind"]) == {"user input"}
    # the estimate's registry lists the file's values, not these defaults
    doc = sc.estimate(sc.load(), n_trials=100).to_dict()["assumptions"]
    assert not {m["name"] for m in doc["models"]} & set(user.index)
    assert {"workload.vcpu_ms_per_write"} <= {s["key"] for s in doc["scenario"]}


# ---- the scenario's [uncertainty] table --------------------------------------------------------
def _with(table: str):
    return sc.loads(sc.template_text() + "\n[uncertainty]\n" + table, source="s.toml")


def test_uncertainty_table_overrides_the_declaration():
    s = _with('"failures.instance_failure_rate_per_year" = '
              '{ dist = "normal", mean = 0.42, sd = 0.05 }\n')
    d = distributions(s)["failures.instance_failure_rate_per_year"]
    assert d.dist == "normal" and float(d.ppf(0.5)) == pytest.approx(0.42)
    assert s.replace(failures__az_outage_hours=3.0).uncertainty == s.uncertainty


def test_uncertainty_table_errors_name_key_and_line():
    n = len(sc.template_text().splitlines()) + 3  # the blank line, the header, the key
    with pytest.raises(sc.ScenarioError, match=rf"^s.toml:{n}: unknown key `uncertainty.failures."
                       r"instance_failure_rate_per_yeer` \(did you mean `failures.instance_"
                       r"failure_rate_per_year`\?"):
        _with('"failures.instance_failure_rate_per_yeer" = { dist = "lognormal", p5 = 0.3, '
              'p95 = 3.0 }\n')
    with pytest.raises(sc.ScenarioError, match=rf"^s.toml:{n}: uncertainty `failures.az_outage_"
                       r"hours`: lognormal needs p5 < p95"):
        _with('"failures.az_outage_hours" = { dist = "lognormal", p5 = 3, p95 = 1 }\n')
    with pytest.raises(sc.ScenarioError, match=r"lognormal needs p5 > 0"):
        _with('"workload.io_per_write" = { dist = "lognormal", p5 = 0, p95 = 1 }\n')
    with pytest.raises(sc.ScenarioError, match=r"triangular needs low <= mode <= high"):
        _with('"failures.az_outage_hours" = { dist = "triangular", low = 1, mode = 9, '
              'high = 3 }\n')


def test_file_values_keep_the_declared_relative_spread():
    s = sc.load()  # the leaderboard sets vcpu_ms_per_write = 0.5, the declared default
    d = distributions(s)["workload.vcpu_ms_per_write"]
    s2 = s.replace(workload__vcpu_ms_per_write=1.0)
    d2 = distributions(s2)["workload.vcpu_ms_per_write"]
    np.testing.assert_allclose(d2.ppf([0.05, 0.95]), 2 * d.ppf([0.05, 0.95]), rtol=1e-12)


# ---- global sensitivity against analytic answers ------------------------------------------------
def ishigami(X):
    return (np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2
            + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0]))[:, None]


def _ishigami_dists():
    return [make(f"x{i}", {"dist": "uniform", "low": -math.pi, "high": math.pi})
            for i in (1, 2, 3)]


def test_ishigami_indices_through_the_pipeline():
    r = sobol(ishigami, _ishigami_dists(), outputs=["y"], n=4096, seed=3)
    t = r.table.set_index("input")
    # Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, §4.7: a=7, b=0.1
    for name, s1, st in (("x1", 0.3139, 0.5576), ("x2", 0.4424, 0.4424), ("x3", 0.0, 0.2437)):
        # conf is a 95 % half-width (1.96 standard errors): allow ~4 standard errors
        assert abs(t.loc[name, "S1"] - s1) <= 2 * t.loc[name, "S1_conf"] + 0.005, name
        assert abs(t.loc[name, "ST"] - st) <= 2 * t.loc[name, "ST_conf"] + 0.005, name
    assert list(r.ranked("y")["input"]) == ["x1", "x2", "x3"]
    assert r.evaluations == (3 + 2) * 4096


def test_linear_bill_indices_equal_hand_computed_variance_shares():
    # bill = 500 + 2000 x_cpu + 300 x_io + 1000 x_disc, independent inputs
    dists = [make("cpu", {"dist": "normal", "mean": 0.5, "sd": 0.1}),
             make("io", {"dist": "uniform", "low": 0.0, "high": 2.0}),
             make("disc", {"dist": "triangular", "low": 0.2, "mode": 0.3, "high": 0.5})]
    coef = np.array([2000.0, 300.0, 1000.0])
    var = np.array([0.1 ** 2, 2.0 ** 2 / 12,
                    (0.2 ** 2 + 0.3 ** 2 + 0.5 ** 2 - 0.2 * 0.3 - 0.2 * 0.5 - 0.3 * 0.5) / 18])
    share = coef ** 2 * var / np.sum(coef ** 2 * var)  # by hand: 400, 30, 23.33 over 453.33

    r = sobol(lambda X: 500 + X @ coef, dists, outputs=["bill"], n=2048, seed=5)
    t = r.table.set_index("input")
    for name, s in zip(["cpu", "io", "disc"], share, strict=True):
        assert abs(t.loc[name, "S1"] - s) <= 2 * t.loc[name, "S1_conf"] + 0.005, name
        assert abs(t.loc[name, "ST"] - s) <= 2 * t.loc[name, "ST_conf"] + 0.005, name
    m = morris(lambda X: 500 + X @ coef, dists, outputs=["bill"], r=20, seed=5)
    assert list(m.ranked("bill")["input"]) == ["cpu", "io", "disc"]


def test_propagation_median_and_interval_of_a_known_function():
    d = [make("x", {"dist": "lognormal", "p5": 1.0, "p95": 100.0})]
    p = propagate(lambda X: X, d, outputs=["y"], n=1024, seed=1)
    med, lo, hi = p.interval("y")
    assert med == pytest.approx(10.0, rel=0.02)
    assert lo == pytest.approx(1.0, rel=0.05) and hi == pytest.approx(100.0, rel=0.05)


def test_same_result_on_a_process_executor():
    d = _ishigami_dists()
    a = sobol(ishigami, d, outputs=["y"], n=128, seed=2)
    with ProcessPoolExecutor(2) as ex:
        b = sobol(ishigami, d, outputs=["y"], n=128, seed=2, executor=ex)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert a.table.equals(b.table)


def test_budget_refuses_before_evaluating():
    calls = []

    def f(X):
        calls.append(len(X))
        return X[:, :1]

    with am.budget(work=1e6), pytest.raises(am.BudgetError, match=r"`n` = 1024 .*sobol"):
        sobol(f, _ishigami_dists(), outputs=["y"], n=1024, work_per_evaluation=1e3)
    assert calls == []
    with pytest.raises(ValueError, match=r"`n` must be a power of 2"):
        sobol(f, _ishigami_dists(), outputs=["y"], n=1000)


# ---- the scenario -------------------------------------------------------------------------------
def test_scenario_propagation_and_measuring_the_top_input_tightens_the_bill():
    s = sc.load()
    p = propagate_scenario(s, n=8)
    f = p.to_frame().set_index("output")
    lo, hi = f.loc["bill_serverless_io_optimized", ["p5", "p95"]]
    assert lo < hi
    assert sum(p.p_cheapest.values()) == pytest.approx(1.0)
    assert f.loc["downtime_minutes_per_year", "p5"] < f.loc["downtime_minutes_per_year", "p95"]
    # the architect measures the two inputs Morris ranks first for this bill (CPU per read, I/O
    # per write; README): a narrow normal around today's values
    text = s.text + ('\n[uncertainty]\n"workload.io_per_write" = '
                     '{ dist = "normal", mean = 1.0, sd = 0.02 }\n'
                     '"workload.vcpu_ms_per_read" = { dist = "normal", mean = 0.2, sd = 0.005 }\n')
    measured = sc.loads(text)
    g = propagate_scenario(measured, n=8).to_frame().set_index("output")
    lo2, hi2 = g.loc["bill_serverless_io_optimized", ["p5", "p95"]]
    assert hi2 - lo2 < 0.5 * (hi - lo)


def test_scenario_unknown_output_has_a_did_you_mean():
    with pytest.raises(ValueError, match=r"unknown output 'bill_serverless_standrd' \(did you "
                                         r"mean 'bill_serverless_standard'"):
        analyze(sc.load(), outputs=["bill_serverless_standrd"], n=2)


def test_infeasible_vectors_are_censored_and_counted():
    d = [make("x", {"dist": "uniform", "low": 0.0, "high": 1.0}),
         make("z", {"dist": "uniform", "low": 0.0, "high": 1.0})]

    def f(X):
        y = X[:, 0] + 0.1 * X[:, 1]
        return np.where(X[:, 0] > 0.95, np.nan, y)[:, None]

    r = sobol(f, d, outputs=["y"], n=256, seed=1)
    assert 0 < r.infeasible < r.evaluations
    assert np.isfinite(r.table["ST"]).all()
    assert list(r.ranked("y")["input"]) == ["x", "z"]


# ---- dask.distributed ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, \
            distributed.Client(cluster) as client:
        yield client


def test_sobol_on_a_dask_local_cluster_is_bit_identical(dask_client):
    from SALib.test_functions import Ishigami

    d = _ishigami_dists()
    a = sobol(Ishigami.evaluate, d, outputs=["y"], n=256, seed=4)
    b = sobol(Ishigami.evaluate, d, outputs=["y"], n=256, seed=4, executor=dask_client)
    c = sobol(Ishigami.evaluate, d, outputs=["y"], n=256, seed=4,
              executor=dask_client.scheduler.address)
    np.testing.assert_array_equal(a.Y, b.Y)
    np.testing.assert_array_equal(a.Y, c.Y)
    assert a.table.equals(b.table)


def test_a_killed_worker_loses_nothing(dask_client):
    import os
    import signal
    import time as _time

    from SALib.test_functions import Ishigami

    def slow(X):  # long enough that the kill lands mid-run
        _time.sleep(0.05)
        return Ishigami.evaluate(X)

    d = _ishigami_dists()
    want = sobol(Ishigami.evaluate, d, outputs=["y"], n=256, seed=6)
    pids = dask_client.run(os.getpid)
    victim = sorted(pids.values())[0]

    import threading

    done = threading.Event()
    killed_mid_run = []

    def kill_soon():
        _time.sleep(0.2)
        killed_mid_run.append(not done.is_set())
        os.kill(victim, signal.SIGKILL)

    killer = threading.Thread(target=kill_soon)
    killer.start()
    got = sobol(slow, d, outputs=["y"], n=256, seed=6, executor=dask_client)
    done.set()
    killer.join()
    assert killed_mid_run == [True]  # the kill landed while chunks were still running
    assert victim not in dask_client.run(os.getpid).values()  # the worker did die
    np.testing.assert_array_equal(want.Y, got.Y)
    assert want.table.equals(got.table)


def _plain_outputs(s, names, x, model):
    """The outputs of one vector read from a plain estimate's JSON document (the map is
    written by hand, not read from the manifests the batch path uses)."""
    from aurora_models.sensitivity._scenario import EVAL_TRIALS

    SECTIONS = ("durability", "availability", "failover", "cost", "readers", "global_database")

    changes = {n.replace(".", "__", 1): float(v) for n, v in zip(names, x, strict=True)}
    with warnings.catch_warnings():  # as the model does (an AZ outage in the tail)
        warnings.simplefilter("ignore", am.exceptions.AuroraModelsWarning)
        doc = sc.estimate(s.replace(**changes), n_trials=EVAL_TRIALS, seed=model.seed,
                          only=SECTIONS).to_dict()
    by_option = {o["option"]: o["total_usd"] for o in doc["cost"]["options"]}
    sec = doc["global_database"]["secondaries"][0]
    region = sec["secondary"]
    want = {"downtime_minutes_per_year": doc["availability"]["annual_downtime_minutes"]["value"],
            "p_write_unavailable": doc["durability"]["p_storage_write_unavailable_volume"]["value"],
            "p_data_loss": doc["durability"]["p_data_loss_volume"]["value"],
            "failover_p50_s": doc["failover"]["p50_s"], "failover_p90_s": doc["failover"]["p90_s"],
            "failover_p99_s": doc["failover"]["p99_s"],
            "readers_at_event_peak": doc["readers"]["event_peak"],
            "writer_demand_not_served": doc["serverless"]["writer"]["shortfall_share_of_demand"],
            f"lag_p99_ms_{region}": 1e3 * sec["lag_event_peak"]["p99_s"],
            f"rpo_writes_at_risk_{region}":
                sec["rpo_exposure_event_peak"]["writes_at_risk_mean"]["value"],
            **{f"bill_{k}": v for k, v in by_option.items()}}
    return np.array([want[o] for o in model.outputs], dtype=float)


@pytest.mark.parametrize("design", ["sobol", "random"])
def test_batch_evaluation_equals_one_plain_estimate_per_vector(design):
    """ScenarioModel evaluates each section once per distinct vector of what it reads, through
    its batch form where it has one: every output equals the plain estimate's, on the rows of
    a Sobol group (A, then A with one column from B, ...: most sections shared) and on
    independent random vectors (nothing shared)."""
    from SALib import ProblemSpec

    from aurora_models.sensitivity._analysis import to_values
    from aurora_models.sensitivity._scenario import ScenarioModel

    s = sc.load()
    d = distributions(s)
    names = list(d)
    if design == "sobol":
        sp = ProblemSpec({"names": names, "bounds": [[0, 1]] * len(names)})
        sp.sample_sobol(2, calc_second_order=False, seed=3)
        U = sp.samples[: len(names) + 2]  # one group
    else:
        U = np.random.default_rng(5).random((6, len(names)))
    X = to_values(list(d.values()), U)
    model = ScenarioModel.of(s, names)
    Y = model(X)
    for x, y in zip(X, Y, strict=True):
        want = _plain_outputs(s, names, x, model)
        np.testing.assert_allclose(y, want, rtol=1e-11, atol=0)
        np.testing.assert_allclose(model.row(x), want, rtol=1e-11, atol=0)
    assert len({tuple(r) for r in Y}) == len(Y)  # every vector changed the outputs


def test_a_section_reading_outside_its_plan_is_an_error_not_a_shared_result():
    """The plan (what a section reads) is recorded on the scenario's own run; a run that reads
    an upstream field the plan lacks would share results wrongly: it raises instead."""
    from aurora_models._section import BatchContext, Section
    from aurora_models.sensitivity._scenario import _run_batch

    seen = []

    def run(ctx):
        seen.append(ctx["workload"].mean_reads_per_s)
        return None

    sec = Section(name="probe", title="probe", run=run, consumes=("workload",))
    wl = sc.estimate(sc.load(), n_trials=100, only=("workload",)).results["workload"]
    b = BatchContext(scenario=sc.load(), values={}, size=1, n_trials=100, seed=1,
                     results={"workload": [wl]})
    with pytest.raises(RuntimeError, match="outside its plan"):
        _run_batch(sec, b, (("workload", "mean_writes_per_s", True),))
    assert _run_batch(sec, b, (("workload", "mean_reads_per_s", True),)) == [None]


def test_scenario_propagation_on_a_process_executor_is_identical():
    s = sc.load()
    a = propagate_scenario(s, n=4)
    with ProcessPoolExecutor(2) as ex:
        b = propagate_scenario(s, n=4, executor=ex)
    np.testing.assert_array_equal(a.propagation.Y, b.propagation.Y)
    assert a.p_cheapest == b.p_cheapest


def test_model_range_warnings_are_not_repeated_per_evaluation():
    """A 0.1 h AZ outage makes the volume approximation warn (AuroraModelsWarning); under
    filterwarnings=error an evaluation must still return numbers, not raise."""
    from aurora_models.sensitivity._scenario import ScenarioModel

    s = sc.load()
    with pytest.warns(am.AuroraModelsWarning):
        sc.estimate(s.replace(failures__az_outage_hours=0.1), n_trials=100)
    model = ScenarioModel.of(s, ["failures.az_outage_hours"])
    y = model(np.array([[0.1], [2.0]]))
    assert np.isfinite(y[:, 0]).all() and y[0, 0] != y[1, 0]


def test_a_refused_vector_loses_only_the_outputs_of_the_refusing_section():
    """40 vCPU ms per write puts the writer's peak above every instance class: the bills of a
    provisioned writer are refused (no class holds it: NaN, censored per output; the
    Serverless v2 bills are of the writer capped at max_acu, as for any peak above it), the
    downtime and the rest are still computed, in the batch and in the plain evaluation
    alike."""
    from aurora_models.sensitivity._scenario import ScenarioModel

    model = ScenarioModel.of(sc.load(), ["workload.vcpu_ms_per_write"])
    Y = model(np.array([[0.5], [40.0]]))
    out = dict(zip(model.outputs, Y[1], strict=True))
    assert all(np.isnan(v) for k, v in out.items() if k.startswith("bill_provisioned"))
    assert all(np.isfinite(v) for k, v in out.items() if k.startswith("bill_serverless"))
    assert np.isfinite(out["downtime_minutes_per_year"]) and np.isfinite(out["p_data_loss"])
    assert np.isfinite(Y[0]).all()
    np.testing.assert_array_equal(Y[1], model.row(np.array([40.0])))


def test_fixed_outputs_are_reported_and_probabilities_are_analysed_on_log10():
    """The failover quantiles do not depend on any sampled input: reported as fixed (indices
    0, no SALib warning about constant values); P(data loss), spanning decades, is analysed as
    log10 and its copy-failure and outage inputs lead."""
    r = analyze(sc.load(), method="morris", n=4, outputs=["failover_p50_s", "p_data_loss"])
    assert r.outputs == ("failover_p50_s", "log10(p_data_loss)")
    assert r.fixed == ("failover_p50_s",)
    assert (r.ranked("failover_p50_s")["mu_star"] == 0).all()
    top = set(r.ranked("log10(p_data_loss)", 2)["input"])
    assert top == {"failures.copy_failure_rate_per_year", "failures.az_outage_hours"}
