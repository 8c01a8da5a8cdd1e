"""Where the users are (issue 28): routing, latency by user region, each region's own cluster.

The latencies are exact convolutions of independent parts (network trips, the reader's M/M/c
queue, the quorum commit); each is checked against its Monte Carlo sibling within 4.5 standard
errors at a fixed seed, and the convolution itself against a hand-solved sum of exponentials.
"""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import scenario, users, write_path
from aurora_models.exceptions import ParameterValueError
from aurora_models.global_db import UserRegion, route, rtt_ms
from aurora_models.scenario import ScenarioError
from aurora_models.users._parts import (
    constant,
    lognormal,
    mmc_response,
    sample_sum,
    sum_distribution,
)

Z = 4.5
EU = [{"region": "us-east-1", "reads": 0.7, "writes": 0.8},
      {"region": "eu-central-1", "reads": 0.3, "writes": 0.2}]


def _fraction_below(x: np.ndarray, t: float) -> tuple[float, float]:
    p = float((x <= t).mean())
    return p, math.sqrt(max(p * (1 - p), 1e-12) / x.size)


# -- the convolution --------------------------------------------------------------------------

def test_sum_of_two_exponentials_is_the_hypoexponential():
    # an idle M/M/1 "reader" is its service alone: Exp(mu); two of them sum to the
    # hypoexponential 1 - (mu2 e^{-mu1 t} - mu1 e^{-mu2 t}) / (mu2 - mu1)
    a, b = mmc_response("a", 1, 0.0, 2.0), mmc_response("b", 1, 0.0, 5.0)  # means 2 and 5 ms
    d = sum_distribution([a, b, constant("shift", 3.0)])
    mu1, mu2 = 1 / 2.0, 1 / 5.0
    t = np.array([0.5, 2.0, 5.0, 10.0, 30.0])
    exact = 1 - (mu2 * np.exp(-mu1 * t) - mu1 * np.exp(-mu2 * t)) / (mu2 - mu1)
    np.testing.assert_allclose(d.cdf(t + 3.0), exact, atol=2e-4)
    assert d.mean_ms == pytest.approx(10.0)
    assert d.cdf(2.99) == 0.0


def test_mmc_part_is_the_queueing_module():
    from aurora_models import queueing

    p = mmc_response("r", 4, 1500.0, 2.0)  # rho = 0.75
    t = np.array([1.0, 3.0, 10.0])
    np.testing.assert_allclose(p.cdf(t), 1 - queueing.mmc_response_sf(t / 1e3, 4, 1500.0, 500.0))
    x = p.sample(np.random.default_rng(1), 400_000)
    assert abs(x.mean() - p.mean_ms) < Z * x.std() / math.sqrt(x.size)


@settings(max_examples=30, deadline=None)
@given(med=st.floats(1.0, 200.0), sig=st.floats(0.0, 0.5), lam=st.floats(0.0, 900.0),
       k=st.integers(1, 8))
def test_sum_is_a_distribution(med, sig, lam, k):
    d = sum_distribution([lognormal("n", med, sig), mmc_response("r", k, lam * k / 8, 1.0)])
    qs = [d.quantile(q) for q in (0.01, 0.5, 0.9, 0.99)]
    assert all(np.diff(qs) >= 0)
    assert d.cdf(qs[1]) == pytest.approx(0.5, abs=1e-3)
    assert 0.0 <= d.cdf(0.0) <= d.cdf(1e6) == pytest.approx(1.0)
    assert d.mean_ms == pytest.approx(med * math.exp(sig**2 / 2)
                                      + mmc_response("r", k, lam * k / 8, 1.0).mean_ms)


# -- the latencies: exact against Monte Carlo -------------------------------------------------

READ = dict(reads_per_s=1200.0, servers=2, service_ms=1.0)  # rho = 0.6


@pytest.mark.parametrize(("user", "serving"), [("eu-central-1", "eu-west-1"),
                                                ("us-east-1", "us-east-1")])
def test_read_latency_matches_its_simulation(user, serving):
    law = users.read_latency_law(user, serving, **READ)
    parts = users._latency.read_parts(user, serving, **READ)
    x = sample_sum(parts, 400_000, 20261207)
    assert abs(x.mean() - law.mean_ms) < Z * x.std() / math.sqrt(x.size)
    for q in (0.5, 0.9, 0.99):
        p, se = _fraction_below(x, law.quantile(q))
        assert abs(p - q) < Z * se, (q, p, se)
    exact, mc = users.read_latency(user, serving, **READ), \
        users.simulate_read_latency(user, serving, **READ, n_trials=100_000, rng=7)
    for k in ("mean", "p50", "p99"):
        assert abs(exact[k].value - mc[k].value) < Z * mc[k].standard_error, k


