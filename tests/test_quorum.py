"""Tests of aurora_models.quorum: paper claims, mpmath references, brute force, Monte Carlo."""

import importlib.util
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import data, markov, quorum
from aurora_models.exceptions import AuroraModelsWarning as am_warning
from aurora_models.quorum import (
    AURORA,
    AURORA_DEGRADED,
    MIRRORED_MULTI_AZ,
    TWO_OF_THREE,
    FailureModel,
    QuorumLayout,
)

REF = Path(__file__).parent / "reference"
REF_FM = FailureModel(copy_failure_rate_per_year=0.015, transient_failure_rate_per_year=0.0,
                      az_outage_rate_per_year=1.0)
SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def layouts(draw, max_azs=3, max_copies=3):
    cpa = tuple(draw(st.lists(st.integers(1, max_copies), min_size=1, max_size=max_azs)))
    v = sum(cpa)
    w = draw(st.integers(v // 2 + 1, v))
    r = draw(st.integers(v - w + 1, v))
    return QuorumLayout(copies_per_az=cpa, write_quorum=w, read_quorum=r)


# --- layouts and the paper's claims (SIGMOD'17 §2.1) ---------------------------------------

def test_paper_claims_aurora_and_two_of_three():
    t = quorum.tolerance_table(AURORA).set_index("scenario")
    assert t.loc["any 2 copies", "write_available"] and t.loc["one AZ", "write_available"]
    assert not t.loc["any 3 copies", "write_available"]
    assert t.loc["one AZ + 1", "read_available"]  # AZ+1 keeps data
    assert not t.loc["one AZ + 2", "read_available"]
    t3 = quorum.tolerance_table(TWO_OF_THREE).set_index("scenario")
    assert t3.loc["one AZ", "write_available"] and not t3.loc["one AZ + 1", "read_available"]
    tm = quorum.tolerance_table(MIRRORED_MULTI_AZ).set_index("scenario")
    assert not tm.loc["any 1 copy", "write_available"] and tm.loc["one AZ", "read_available"]
    td = quorum.tolerance_table(AURORA_DEGRADED).set_index("scenario")
    assert td.loc["any 1 copy", "write_available"] and not td.loc["one AZ", "write_available"]


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(copies_per_az=(2, 2, 2), write_quorum=3, read_quorum=4), r"2 \* write_quorum > n_copies"),
    (dict(copies_per_az=(2, 2, 2), write_quorum=4, read_quorum=2), r"read_quorum \+ write_quorum"),
    (dict(copies_per_az=(2, 0, 2), write_quorum=3, read_quorum=2), r"`copies_per_az\[1\]` must be an integer in \[1, 16\], got 0"),
    (dict(copies_per_az=(2, -1), write_quorum=1, read_quorum=1), r"copies_per_az\[1\]"),
    (dict(copies_per_az=(), write_quorum=1, read_quorum=1), "at least one AZ"),
    (dict(copies_per_az=(2, 2, 2), write_quorum=7, read_quorum=3), r"`write_quorum` must be at most n_copies \(6\), got 7"),
    (dict(copies_per_az=(2, 2, 2), write_quorum=4, read_quorum=97), r"`read_quorum` must be an integer in \[1, 96\], got 97"),
    (dict(copies_per_az=(1,) * 7, write_quorum=4, read_quorum=4), "at most 6 AZs"),
])
def test_layout_rejects_bad_quorums(kwargs, match):
    with pytest.raises(ValueError, match=match):
        QuorumLayout(**kwargs)


def test_layout_type_errors():
    with pytest.raises(TypeError, match="copies_per_az"):
        QuorumLayout(copies_per_az="222", write_quorum=4, read_quorum=3)
    with pytest.raises(TypeError, match="layout"):
        quorum.tolerance_table("AURORA")


