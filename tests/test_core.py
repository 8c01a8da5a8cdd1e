"""Tests of the shared helpers: _rng, _validate, results, the assumptions registry."""

import math

import numpy as np
import pandas as pd
import pytest

import aurora_models as am
from aurora_models import _assumptions, _rng, _validate
from aurora_models.results import Estimate

# --- _rng -------------------------------------------------------------------------------------


def test_as_generator_accepts_the_four_kinds():
    g = np.random.default_rng(3)
    assert _rng.as_generator(g) is g
    a = _rng.as_generator(5).random(3)
    b = _rng.as_generator(np.random.SeedSequence(5)).random(3)
    np.testing.assert_array_equal(a, b)
    assert isinstance(_rng.as_generator(None), np.random.Generator)


@pytest.mark.parametrize("bad", ["7", 1.5, True, np.random.RandomState(1)])
def test_as_generator_rejects_other_types(bad):
    with pytest.raises(TypeError, match="`rng` must be a numpy Generator"):
        _rng.as_generator(bad)


def test_as_generator_rejects_negative_seed():
    with pytest.raises(ValueError, match="`rng` must be a non-negative integer seed, got -1"):
        _rng.as_generator(-1)


def test_spawn_is_reproducible_and_independent():
    a = [g.random() for g in _rng.spawn(42, 4)]
    b = [g.random() for g in _rng.spawn(42, 4)]
    assert a == b
    assert len(set(a)) == 4
    # The same child seeds whether spawned from an int or its SeedSequence.
    c = [np.random.default_rng(s).random() for s in _rng.spawn_seeds(np.random.SeedSequence(42), 4)]
    assert a == c


def test_spawn_bad_count():
    with pytest.raises(ValueError, match="`n` must be a non-negative integer, got -2"):
        _rng.spawn(1, -2)


# --- _validate --------------------------------------------------------------------------------


def test_int_range_message_matches_the_design():
    with pytest.raises(ValueError) as info:
        _validate.check_int_range("read_quorum", 7, 1, 6)
    assert str(info.value) == "`read_quorum` must be an integer in [1, 6], got 7"
    assert _validate.check_int_range("read_quorum", 3.0, 1, 6) == 3
    with pytest.raises(ValueError, match=r"must be an integer in \[1, 6\], got 2.5"):
        _validate.check_int_range("read_quorum", 2.5, 1, 6)
    with pytest.raises(TypeError, match=r"`read_quorum` must be an integer .*got str '3'"):
        _validate.check_int_range("read_quorum", "3", 1, 6)
    with pytest.raises(TypeError):
        _validate.check_int_range("read_quorum", True, 0, 6)


@pytest.mark.parametrize(("func", "value", "message"), [
    (_validate.check_probability, 1.5, "`x` must be a probability in [0, 1], got 1.5"),
    (_validate.check_probability, -0.0001, "`x` must be a probability in [0, 1], got -0.0001"),
    (_validate.check_positive, 0, "`x` must be positive, got 0"),
    (_validate.check_positive, -2.5, "`x` must be positive, got -2.5"),
    (_validate.check_nonnegative, -1, "`x` must be non-negative, got -1"),
    (_validate.check_finite, math.inf, "`x` must be finite, got inf"),
])
def test_scalar_messages(func, value, message):
    with pytest.raises(ValueError) as info:
        func("x", value)
    assert str(info.value) == message


def test_positive_rejects_nan_and_inf_unless_allowed():
    with pytest.raises(ValueError, match=r"`x` must be positive and finite, got nan"):
        _validate.check_positive("x", float("nan"))
    with pytest.raises(ValueError, match=r"`x` must be positive and finite, got inf"):
        _validate.check_positive("x", math.inf)
    assert _validate.check_positive("x", math.inf, allow_inf=True) == math.inf


def test_array_checks_name_the_index():
    arr = _validate.check_probability("p", [0.1, 0.2])
    assert isinstance(arr, np.ndarray)
    with pytest.raises(ValueError, match=r"`p` must be a probability in \[0, 1\], got 2.0 at index 1"):
        _validate.check_probability("p", np.array([0.5, 2.0]))
    with pytest.raises(ValueError, match=r"`demand` must be non-negative, got -3.0 at index 2"):
        _validate.check_array("demand", [1, 2, -3], nonnegative=True)
    with pytest.raises(ValueError, match=r"`demand` must have at least 1 element\(s\), got 0"):
        _validate.check_array("demand", [])
    with pytest.raises(ValueError, match="must be a 1-dimensional array, got 2"):
        _validate.check_array("demand", [[1.0]])
    with pytest.raises(TypeError, match="`demand` must be an array of real numbers"):
        _validate.check_array("demand", ["a", "b"])


def test_type_errors_for_non_numbers():
    with pytest.raises(TypeError, match="`x` must be a real number, got str 'a'"):
        _validate.check_positive("x", "a")
    with pytest.raises(TypeError, match="`x` must be a real number, got bool"):
        _validate.check_probability("x", True)
    with pytest.raises(TypeError, match="`flag` must be True or False, got int 1"):
        _validate.check_bool("flag", 1)


