"""Batched quorum solves (quorum._batch, availability.storage_unavailabilities) against the
scalar functions, and the batch axis of markov.absorption_probability_within.

The scalar functions are pinned by the mpmath references (tests/test_quorum.py, test_markov.py);
here every batched result must equal the scalar result for the same model to relative 1e-12.
"""

import warnings

import numpy as np
import pytest

from aurora_models import markov, quorum
from aurora_models.availability._downtime import storage_unavailabilities, storage_unavailability
from aurora_models.exceptions import AuroraModelsWarning
from aurora_models.quorum import AURORA, TWO_OF_THREE, FailureModel
from aurora_models.quorum._batch import (
    event_probabilities,
    steady_state_probabilities,
    volume_event_probabilities,
)

RTOL = 1e-12


def _models(n=30, seed=7):
    gen = np.random.default_rng(seed)
    return [FailureModel(copy_failure_rate_per_year=float(c), az_outage_rate_per_year=float(a),
                         az_outage_hours=float(h))
            for c, a, h in zip(gen.uniform(0.001, 0.2, n), gen.uniform(0.05, 5.0, n),
                               gen.uniform(0.2, 24.0, n), strict=True)]


MODELS = _models()


def _rel(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    return float(np.max(np.abs(got / want - 1.0)))


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuroraModelsWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("layout", [AURORA, TWO_OF_THREE], ids=["aurora", "two_of_three"])
@pytest.mark.parametrize("event", ["data_loss", "write_unavailable", "read_unavailable"])
def test_event_probabilities_equal_scalar(layout, event):
    got = event_probabilities(layout, MODELS, event=event, horizon_hours=8760.0)
    want = [quorum.event_probability(layout, f, event=event, horizon_hours=8760.0).value
            for f in MODELS]
    assert _rel(got, want) < RTOL


@pytest.mark.parametrize("layout", [AURORA, TWO_OF_THREE], ids=["aurora", "two_of_three"])
@pytest.mark.parametrize("event", ["data_loss", "write_unavailable"])
def test_volume_event_probabilities_equal_scalar(layout, event):
    got = _quiet(volume_event_probabilities, 5000.0, layout, MODELS, event=event)
    want = [_quiet(quorum.volume_event_probability, 5000.0, layout, f, event=event).value
            for f in MODELS]
    assert _rel(got, want) < RTOL


@pytest.mark.parametrize("layout", [AURORA, TWO_OF_THREE], ids=["aurora", "two_of_three"])
@pytest.mark.parametrize("event", ["write_unavailable", "read_unavailable"])
def test_steady_state_probabilities_equal_scalar(layout, event):
    got = steady_state_probabilities(layout, MODELS, event=event)
    want = [quorum.steady_state_probability(layout, f, event=event).value for f in MODELS]
    assert _rel(got, want) < RTOL


@pytest.mark.parametrize("volume_gib", [None, 20_000.0])
def test_storage_unavailabilities_equal_scalar(volume_gib):
    fms = MODELS[:12]
    got = _quiet(storage_unavailabilities, fms, volume_gib=volume_gib)
    want = [_quiet(storage_unavailability, f, volume_gib=volume_gib) for f in fms]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.source == w.source
        assert g.p_unavailable == pytest.approx(w.p_unavailable, rel=RTOL, abs=0)
        assert g.events_per_year == pytest.approx(w.events_per_year, rel=RTOL, abs=0)


def test_batch_mixing_zero_and_nonzero_rates():
    """Zero rates prune states; each item must get the states (and result) it gets alone."""
    base = MODELS[:4]
    mixed = [base[0], base[1].replace(az_outage_rate_per_year=0.0),
             base[2].replace(transient_failure_rate_per_year=0.0),
             base[3].replace(az_loss_rate_per_year=0.05), base[0].replace(max_azs_down=None),
             base[1].replace(transient_failure_rate_per_year=0.0, az_outage_rate_per_year=0.0)]
    for layout in (AURORA, TWO_OF_THREE):
        for event in quorum.EVENTS:
            fms = [f for f in mixed if event != "read_unavailable" or layout is not AURORA
                   or f.copy_failure_rate_per_year + f.transient_failure_rate_per_year > 0]
            got = event_probabilities(layout, fms, event=event)
            want = [quorum.event_probability(layout, f, event=event).value for f in fms]
            assert _rel(got, want) < RTOL, (layout, event)
            if event != "data_loss":
                got = steady_state_probabilities(layout, fms, event=event)
                want = [quorum.steady_state_probability(layout, f, event=event).value
                        for f in fms]
                assert _rel(got, want) < RTOL
        vol = [f for f in mixed if f.az_loss_rate_per_year == 0 and f.max_azs_down == 1]
        for event in ("data_loss", "write_unavailable"):
            got = _quiet(volume_event_probabilities, 1000.0, layout, vol, event=event)
            want = [_quiet(quorum.volume_event_probability, 1000.0, layout, f,
                           event=event).value for f in vol]
            assert _rel(got, want) < RTOL


def test_unreachable_event_in_a_batch_raises_like_the_scalar():
    dead = MODELS[0].replace(copy_failure_rate_per_year=0.0)
    with pytest.raises(ValueError, match="cannot be reached"):
        quorum.event_probability(AURORA, dead, event="data_loss")
    with pytest.raises(ValueError, match="cannot be reached"):
        event_probabilities(AURORA, [MODELS[1], dead], event="data_loss")


def test_batch_of_one_and_empty_batch():
    f = MODELS[3]
    for event in quorum.EVENTS:
        (got,) = event_probabilities(AURORA, [f], event=event, horizon_hours=100.0)
        assert got == quorum.event_probability(AURORA, f, event=event, horizon_hours=100.0).value
    (got,) = volume_event_probabilities(100.0, AURORA, [f], event="data_loss")
    assert got == quorum.volume_event_probability(100.0, AURORA, f, event="data_loss").value
    assert event_probabilities(AURORA, [], event="data_loss").shape == (0,)
    assert steady_state_probabilities(AURORA, (), event="write_unavailable").shape == (0,)


def test_tiny_probabilities_keep_relative_accuracy():
    """Down to 1e-15 and below the batch equals the scalar path (pinned by mpmath)."""
    fms = [FailureModel(copy_failure_rate_per_year=c, transient_failure_rate_per_year=0.0,
                        az_outage_rate_per_year=a, az_outage_hours=h)
           for c, a, h in [(0.001, 0.05, 0.2), (0.002, 0.1, 0.5), (0.01, 1.0, 2.0),
                           (0.0015, 0.05, 24.0)]]
    for layout, event, horizon in [(AURORA, "data_loss", 1.0), (AURORA, "data_loss", 8760.0),
                                   (AURORA, "read_unavailable", 10.0),
                                   (TWO_OF_THREE, "data_loss", 1.0)]:
        got = event_probabilities(layout, fms, event=event, horizon_hours=horizon)
        want = [quorum.event_probability(layout, f, event=event, horizon_hours=horizon).value
                for f in fms]
        assert _rel(got, want) < RTOL
    tiny = event_probabilities(AURORA, fms, event="data_loss", horizon_hours=1.0)
    assert np.all(tiny > 0) and tiny.min() < 1e-15
    vol = volume_event_probabilities(1.0, AURORA, fms[1:3], event="data_loss",
                                     horizon_hours=1.0)
    want = [quorum.volume_event_probability(1.0, AURORA, f, event="data_loss",
                                            horizon_hours=1.0).value for f in fms[1:3]]
    assert _rel(vol, want) < RTOL and vol.min() < 1e-15


def test_checks_match_the_scalar_messages():
    with pytest.raises(TypeError, match="`failures` must be a FailureModel, got int"):
        event_probabilities(AURORA, [MODELS[0], 3], event="data_loss")
    with pytest.raises(TypeError, match="sequence of FailureModel"):
        event_probabilities(AURORA, MODELS[0], event="data_loss")
    with pytest.raises(TypeError, match="`layout` must be a QuorumLayout"):
        event_probabilities("aurora", MODELS, event="data_loss")
    with pytest.raises(ValueError, match="`event`"):
        event_probabilities(AURORA, MODELS, event="boom")
    with pytest.raises(ValueError, match="`horizon_hours` must be positive"):
        event_probabilities(AURORA, MODELS, event="data_loss", horizon_hours=0.0)
    with pytest.raises(ValueError, match="data loss is absorbing"):
        steady_state_probabilities(AURORA, MODELS, event="data_loss")
    with pytest.raises(ValueError, match="az_loss_rate_per_year` must be 0"):
        volume_event_probabilities(10.0, AURORA, [MODELS[1].replace(az_loss_rate_per_year=0.1)],
                                   event="data_loss")
    with pytest.raises(ValueError, match="max_azs_down` must be 1"):
        volume_event_probabilities(10.0, AURORA, [MODELS[1].replace(max_azs_down=None)],
                                   event="data_loss")
    with pytest.raises(ValueError, match="`volume_gib`"):
        volume_event_probabilities(1e9, AURORA, MODELS, event="data_loss")
    with pytest.raises(TypeError, match="`failures` must be a quorum.FailureModel"):
        storage_unavailabilities([MODELS[0], "x"])
    with pytest.raises(ValueError, match="`volume_gib` must be positive"):
        storage_unavailabilities(MODELS, volume_gib=-1.0)


def test_slow_repair_warns_once_per_batch():
    slow = [f.replace(detection_s=600.0) for f in MODELS[:5]]
    with pytest.warns(AuroraModelsWarning, match="repair time 608 s .*5 of 5 failure models") \
            as record:
        volume_event_probabilities(10.0, AURORA, slow, event="data_loss")
    assert len(record) == 1
    with pytest.warns(AuroraModelsWarning, match="repair time 608 s is more than 1%") as record:
        storage_unavailabilities(slow, volume_gib=10.0)
    assert len(record) == 1


# --- markov: the batch axis ------------------------------------------------------------------

def _random_stack(gen, b, n, same_pattern):
    """B generators on n states; state n-1 absorbing and reachable along 0 -> 1 -> ... -> n-1."""
    base = gen.random((n, n)) < 0.4
    path = np.eye(n, k=1, dtype=bool)
    qs = []
    for _ in range(b):
        pat = (base if same_pattern else base & (gen.random((n, n)) < 0.7)) | path
        r = np.where(pat, 10.0 ** gen.uniform(-6, 3, (n, n)), 0.0)
        np.fill_diagonal(r, 0.0)
        r[n - 1] = 0.0
        qs.append(r - np.diag(r.sum(axis=1)))
    return np.array(qs)


@pytest.mark.parametrize("same_pattern", [True, False])
def test_absorption_batch_axis_equals_scalar_loop(same_pattern):
    gen = np.random.default_rng(11)
    smallest = 1.0
    for _ in range(15):
        n, b = int(gen.integers(3, 9)), 12
        q = _random_stack(gen, b, n, same_pattern)
        t = 10.0 ** gen.uniform(-6, 3, b)
        got = markov.absorption_probability_within(q, [n - 1], t)
        want = [markov.absorption_probability_within(q[i], [n - 1], t[i]) for i in range(b)]
        assert got.shape == (b,)
        assert _rel(got, want) < RTOL
        smallest = min(smallest, min(want))
        # Several horizons per item share the squares of the longest one.
        tj = 10.0 ** gen.uniform(-3, 3, (b, 4))
        got = markov.absorption_probability_within(q, [n - 1], tj)
        want = [[markov.absorption_probability_within(q[i], [n - 1], tj[i, j])
                 for j in range(4)] for i in range(b)]
        assert _rel(got, want) < 1e-13
        # A scalar horizon is shared by the stack.
        got = markov.absorption_probability_within(q, [n - 1], 2.0)
        want = [markov.absorption_probability_within(qi, [n - 1], 2.0) for qi in q]
        assert _rel(got, want) < RTOL
    assert smallest < 1e-15


def test_absorption_shapes_and_checks():
    q = markov.generator(3, [0, 1, 1], [1, 0, 2], [1.0, 1e3, 1.0])
    assert isinstance(markov.absorption_probability_within(q, [2], 1.0), float)
    assert markov.absorption_probability_within(q, [2], [1.0, 2.0]).shape == (2,)
    stack = np.stack([q, 2 * q, 3 * q])
    assert markov.absorption_probability_within(stack, [2], np.ones((3, 5))).shape == (3, 5)
    with pytest.raises(ValueError, match="`t` must be a scalar or of shape"):
        markov.absorption_probability_within(stack, [2], np.ones(2))
    with pytest.raises(ValueError, match="`t` must be positive"):
        markov.absorption_probability_within(stack, [2], np.array([1.0, 0.0, 1.0]))
    dead = q.copy()
    dead[1, 2] = 0.0
    dead[1, 1] = -1e3
    with pytest.raises(ValueError, match="cannot be reached"):
        markov.absorption_probability_within(np.stack([q, dead]), [2], 1.0)
    np.testing.assert_array_equal(markov.absorption_probability_within(stack, [0], 1.0), 1.0)
    with pytest.raises(ValueError, match="square matrix"):
        markov.mean_time_to_absorption(stack, [2])


def test_stationary_batch_equals_scalar_loop():
    gen = np.random.default_rng(5)
    n, b = 6, 10
    qs = []
    for _ in range(b):
        r = 10.0 ** gen.uniform(-8, 3, (n, n))
        np.fill_diagonal(r, 0.0)
        qs.append(r - np.diag(r.sum(axis=1)))
    qs = np.array(qs)
    got = markov.stationary_distribution(qs)
    want = np.array([markov.stationary_distribution(qi) for qi in qs])
    assert got.shape == (b, n)
    assert _rel(got, want) < 1e-13
    bad = qs.copy()
    bad[3, 0, 1:] = 0.0
    with pytest.raises(ValueError, match="irreducible"):
        markov.stationary_distribution(bad)