@SETTINGS
@given(layouts(max_azs=4))
def test_tolerance_table_matches_copy_subset_enumeration(layout):
    """Brute force over actual subsets of failed copies (not per-AZ counts)."""
    table = quorum.tolerance_table(layout).set_index("scenario")
    az = np.repeat(np.arange(layout.n_azs), layout.copies_per_az)
    v = layout.n_copies
    for k in range(v + 1):
        name = "any 1 copy" if k == 1 else f"any {k} copies"
        left = v - k  # every k-subset leaves the same count
        assert table.loc[name, "write_available"] == (left >= layout.write_quorum)
    for extra in range(3):
        cases = []
        for a in range(layout.n_azs):
            others = np.flatnonzero(az != a)
            for sub in itertools.combinations(others, extra):
                cases.append(v - layout.copies_per_az[a] - len(sub))
        name = "one AZ" if extra == 0 else f"one AZ + {extra}"
        if cases and name in table.index:
            assert table.loc[name, "write_available"] == (min(cases) >= layout.write_quorum)
            assert table.loc[name, "read_available"] == (min(cases) >= layout.read_quorum)


# --- snapshot ------------------------------------------------------------------------------

def _brute_snapshot(layout, p, paz):
    az = np.repeat(np.arange(layout.n_azs), layout.copies_per_az)
    out = {"write_unavailable": 0.0, "read_unavailable": 0.0}
    for az_up in itertools.product([0, 1], repeat=layout.n_azs):
        for up in itertools.product([0, 1], repeat=layout.n_copies):
            w = math.prod(paz if not u else 1 - paz for u in az_up)
            w *= math.prod(p if not u else 1 - p for u in up)
            a = sum(u and az_up[az[i]] for i, u in enumerate(up))
            out["write_unavailable"] += w * (a < layout.write_quorum)
            out["read_unavailable"] += w * (a < layout.read_quorum)
    return out


@SETTINGS
@given(layouts(max_azs=3, max_copies=2), st.floats(0, 1), st.floats(0, 1))
def test_snapshot_matches_brute_force(layout, p, paz):
    got = quorum.snapshot_unavailability(layout, p_copy=p, p_az=paz)
    ref = _brute_snapshot(layout, p, paz)
    for key in got:
        assert got[key].is_exact and 0.0 <= got[key].value <= 1.0
        assert got[key].value == pytest.approx(ref[key], rel=1e-9, abs=1e-300)


def test_snapshot_tiny_probabilities_against_mpmath():
    import mpmath as mp

    mp.mp.dps = 50
    p, paz = mp.mpf("1e-60"), mp.mpf("1e-100")
    # Aurora loses writes with >= 3 of 6 unavailable; expand exactly in mpmath.
    exact = mp.mpf(0)
    for az_up in itertools.product([0, 1], repeat=3):
        waz = mp.fprod(paz if not u else 1 - paz for u in az_up)
        for k in itertools.product(range(3), repeat=3):
            wk = mp.fprod(mp.binomial(2, j) * p**j * (1 - p) ** (2 - j) for j in k)
            avail = sum((2 - j) * u for j, u in zip(k, az_up, strict=True))
            if avail < 4:
                exact += waz * wk
    got = quorum.snapshot_unavailability(AURORA, p_copy=1e-60, p_az=1e-100)[
        "write_unavailable"].value
    assert abs(got / float(exact) - 1) < 1e-12
    assert 1e-300 < got < 1e-150


def test_snapshot_bad_probability():
    with pytest.raises(ValueError, match=r"`p_copy` must be a probability in \[0, 1\], got 1.5"):
        quorum.snapshot_unavailability(AURORA, p_copy=1.5, p_az=0.0)
    with pytest.raises(ValueError, match="`p_az` must be a probability"):
        quorum.snapshot_unavailability(AURORA, p_copy=0.1, p_az=-0.1)


def test_simulated_snapshot_agrees():
    exact = quorum.snapshot_unavailability(TWO_OF_THREE, p_copy=0.1, p_az=0.05)
    mc = quorum.simulate_snapshot_unavailability(TWO_OF_THREE, p_copy=0.1, p_az=0.05,
                                                 n_trials=200_000, rng=11)
    for key in exact:
        assert abs(mc[key].zscore(exact[key].value)) < 4.5


# --- failure model and defaults ---------------------------------------------------------------