def test_huge_ints_are_named_not_overflow_errors():
    huge = 10**400
    with pytest.raises(ValueError, match="`x` must be positive and finite, got an integer of "
                                         "401 digits"):
        _validate.check_positive("x", huge)
    with pytest.raises(ValueError, match="`x` must be finite, got -inf at index 1"):
        _validate.check_finite("x", [1, -huge])
    with pytest.raises(ValueError, match=r"`n` must be an integer in \[1, 5\], got an integer "
                                         "of 401 digits"):
        _validate.check_int_range("n", huge, 1, 5)
    with pytest.raises(ValueError, match=r"`n` must be an integer in \[1, inf\], got inf"):
        _validate.check_int_range("n", np.float64("inf"), 1)
    with pytest.raises(TypeError, match="`a` must be an array of real numbers"):
        _validate.check_array("a", [huge])
    assert _validate.check_positive("x", huge, allow_inf=True) == math.inf


def test_a_list_where_one_number_belongs_is_named():
    x = _validate.check_positive("rate", [1.0, 2.0])
    with pytest.raises(TypeError, match=r"`rate` must be a single real number, got an array of "
                                        r"shape \(2,\)"):
        float(x)
    with pytest.raises(TypeError, match="`rate` must be a single real number"):
        int(_validate.check_positive("rate", [3.0]))
    # arithmetic and reductions give plain numpy results; a 0-d array converts as usual
    assert type(x * 2) is np.ndarray and type(x.sum()) is np.float64
    assert float(_validate.check_positive("rate", np.array(2.0))) == 2.0
    import pickle

    assert type(pickle.loads(pickle.dumps(x))) is np.ndarray


@pytest.mark.parametrize("value, exc, match", [
    ([], ValueError, "`x` must be a real number or a non-empty array of them, got an empty list"),
    ([[1.0], [1.0, 2.0]], TypeError, "`x` must be a real number or a rectangular array"),
    (pd.Series(["a"]), TypeError, "`x` must contain real numbers, got dtype object"),
])
def test_bad_arrays_for_scalar_checks(value, exc, match):
    with pytest.raises(exc, match=match):
        _validate.check_finite("x", value)


def test_check_array_refuses_strings_and_bools_and_takes_a_scalar_when_asked():
    for bad in (["1", "2"], "12", [True, False], True):
        with pytest.raises(TypeError, match="`a` must be an array of real numbers"):
            _validate.check_array("a", bad)
    assert _validate.check_array("a", 2.5, scalar_ok=True).tolist() == [2.5]
    with pytest.raises(ValueError, match="`a` must be a 1-dimensional array, got 0 dimensions"):
        _validate.check_array("a", 2.5)


def test_check_index_array():
    assert _validate.check_index_array("rows", [0, 2], 3).tolist() == [0, 2]
    assert _validate.check_index_array("rows", [], 3).size == 0
    with pytest.raises(TypeError, match="`rows` must be an array of integers, got list"):
        _validate.check_index_array("rows", [0.0, 1.0], 3)
    with pytest.raises(ValueError, match=r"`rows` must be a state index in \[0, 2\], got -1 at "
                                         "index 1"):
        _validate.check_index_array("rows", [0, -1], 3)


def test_range_choice_and_multiple():
    with pytest.raises(ValueError, match=r"`rpo_s` must be in \[20, inf\], got 5"):
        _validate.check_range("rpo_s", 5, 20, math.inf)
    with pytest.raises(ValueError, match=r"`u` must be in \(0, 1\), got 1.0"):
        _validate.check_range("u", 1.0, 0, 1, low_inclusive=False, high_inclusive=False)
    with pytest.raises(ValueError, match="`engine` must be one of 'mysql', 'postgresql', got 'oracle'"):
        _validate.check_choice("engine", "oracle", ["mysql", "postgresql"])
    with pytest.raises(ValueError, match="`engine` must be one of"):
        _validate.check_choice("engine", ["unhashable"], ["mysql"])
    assert _validate.check_multiple_of("acu", 2.5, 0.5) == 2.5
    with pytest.raises(ValueError, match="`acu` must be a multiple of 0.5, got 0.7"):
        _validate.check_multiple_of("acu", 0.7, 0.5)


# --- results.Estimate -------------------------------------------------------------------------


def test_estimate_interval_and_zscore():
    e = Estimate(value=0.25, standard_error=0.01, n_trials=10_000, method="monte_carlo",
                 quantity="p", unit="probability", bounds=(0.0, 1.0))
    lo, hi = e.confidence_interval(0.95)
    assert lo == pytest.approx(0.25 - 1.959964 * 0.01, rel=1e-6)
    assert hi == pytest.approx(0.25 + 1.959964 * 0.01, rel=1e-6)
    lo99, hi99 = e.confidence_interval(0.99)
    assert lo99 < lo and hi99 > hi
    assert e.zscore(0.23) == pytest.approx(2.0)
    assert e.relative_standard_error == pytest.approx(0.04)
    assert not e.is_exact


