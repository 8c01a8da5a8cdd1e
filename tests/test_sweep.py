"""aurora_models.sweep: grids, result expansion, seeds independent of the executor."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

import numpy as np
import pandas as pd
import pytest

import aurora_models as am
from aurora_models import queueing, quorum
from aurora_models.results import Estimate


def noisy_mean(loc, n, *, rng):
    """A module-level stochastic model (picklable for process pools)."""
    x = np.random.default_rng(rng).normal(loc, 1.0, n)
    return Estimate.from_samples(x, method="monte_carlo")


def test_cartesian_grid_in_order_with_numbers():
    t = am.sweep(queueing.erlang_c, {"servers": [1, 2, 3], "offered_load": [0.5, 0.9]})
    assert list(t.columns) == ["servers", "offered_load", "value"]
    assert list(zip(t["servers"], t["offered_load"], strict=True))[:3] == [(1, 0.5), (1, 0.9), (2, 0.5)]
    for row in t.itertuples():
        assert row.value == queueing.erlang_c(row.servers, row.offered_load)


def test_rows_from_a_dataframe_and_estimates_expand():
    grid = pd.DataFrame({"event": ["write_unavailable", "read_unavailable"]})
    t = am.sweep(partial(quorum.event_probability, quorum.AURORA, quorum.FailureModel()), grid)
    assert list(t.columns) == ["event", "value", "standard_error", "ci_low", "ci_high", "n_trials",
                               "method"]
    assert t.loc[0, "value"] == quorum.event_probability(
        quorum.AURORA, quorum.FailureModel(), event="write_unavailable").value
    assert (t["standard_error"] == 0).all()


@pytest.mark.parametrize("make", [lambda: None, lambda: ThreadPoolExecutor(2),
                                  lambda: ProcessPoolExecutor(2)], ids=["serial", "threads", "processes"])
def test_seeded_results_do_not_depend_on_the_executor(make):
    grid = {"loc": [0.0, 1.0, 2.0], "n": [200]}
    reference = am.sweep(noisy_mean, grid, rng=7)
    executor = make()
    try:
        got = am.sweep(noisy_mean, grid, rng=7, executor=executor)
    finally:
        if executor is not None:
            executor.shutdown()
    pd.testing.assert_frame_equal(got, reference)
    # Each point has its own stream: different points do not share draws.
    assert reference["value"].diff().abs().iloc[1:].between(0.5, 1.5).all()
    assert not am.sweep(noisy_mean, grid, rng=8)["value"].equals(reference["value"])


def test_bad_grids_and_executors():
    with pytest.raises(ValueError, match="`grid` must name at least one parameter"):
        am.sweep(queueing.erlang_c, {})
    with pytest.raises(ValueError, match=r"`grid\['servers'\]` must have at least 1 value, got 0"):
        am.sweep(queueing.erlang_c, {"servers": [], "offered_load": [0.5]})
    with pytest.raises(TypeError, match=r"`grid\['servers'\]` must be a list of values, got int 3"):
        am.sweep(queueing.erlang_c, {"servers": 3, "offered_load": [0.5]})
    with pytest.raises(TypeError, match="`grid` rows must be mappings"):
        am.sweep(queueing.erlang_c, [1, 2])
    with pytest.raises(TypeError, match="`executor` must have a map"):
        am.sweep(queueing.erlang_c, {"servers": [1], "offered_load": [0.5]}, executor=object())
    with pytest.raises(TypeError, match="`func` must be callable"):
        am.sweep(3, {"x": [1]})
    with pytest.raises(ValueError, match="clash with grid parameters"):
        am.sweep(lambda value: {"value": value}, {"value": [1]})
    # Errors inside the model surface as they are, naming the model's own parameter.
    with pytest.raises(ValueError, match=r"`servers` must be an integer in \[1, inf\], got 0"):
        am.sweep(queueing.erlang_c, {"servers": [0], "offered_load": [0.5]})