def test_defaults_derive_from_data():
    fm = FailureModel()
    years = data.load_drive_afr("year")
    assert fm.copy_failure_rate_per_year == pytest.approx(
        float(years.loc[years["period"] == "2024", "afr"].iloc[0]), rel=1e-12)
    az = data.load_az_incidents()
    n_east = int((az["region_code"] == "us-east-1").sum())
    assert fm.az_outage_rate_per_year == pytest.approx(n_east / az.attrs["window_years"] / 6, rel=1e-12)
    assert fm.transfer_s == pytest.approx(8.0) and fm.repair_s == pytest.approx(10.0)
    reg = __import__("aurora_models").assumptions("quorum")
    assert {"quorum.copy_failure_rate_per_year", "quorum.az_outage_hours"} <= set(reg["name"])


@pytest.mark.parametrize(("field", "value", "match"), [
    ("copy_failure_rate_per_year", -1.0, r"`copy_failure_rate_per_year` must be a number in \[0, 100\], got -1.0"),
    ("az_outage_hours", 0.0, r"`az_outage_hours` must be a number in \[0.01, 720\], got 0.0"),
    ("detection_s", -2.0, r"`detection_s` must be a number in \[0, 86,400\], got -2.0"),
    ("max_azs_down", 0, r"`max_azs_down` must be an integer in \[1, 6\], got 0"),
])
def test_failure_model_rejects_bad_values(field, value, match):
    with pytest.raises(ValueError, match=match):
        FailureModel(**{field: value})


def test_bad_event_and_horizon():
    with pytest.raises(ValueError, match="`event` must be one of"):
        quorum.event_probability(AURORA, REF_FM, event="outage")
    with pytest.raises(ValueError, match="`horizon_hours` must be positive"):
        quorum.event_probability(AURORA, REF_FM, event="data_loss", horizon_hours=0)
    with pytest.raises(ValueError, match="data loss is absorbing"):
        quorum.steady_state_probability(AURORA, REF_FM, event="data_loss")


# --- exact solves against mpmath (tests/reference/quorum_mpmath.py, 60 digits) -------------------

_CASES = json.loads((REF / "quorum_mpmath.json").read_text())["cases"]


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_ctmc_matches_mpmath_reference(case):
    layout = QuorumLayout(copies_per_az=tuple(case["copies_per_az"]),
                          write_quorum=case["write_quorum"], read_quorum=case["read_quorum"])
    fm = FailureModel(**case["failures"])
    p = quorum.event_probability(layout, fm, event=case["event"], horizon_hours=case["horizon_hours"])
    assert abs(p.value / float(case["probability"]) - 1) < 1e-6
    m = quorum.mean_time_to_event(layout, fm, event=case["event"])
    assert abs(m.value / float(case["mean_time_hours"]) - 1) < 1e-6
    if "steady_state" in case:
        s = quorum.steady_state_probability(layout, fm, event=case["event"])
        assert abs(s.value / float(case["steady_state"]) - 1) < 1e-6


def test_reference_covers_the_required_range():
    probs = [float(c["probability"]) for c in _CASES]
    assert min(probs) < 1e-15 and max(probs) > 1e-3