def test_estimate_interval_is_clipped_to_bounds():
    e = Estimate(value=1e-6, standard_error=1e-6, n_trials=100, method="monte_carlo", bounds=(0.0, 1.0))
    assert e.confidence_interval().low == 0.0


def test_exact_estimate():
    e = Estimate(value=1e-12, method="exact")
    assert e.is_exact and e.confidence_interval() == (1e-12, 1e-12)
    assert e.zscore(1e-12) == 0.0
    assert e.zscore(0.0) == math.inf


def test_estimate_from_samples_and_frames():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, 400)
    e = Estimate.from_samples(x, method="monte_carlo", quantity="mean", unit="s")
    assert e.value == pytest.approx(float(x.mean()))
    assert e.standard_error == pytest.approx(float(x.std(ddof=1) / 20))
    frame = e.to_frame()
    assert list(frame.columns) == ["quantity", "value", "standard_error", "ci_low", "ci_high",
                                   "ci_level", "n_trials", "method", "unit"]
    assert frame.loc[0, "n_trials"] == 400
    html = e._repr_html_()
    assert "<table" in html and "standard error" in html
    assert "95% CI" in str(e)


def test_estimate_bad_input():
    with pytest.raises(ValueError, match="`standard_error` must be non-negative, got -1"):
        Estimate(value=1.0, standard_error=-1.0)
    with pytest.raises(ValueError, match=r"`level` must be in \(0, 1\), got 1.5"):
        Estimate(value=1.0).confidence_interval(1.5)
    with pytest.raises(ValueError, match="`samples` must have at least 1 element"):
        Estimate.from_samples([], method="monte_carlo")


# --- assumptions registry ---------------------------------------------------------------------


def test_register_requires_exactly_one_of_source_or_rationale():
    with pytest.raises(ValueError, match="exactly one of `source`, `fitted` or `rationale`"):
        _assumptions.register("test.x", 1, "-")
    with pytest.raises(ValueError, match="exactly one of `source`, `fitted` or `rationale`"):
        _assumptions.register("test.x", 1, "-", source="a", rationale="b")
    with pytest.raises(ValueError, match="must be '<module>.<parameter>'"):
        _assumptions.register("nodot", 1, "-", source="a")


def test_register_returns_value_and_refuses_silent_redefinition():
    try:
        assert _assumptions.register("test.y", 2.5, "s", rationale="for the test") == 2.5
        assert _assumptions.register("test.y", 2.5, "s", rationale="for the test") == 2.5
        with pytest.raises(ValueError, match="already registered with value 2.5"):
            _assumptions.register("test.y", 3.0, "s", rationale="for the test")
        frame = am.assumptions("test")
        row = frame.set_index("name").loc["test.y"]
        assert row["kind"] == "assumption" and row["unit"] == "s"
    finally:
        _assumptions._REGISTRY.pop("test.y", None)


def test_assumptions_frame_lists_every_model_default():
    frame = am.assumptions()
    assert list(frame.columns) == ["name", "value", "unit", "kind", "source", "module", "range",
                                 "scenario_key", "uncertainty"]
    assert set(frame["kind"]) <= {"cited", "fitted", "assumption", "user input"}
    assert frame["name"].is_unique
    assert (frame["source"].str.len() > 10).all()  # a citation or a real rationale, not a stub
    with pytest.raises(ValueError, match="`module` must be one of"):
        am.assumptions("no_such_module")


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, aurora_models; "
            "bad = [m for m in ('matplotlib', 'networkx', 'scipy.optimize', 'scipy.linalg') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_submodules_and_dir():
    assert "quorum" in dir(am)
    assert am.queueing.__name__ == "aurora_models.queueing"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        am.nope  # noqa: B018


def test_pandas_is_what_the_frames_are():
    assert isinstance(am.list_datasets(), pd.DataFrame)


def test_quantile_estimate_interval_covers_the_true_quantile():
    # 400 replications of n = 2,000 exponential draws: the 95 % interval of the P90 should cover
    # the true value ln(10) in about 95 % of them (binomial SE of the coverage ~1.1 %).
    rng = np.random.default_rng(2026)
    covered = 0
    for _ in range(400):
        e = Estimate.from_quantile(rng.exponential(1.0, 2000), 0.9, method="monte_carlo", bounds=(0, math.inf))
        lo, hi = e.confidence_interval()
        covered += lo <= math.log(10) <= hi
    assert 0.90 <= covered / 400 <= 0.99
    with pytest.raises(ValueError, match=r"`q` must be a probability in \[0, 1\], got 1.5"):
        Estimate.from_quantile([1.0], 1.5, method="monte_carlo")
    with pytest.raises(ValueError, match="`samples` must have at least 1 element"):
        Estimate.from_quantile([], 0.5, method="monte_carlo")