@pytest.mark.parametrize("via", [None, "eu-west-1"])
def test_write_latency_matches_its_simulation(via):
    law = users.write_latency_law("eu-central-1", "us-east-1", via=via, statements=2)
    x = sample_sum(users._latency.write_parts("eu-central-1", "us-east-1", via=via,
                                              statements=2), 400_000, 11)
    assert abs(x.mean() - law.mean_ms) < Z * x.std() / math.sqrt(x.size)
    for q in (0.5, 0.99):
        p, se = _fraction_below(x, law.quantile(q))
        assert abs(p - q) < Z * se, (q, p, se)


def test_commit_part_is_the_write_paths_commit():
    g = write_path.aurora_path()
    _, k, med, sig, _ = write_path.commit_hops(g)
    k2, med2, sig2 = write_path.aurora_commit_hops()
    assert k == k2 and np.array_equal(med, med2) and np.array_equal(sig, sig2)
    part = users._latency._commit_part(None)
    assert part.mean_ms == pytest.approx(write_path.commit_latency_mean_ms(g), rel=1e-9)
    t = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(part.cdf(t), write_path.commit_latency_cdf(t, g))


def test_the_frankfurt_user_reads_from_ireland_and_writes_across_the_atlantic():
    # the guide: "a user in Frankfurt reads from the EU region rather than making a
    # transatlantic request to Virginia"
    fra_dub, fra_iad, dub_iad = (rtt_ms("eu-central-1", "eu-west-1"),
                                 rtt_ms("eu-central-1", "us-east-1"),
                                 rtt_ms("eu-west-1", "us-east-1"))
    assert (fra_dub, fra_iad) == (pytest.approx(26.86), pytest.approx(92.612))
    read = users.read_latency_law("eu-central-1", "eu-west-1", **READ)
    service = users.read_latency_law("eu-west-1", "eu-west-1", **READ)
    # a round trip to Ireland plus the reader, within the trip's spread of its median
    inside = users._params.IN_REGION_RTT_MS  # the in-region trip the service law includes
    assert read.quantile(0.5) == pytest.approx(fra_dub + service.quantile(0.5) - inside, abs=0.6)
    assert read.quantile(0.99) < fra_iad
    commit = users._latency._commit_part(None)
    fwd = users.write_latency_law("eu-central-1", "us-east-1", via="eu-west-1")
    direct = users.write_latency_law("eu-central-1", "us-east-1")
    # means add exactly: each trip's lognormal mean plus the commit's
    s = global_db_sigma()
    assert fwd.mean_ms == pytest.approx((fra_dub + dub_iad) * math.exp(s**2 / 2)
                                        + commit.mean_ms)
    assert direct.mean_ms == pytest.approx(fra_iad * math.exp(s**2 / 2) + commit.mean_ms)
    assert fwd.quantile(0.5) > direct.quantile(0.5)  # Ireland is not on the way to Virginia


def global_db_sigma() -> float:
    from aurora_models.users._params import RTT_LOG_SIGMA

    return RTT_LOG_SIGMA


# -- routing ----------------------------------------------------------------------------------

def test_routing_goes_to_the_nearest_region_with_instances():
    us = [UserRegion("eu-central-1", 0.5, 0.5), UserRegion("ap-northeast-1", 0.5, 0.5)]
    r = route("us-east-1", ["eu-west-1"], [2], us, write_forwarding=True)
    fra, tyo = r.routes
    assert (fra.read_region, fra.write_region, fra.forwarded) == ("eu-west-1", "eu-west-1", True)
    assert (tyo.read_region, tyo.write_region) == ("us-east-1", "us-east-1")
    assert r.read_share == {"us-east-1": 0.5, "eu-west-1": 0.5}
    headless = route("us-east-1", ["eu-west-1"], [0], us)  # no instances: serves nothing
    assert {x.read_region for x in headless.routes} == {"us-east-1"}
    assert route("us-east-1", [], [], []).read_share == {"us-east-1": 1.0}
    taipei = route("us-east-1", ["ap-east-1"], [1], [UserRegion("ap-east-2", 1.0, 1.0)])
    assert taipei.routes[0].read_region == "ap-east-1" and taipei.routes[0].stand_in
    with pytest.raises(ParameterValueError, match="one count per secondary"):
        route("us-east-1", ["eu-west-1"], [], us)