def _reference_builder():
    spec = importlib.util.spec_from_file_location("quorum_mpmath", REF / "quorum_mpmath.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@settings(max_examples=25, deadline=None)
@given(layouts(max_azs=3, max_copies=2), st.sampled_from(quorum.EVENTS),
       st.floats(0.01, 20.0), st.sampled_from([1, None]))
def test_lumped_chain_matches_independent_builder(layout, event, rate, max_down):
    """The reference script's BFS builder (its own state encoding), solved in float."""
    import mpmath as mp

    ref = _reference_builder()
    params = dict(copy_failure_rate_per_year=rate, max_azs_down=max_down)
    q_mp, ev = ref.build((layout.copies_per_az, layout.write_quorum, layout.read_quorum),
                         event, params)
    q = np.array([[float(q_mp[i, j]) for j in range(q_mp.cols)] for i in range(q_mp.rows)])
    mp.mp.dps = 60
    expected = markov.absorption_probability_within(q, np.array(ev), 8760.0)
    got = quorum.event_probability(layout, FailureModel(**params), event=event).value
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(expected, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(layouts(max_azs=3, max_copies=2), st.sampled_from(quorum.EVENTS),
       st.floats(0.001, 5.0), st.floats(1.0, 10.0), st.floats(1.0, 100.0))
def test_event_probability_monotone_in_rates_and_repair(layout, event, rate, factor, detect):
    base = FailureModel(copy_failure_rate_per_year=rate, detection_s=detect)
    p0 = quorum.event_probability(layout, base, event=event).value
    worse_rate = base.replace(copy_failure_rate_per_year=rate * factor,
                              az_outage_rate_per_year=base.az_outage_rate_per_year * factor)
    slower = base.replace(detection_s=detect * factor)
    assert quorum.event_probability(layout, worse_rate, event=event).value >= p0 * (1 - 1e-9)
    assert quorum.event_probability(layout, slower, event=event).value >= p0 * (1 - 1e-9)


# --- Monte Carlo ------------------------------------------------------------------------------

def test_importance_sampling_reference_case():
    """Read unavailability of one Aurora PG in a year (1.5% AFR, 10 s repair, 1 x 2 h outage
    per AZ-year): about 6e-13, which naive sampling would need ~1e14 trials for."""
    exact = quorum.event_probability(AURORA, REF_FM, event="read_unavailable").value
    assert 1e-13 < exact < 1e-11
    est = quorum.simulate_event_probability(AURORA, REF_FM, event="read_unavailable",
                                            n_trials=20_000, rng=2024)
    assert est.relative_standard_error <= 0.10
    assert abs(est.zscore(exact)) <= 4.5


@pytest.mark.parametrize(("layout", "event"), [(AURORA, "data_loss"), (AURORA, "write_unavailable"),
                                               (TWO_OF_THREE, "data_loss")])
def test_importance_sampling_realistic_presets(layout, event):
    fm = FailureModel()
    exact = quorum.event_probability(layout, fm, event=event).value
    est = quorum.simulate_event_probability(layout, fm, event=event, n_trials=20_000, rng=7)
    assert est.value > 0
    assert abs(est.zscore(exact)) <= 4.5


@pytest.mark.parametrize(("layout", "fm", "event", "years", "n_trials"), [
    (AURORA, REF_FM, "read_unavailable", 2000, 150),
    (AURORA, FailureModel(), "data_loss", 300, 300),
    (AURORA, FailureModel(), "write_unavailable", 200, 300),   # P ~ 0.34: true hits end paths
    (TWO_OF_THREE, FailureModel(max_azs_down=None), "read_unavailable", 20, 2000),
])
def test_importance_sampling_unbiased_on_long_horizons(layout, fm, event, years, n_trials):
    """Biasing a whole trajectory made the likelihood ratio degenerate: at 2,000 years the
    estimate was 627 standard errors below the exact value. Per-cycle biasing stays unbiased."""
    horizon = 8760.0 * years
    exact = quorum.event_probability(layout, fm, event=event, horizon_hours=horizon).value
    est = quorum.simulate_event_probability(layout, fm, event=event, horizon_hours=horizon,
                                            n_trials=n_trials, rng=99)
    assert abs(est.zscore(exact)) <= 4.5
    assert est.relative_standard_error < 0.05


def test_naive_on_accelerated_model_long_horizon():
    fast = FailureModel(copy_failure_rate_per_year=100.0, transient_failure_rate_per_year=0.0,
                        detection_s=3600.0, az_outage_rate_per_year=6.0, az_outage_hours=8.0)
    horizon = 8760.0 * 2
    exact = quorum.event_probability(AURORA, fast, event="read_unavailable",
                                     horizon_hours=horizon).value
    for method in ("monte_carlo", "importance_sampling"):
        est = quorum.simulate_event_probability(AURORA, fast, event="read_unavailable",
                                                horizon_hours=horizon, n_trials=1000,
                                                method=method, rng=8)
        assert abs(est.zscore(exact)) <= 4.5


def test_naive_on_accelerated_model():
    """Rates raised until >= 1,000 events are expected in the run."""
    fast = FailureModel(copy_failure_rate_per_year=100.0, transient_failure_rate_per_year=0.0,
                        detection_s=3600.0, az_outage_rate_per_year=6.0, az_outage_hours=8.0)
    exact = quorum.event_probability(AURORA, fast, event="read_unavailable").value
    n = 10_000
    assert n * exact >= 1000
    est = quorum.simulate_event_probability(AURORA, fast, event="read_unavailable",
                                            n_trials=n, method="monte_carlo", rng=5)
    assert est.value * n >= 500  # hits happened
    assert abs(est.zscore(exact)) <= 4.5


def test_simulate_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`method` must be one of"):
        quorum.simulate_event_probability(AURORA, REF_FM, event="data_loss", method="brute")
    with pytest.raises(ValueError, match=r"`n_trials` must be an integer in \[2, inf\], got 1"):
        quorum.simulate_event_probability(AURORA, REF_FM, event="data_loss", n_trials=1)


# --- volume and fleet -------------------------------------------------------------------------

def test_volume_geometry():
    assert quorum.n_protection_groups(128 * 1024) == 14074
    assert quorum.n_protection_groups(64e12 / 2**30) * 6 == 38_400
    with pytest.raises(ValueError, match=r"`volume_gib` must be in \(0, 131072\]"):
        quorum.volume_event_probability(131073, AURORA, REF_FM, event="data_loss")


def test_volume_of_one_group_matches_group_and_common_cause_is_not_independence():
    for layout, event in [(AURORA, "read_unavailable"), (TWO_OF_THREE, "data_loss"),
                          (AURORA, "write_unavailable")]:
        one = quorum.volume_event_probability(1, layout, REF_FM, event=event).value
        pg = quorum.event_probability(layout, REF_FM, event=event).value
        assert one == pytest.approx(pg, rel=2e-3)
    # Mirrored writes fail with the AZ itself: every group fails together, so a large volume is
    # no more exposed to AZ outages than one group (independence would give ~1).
    fm = REF_FM.replace(copy_failure_rate_per_year=1e-9)
    one = quorum.volume_event_probability(1, MIRRORED_MULTI_AZ, fm, event="write_unavailable").value
    big = quorum.volume_event_probability(100_000, MIRRORED_MULTI_AZ, fm, event="write_unavailable").value
    g = quorum.n_protection_groups(100_000)
    assert big == pytest.approx(one, rel=1e-3)
    assert big < -math.expm1(g * math.log1p(-one)) / 1.1


def _two_group_exact(layout, fm, event, horizon_hours=8760.0):
    """Exact P(event in either of two groups sharing the AZ process): the joint CTMC, built
    here state by state (AZ up/down, failed copies per group per AZ; unlumped), from the rules
    stated in FailureModel, and solved by markov.absorption_probability_within."""
    cpa = layout.copies_per_az
    n_az = len(cpa)
    durable = event == "data_loss"
    lam = (fm.copy_failure_rate_per_year
           + (0.0 if durable else fm.transient_failure_rate_per_year)) / 8760.0
    mu, down, up = 3600.0 / fm.repair_s, fm.az_outage_rate_per_year / 8760.0, 1 / fm.az_outage_hours
    az_states = [tuple(1 for _ in cpa)] + [tuple(0 if b == a else 1 for b in range(n_az))
                                             for a in range(n_az)]
    group_states = list(itertools.product(*(range(c + 1) for c in cpa)))
    states = [(u, g1, g2) for u in az_states for g1 in group_states for g2 in group_states]
    index = {s: i for i, s in enumerate(states)}

    def avail(u, g):
        return sum(c - k for c, k, x in zip(cpa, g, u, strict=True) if x)

    def bad(u, g):
        if durable:
            return sum(g) > layout.n_copies - layout.read_quorum
        quorum_ = layout.write_quorum if event == "write_unavailable" else layout.read_quorum
        return avail(u, g) < quorum_

    rows, cols, rates = [], [], []
    for i, (u, g1, g2) in enumerate(states):
        def go(t, r, i=i):
            rows.append(i)
            cols.append(index[t])
            rates.append(r)
        for a in range(n_az):
            if u[a] and sum(u) == n_az:
                go((tuple(0 if b == a else x for b, x in enumerate(u)), g1, g2), down)
            if not u[a]:
                go((tuple(1 for _ in u), g1, g2), up)
        for which, g in ((1, g1), (2, g2)):
            for a, (c, k) in enumerate(zip(cpa, g, strict=True)):
                moves = []
                if k < c:
                    moves.append((k + 1, lam * (c - k)))
                if u[a] and k > 0 and (avail(u, g) >= 1 or not durable):
                    moves.append((k - 1, mu * k))
                for k2, r in moves:
                    h = tuple(k2 if b == a else x for b, x in enumerate(g))
                    go((u, h, g2) if which == 1 else (u, g1, h), r)
    q = markov.generator(len(states), rows, cols, rates)
    ev = np.array([bad(u, g1) or bad(u, g2) for u, g1, g2 in states])
    return markov.absorption_probability_within(q, ev, horizon_hours,
                                                initial=index[(az_states[0], group_states[0],
                                                               group_states[0])])


_FAST_AZ = FailureModel(az_outage_rate_per_year=20.0, az_outage_hours=8.0)


@pytest.mark.parametrize(("layout", "fm", "tol"), [
    (TWO_OF_THREE, REF_FM, 2e-3), (TWO_OF_THREE, FailureModel(), 2e-3),
    (AURORA_DEGRADED, FailureModel(), 2e-3), (MIRRORED_MULTI_AZ, FailureModel(), 2e-3),
    (TWO_OF_THREE, _FAST_AZ, 1e-2),   # AZs down 5.5% of the time
])
def test_volume_approximation_against_exact_two_group_chain(layout, fm, tol):
    """The AZ-conditioning formula against the exact joint CTMC of a 2-group volume (15 GiB)."""
    assert quorum.n_protection_groups(15) == 2
    for event in quorum.EVENTS:
        exact = _two_group_exact(layout, fm, event)
        got = quorum.volume_event_probability(15, layout, fm, event=event).value
        assert got == pytest.approx(exact, rel=tol), event


def test_volume_refuses_overlapping_outages_and_warns_on_slow_repair():
    with pytest.raises(ValueError, match=r"`failures.max_azs_down` must be 1 .*got None"):
        quorum.volume_event_probability(100, AURORA, FailureModel(max_azs_down=None),
                                        event="read_unavailable")
    with pytest.warns(am_warning, match="repair time 608 s is more than 1%"):
        quorum.volume_event_probability(100, AURORA, FailureModel(detection_s=600),
                                        event="read_unavailable")


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([AURORA, TWO_OF_THREE, AURORA_DEGRADED]), st.sampled_from(quorum.EVENTS),
       st.floats(1, 60_000), st.floats(1.0, 2.0))
def test_larger_volume_never_less_likely(layout, event, gib, factor):
    a = quorum.volume_event_probability(gib, layout, REF_FM, event=event).value
    b = quorum.volume_event_probability(min(gib * factor, 131072), layout, REF_FM, event=event).value
    assert 0 <= a <= b * (1 + 1e-12) <= 1 + 1e-12


def test_placement_closed_form_against_monte_carlo():
    kw = dict(nodes_per_az=20, n_failed_nodes=12, n_groups=200)
    for placement in ("random", "copyset"):
        exact = quorum.placement_loss_probability(AURORA, placement=placement, **kw).value
        mc = quorum.simulate_placement_loss_probability(AURORA, placement=placement,
                                                        n_trials=2000, rng=3, **kw)
        assert 0.02 < exact < 0.98
        assert abs(mc.zscore(exact)) <= 4.5
    assert (quorum.placement_loss_probability(AURORA, placement="copyset", **kw).value
            < quorum.placement_loss_probability(AURORA, placement="random", **kw).value)


def test_placement_rejects_bad_input():
    with pytest.raises(ValueError, match=r"`n_failed_nodes` must be an integer in \[0, 30\], got 31"):
        quorum.placement_loss_probability(AURORA, nodes_per_az=10, n_failed_nodes=31, n_groups=5)
    with pytest.raises(ValueError, match="`placement` must be one of"):
        quorum.placement_loss_probability(AURORA, nodes_per_az=10, n_failed_nodes=3, n_groups=5,
                                          placement="rack")
