"""Every closed form and its Monte Carlo sibling can stand in for each other (issue 11 item 4).

A pair is ``X`` and ``simulate_X`` in one family's public API. The sibling takes every
parameter of the closed form (same name, kind and default) plus Monte Carlo controls only, and
returns the same type: Estimates where the closed form gives Estimates, the same keys of a
mapping, the same columns of a table.
"""

import inspect

import numpy as np
import pandas as pd
import pytest
from public_api import sibling_pairs

import aurora_models as am
from aurora_models import availability, global_db, pricing, quorum, write_path
from aurora_models.results import METHODS, Estimate

#: Parameters only a simulation has: how many trials and how they are drawn or batched.
MC_CONTROLS = {"n_trials", "rng", "method", "bias", "n_batches", "n_writes", "n_replications",
               "warmup_fraction", "noise_cv", "n_windows", "trace", "trace_step_s"}
#: Parameters only a closed form has: the accuracy of its numerical solve, not the model.
SOLVER_CONTROLS = {"n_grid"}


#: ``(family, X)`` for every ``X`` and ``simulate_X`` in one public module (tests/public_api.py).
PAIRS = sibling_pairs()


def test_every_expected_pair_is_found():
    expected = {("quorum", "event_probability"), ("quorum", "snapshot_unavailability"),
                ("quorum", "placement_loss_probability"), ("serverless", "monthly_cost"),
                ("write_path", "commit_latency"), ("write_path", "vdl_gated_lag"),
                ("global_db", "lag"), ("availability", "annual_downtime"),
                ("availability", "reader_endpoint"),
                ("users", "read_latency"), ("users", "write_latency"),
                ("billing", "optimal_commitment")}
    assert expected <= set(PAIRS)


@pytest.mark.parametrize(("family", "name"), PAIRS)
def test_the_sibling_takes_the_closed_forms_parameters(family, name):
    fam = getattr(am, family)
    closed = inspect.signature(getattr(fam, name)).parameters
    mc = inspect.signature(getattr(fam, "simulate_" + name)).parameters
    for pname, p in closed.items():
        if pname in SOLVER_CONTROLS:
            continue
        assert pname in mc, f"simulate_{name} lacks `{pname}`"
        assert mc[pname].kind == p.kind, pname
        assert mc[pname].default == p.default or (
            isinstance(p.default, float) and np.isnan(p.default)), pname
    extra = set(mc) - set(closed)
    assert extra <= MC_CONTROLS, f"simulate_{name} has non-Monte-Carlo parameters {extra - MC_CONTROLS}"
    assert {"n_trials", "rng"} & extra or {"n_writes", "rng"} & extra


def _same_type(a, b):
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, pd.DataFrame):
        assert list(a.columns) == list(b.columns)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same_type(a[k], b[k])
    elif isinstance(a, Estimate):
        assert a.method in METHODS and b.method in METHODS
        assert a.is_exact or a.method == "approximation"
        assert not b.is_exact
    elif hasattr(a, "__dataclass_fields__"):
        for f in a.__dataclass_fields__:
            x, y = getattr(a, f), getattr(b, f)
            if isinstance(x, Estimate):
                _same_type(x, y)


_LINK = None


def _examples():
    link = global_db.ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    demand = np.full(240, 4.0)
    return {
        ("quorum", "event_probability"): ((quorum.AURORA, quorum.FailureModel()),
                                          dict(event="write_unavailable"),
                                          dict(n_trials=200, rng=1)),
        ("quorum", "snapshot_unavailability"): ((quorum.AURORA,), dict(p_copy=0.1, p_az=0.05),
                                                dict(n_trials=2000, rng=1)),
        ("quorum", "placement_loss_probability"): (
            (quorum.AURORA,), dict(nodes_per_az=20, n_failed_nodes=3, n_groups=50),
            dict(n_trials=50, rng=1)),
        ("serverless", "monthly_cost"): ((demand, pricing.load()),
                                         dict(options=["serverless_standard"]),
                                         dict(n_trials=3, rng=1)),
        ("write_path", "commit_latency"): ((write_path.aurora_path(),), dict(q=[0.5]),
                                           dict(n_trials=2000, rng=1)),
        ("write_path", "vdl_gated_lag"): ((1000,), {}, dict(n_writes=4000, rng=1)),
        ("global_db", "lag"): ((link,), dict(writes_per_s=2000.0), dict(rng=1)),
        ("global_db", "read_after_write"): ((link,), dict(t_ms=20.0, writes_per_s=2000.0,
                                                          level="global"),
                                            dict(n_writes=2000, n_replications=4, rng=1)),
        ("write_path", "replica_visibility"): ((3.0, 5_000.0), {}, dict(n_writes=4000, rng=1)),
        ("availability", "annual_downtime"): ((availability.AURORA,), {},
                                              dict(n_trials=500, rng=1)),
        ("availability", "reader_endpoint"): (
            (3, 300.0, 10.0, availability.ConnectionPools(pools=6, connections_per_pool=20)),
            dict(objective="p99"), dict(n_trials=500, rng=1)),
        ("users", "read_latency"): (("eu-central-1", "eu-west-1"),
                                    dict(reads_per_s=100.0, servers=2, service_ms=1.0),
                                    dict(n_trials=500, rng=1)),
        ("users", "write_latency"): (("eu-central-1", "us-east-1"), dict(via="eu-west-1"),
                                     dict(n_trials=500, rng=1)),
        ("serverless", "paused_fraction"): ((6.0,), {}, dict(n_trials=500, rng=1)),
        ("billing", "optimal_commitment"): ((np.tile(np.r_[np.ones(18), np.full(6, 3.0)], 7),
                                             0.3), {}, dict(n_trials=50, rng=1)),
    }


@pytest.mark.parametrize(("family", "name"), PAIRS)
def test_the_sibling_returns_the_same_type(family, name):
    examples = _examples()
    if (family, name) not in examples:
        pytest.fail(f"add an example call of {family}.{name} to tests/test_pairs.py")
    args, kw, mc_kw = examples[(family, name)]
    fam = getattr(am, family)
    closed = getattr(fam, name)(*args, **kw)
    mc = getattr(fam, "simulate_" + name)(*args, **kw, **mc_kw)
    _same_type(closed, mc)


def test_method_has_one_spelling():
    with pytest.raises(ValueError, match=r"`method` must be one of 'exact', 'approximation', "
                                         r"'monte_carlo', 'importance_sampling', got 'mc'"):
        Estimate(value=1.0, method="mc")
    with pytest.raises(ValueError, match=r"`method` must be one of 'importance_sampling', "
                                         r"'monte_carlo', got 'naive'"):
        quorum.simulate_event_probability(quorum.AURORA, quorum.FailureModel(),
                                          event="data_loss", method="naive")