# -- the scenario ------------------------------------------------------------------------------

def _doc(s, **kw):
    return scenario.estimate(s, n_trials=400, **kw).to_dict()


def test_all_users_at_the_primary_reproduce_the_estimate_exactly():
    base = scenario.load().replace(users__regions=[])  # no [users]: today's model
    same = base.replace(users__regions=[{"region": base["regions"]["primary"], "reads": 1.0,
                                         "writes": 1.0}])
    a, b = _doc(base), _doc(same)
    for d in (a, b):
        d.pop("users")
        d["assumptions"].pop("scenario")
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True,
                                                                    default=str)


def _secondary_compute(doc) -> dict:
    bill = next(b for b in doc["cost"]["bills"] if b["option"] == "serverless_standard")
    return {li["id"]: li["quantity"] for li in bill["lines"]}


def test_a_secondary_is_billed_from_its_own_users_reads():
    base = scenario.load().replace(regions__secondary_instances=1, users__regions=[])
    few = base.replace(users__regions=[{"region": "us-east-1", "reads": 0.9, "writes": 0.9},
                                       {"region": "eu-west-2", "reads": 0.1, "writes": 0.1}])
    many = few.replace(users__regions=[{"region": "us-east-1", "reads": 0.6, "writes": 0.9},
                                       {"region": "eu-west-2", "reads": 0.4, "writes": 0.1}])
    q_few = _secondary_compute(_doc(few, only=("cost",)))
    q_many = _secondary_compute(_doc(many, only=("cost",)))
    assert q_many["secondary.compute"] > 2 * q_few["secondary.compute"]
    assert q_many["compute.readers"] < q_few["compute.readers"]  # the primary serves less
    # the primary's reader count moves the primary's bill, not the secondary's
    more = _secondary_compute(_doc(many.replace(cluster__replicas=4), only=("cost",)))
    assert more["secondary.compute"] == pytest.approx(q_many["secondary.compute"])
    # without [users] a secondary idles at the declared default
    idle = _secondary_compute(_doc(base, only=("cost",)))
    assert idle["secondary.compute"] == pytest.approx(base["cluster"]["min_acu"] * 730)
    # the file's own secondary_acu wins over the simulation
    given = _secondary_compute(_doc(many.replace(regions__secondary_acu=3.0), only=("cost",)))
    assert given["secondary.compute"] == pytest.approx(3.0 * 730)


def test_the_section_reports_each_user_region():
    s = scenario.load().replace(users__regions=EU, regions__secondary_instances=2,
                                users__write_forwarding=True)
    d = _doc(s, only=("users",))["users"]
    assert d["configured"] and d["write_forwarding"]
    fra = next(u for u in d["users"] if u["user_region"] == "eu-central-1")
    assert fra["read_region"] == "eu-west-1" and fra["forwarded"]
    assert fra["read_ms"]["p50"] < rtt_ms("eu-central-1", "us-east-1")
    assert fra["write_forwarded_ms"]["p50"] > rtt_ms("eu-west-1", "us-east-1")
    regions = {r["region"]: r for r in d["regions"]}
    assert regions["eu-west-1"]["read_share"] == pytest.approx(0.3)
    assert regions["us-east-1"]["read_share"] == pytest.approx(0.7)
    text = scenario.render(scenario.estimate(s, n_trials=400, only=("users",)), "table")
    assert "Latency by user region" in text and "eu-central-1" in text


@pytest.mark.parametrize(("change", "match"), [
    (dict(users__regions=[{"region": "us-east-1", "reads": 0.5, "writes": 1.0}]),
     r"users.regions`'s reads shares must sum to 1, got 0.5"),
    (dict(users__regions=[{"region": "us-east-1", "reads": 1.0, "writes": 1.0, "x": 1}]),
     r"unknown key\(s\) x"),
    (dict(users__regions=[{"region": "us-east-1", "reads": 0.5, "writes": 0.5},
                          {"region": "us-east-1", "reads": 0.5, "writes": 0.5}]),
     r"must appear once"),
    (dict(users__regions=[{"region": "mars-1", "reads": 1.0, "writes": 1.0}]),
     r"users.regions\[0\].region"),
    (dict(users__write_forwarding=True, regions__secondaries=[]),
     r"needs a Global Database secondary"),
    (dict(users__write_forwarding=True, cluster__engine_version="15.3"),
     r"needs Aurora postgresql 14.9, 15.4, 16 or later"),
])
def test_bad_users_input_is_named(change, match):
    with pytest.raises((ScenarioError, ParameterValueError), match=match):
        scenario.load().replace(**change)


def test_write_forwarding_versions():
    from aurora_models.cluster import supports_write_forwarding as ok

    assert ok("postgresql", "14.9") and ok("postgresql", "16.1") and not ok("postgresql", "14.8")
    assert ok("mysql", "2.08.1") and ok("mysql", "3.04.0") and not ok("mysql", "2.08.0")
    assert not ok("postgresql", "13.12") and ok("postgresql", None)



def test_consistency_levels_reach_the_users_table():
    from aurora_models.global_db import ReplicationLink, read_after_write
    from aurora_models.write_path import replica_visibility_quantile

    base = scenario.load().replace(users__write_forwarding=True)
    full = {lv: _doc(base.replace(users__consistency=lv), only=("users",))
            for lv in ("eventual", "session", "global")}
    docs = {lv: d["users"] for lv, d in full.items()}
    fra = {lv: next(u for u in d["users"] if u["user_region"] == "eu-central-1")
           for lv, d in docs.items()}
    link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    writes = full["session"]["workload"]["daily_peak_writes_per_s"]
    t = float(link.one_way_ms)  # the forwarded write's reply reaches Ireland one way after
    for lv, u in fra.items():
        ryw = u["read_your_write"]
        raw = read_after_write(link, t_ms=t, writes_per_s=writes, level=lv)
        assert ryw["t_ms"] == pytest.approx(t)
        assert ryw["wait_p99_ms"] == pytest.approx(raw.wait_quantiles[0.99].value)
        # the write and the wait are independent: means add, quantiles do not
        assert ryw["write_then_read_ms"]["mean"] == pytest.approx(
            u["write_forwarded_ms"]["mean"] + raw.mean_wait.value)
        assert ryw["write_then_read_ms"]["p50"] >= u["write_forwarded_ms"]["p50"] - 0.01
    assert fra["eventual"]["read_your_write"]["p_visible"] < 0.01  # it has not arrived yet
    assert fra["session"]["read_your_write"]["p_visible"] == 1.0
    # GLOBAL: every read of the forwarding session waits for the latest commit
    assert fra["global"]["read_ms"]["p50"] > fra["session"]["read_ms"]["p50"] + 30.0
    assert fra["session"]["read_ms"] == fra["eventual"]["read_ms"]
    # at the primary the in-region replicas' visibility
    us = next(u for u in docs["session"]["users"] if u["user_region"] == "us-east-1")
    assert us["read_after_write_t99_ms"] == pytest.approx(replica_visibility_quantile(0.99,
                                                                                      writes))
    assert us["read_your_write"] is None and us["write_forwarded_ms"] is None


def test_the_reader_endpoint_line_is_the_endpoint_model():
    from aurora_models import availability as av

    s = scenario.load()
    d = _doc(s, only=("users",))
    prim = next(r for r in d["users"]["regions"] if r["role"] == "primary")
    e = prim["reader_endpoint"]
    pools = av.ConnectionPools(pools=s["users"]["client_pools"],
                               connections_per_pool=s["users"]["connections_per_pool"])
    ref = av.reader_endpoint(prim["instances"], prim["reads_per_s_event_peak"],
                             s["workload"]["read_service_time_ms"], pools,
                             workers_per_reader=prim["workers_per_instance"], objective="p99")
    assert e["expected_max_share"] == pytest.approx(ref.expected_max_share.value)
    assert e["latency_ms"] == pytest.approx(ref.latency_ms.value)
    assert e["latency_ms"] >= e["even_latency_ms"] - 1e-12
    one = _doc(s.replace(users__client_pools=1), only=("users",))["users"]["regions"][0]
    assert one["reader_endpoint"]["expected_max_share"] == 1.0  # one pool: one reader
    single = _doc(s.replace(cluster__replicas=1), only=("users",))["users"]["regions"][0]
    assert single["reader_endpoint"] is None  # one reader: nothing to balance
