"""Hostile and careless input: the work budget, CLI errors, atomic output, API inputs, loaders.

The fuzz corpus at the end (hypothesis) throws huge ints, lists, strings, NaN, inf, None and
numpy scalars at the public constructors and functions, and asserts the documented exception
type with a message naming the parameter. Each fuzz test has a generous hang guard
(pytest-timeout); nothing here is timed.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aurora_models as am
from aurora_models import _output, availability, cli, data, markov, quorum, serverless, write_path
from aurora_models._budget import check as budget_check
from aurora_models.exceptions import BudgetError, DataError

# --------------------------------------------------------------------------------------------
# Work budget


def _peak_bytes(fn) -> tuple[int, BaseException | None]:
    """Peak traced allocation while ``fn`` runs, and what it raised."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    err = None
    try:
        fn()
    except Exception as exc:  # returned to the caller to assert on
        err = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, err


def test_budget_context_manager_nests_and_restores():
    base = am.budget_limits()
    assert base.memory_bytes == 2 * 2**30 and base.work == 2e9
    with am.budget(memory_gib=1) as outer:
        assert outer.memory_bytes == 2**30 and outer.work == base.work
        with am.budget(work=10):
            assert am.budget_limits() == (2**30, 10.0)
        assert am.budget_limits() == outer
    assert am.budget_limits() == base


def test_budget_environment_variables(monkeypatch):
    monkeypatch.setenv("AURORA_MODELS_MEMORY_GIB", "0.5")
    monkeypatch.setenv("AURORA_MODELS_WORK", "1e6")
    assert am.budget_limits() == (2**29, 1e6)
    with am.budget(work=7):  # the context manager wins
        assert am.budget_limits().work == 7.0
    monkeypatch.setenv("AURORA_MODELS_WORK", "lots")
    with pytest.raises(ValueError, match="AURORA_MODELS_WORK must be a positive number, got 'lots'"):
        am.budget_limits()


@pytest.mark.parametrize("kw, exc, match", [
    ({"memory_gib": 0}, ValueError, "`memory_gib` must be a positive number, got 0"),
    ({"work": float("nan")}, ValueError, "`work` must be a positive number"),
    ({"work": "1e9"}, TypeError, "`work` must be a positive number, got str '1e9'"),
    ({"memory_gib": True}, TypeError, "`memory_gib` must be a positive number, got bool"),
    ({"memory_gib": [1]}, TypeError, "`memory_gib` must be a positive number, got list"),
])
def test_budget_refuses_bad_limits(kw, exc, match):
    with pytest.raises(exc, match=match), am.budget(**kw):
        pass


def test_budget_error_is_one_line_naming_parameter_estimate_and_remedy():
    with pytest.raises(BudgetError) as info:
        budget_check("f", "n_trials", 10**6, memory_bytes=3 * 2**30)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("`n_trials` = 1000000 would make f hold about 3 GiB")
    assert "memory budget of 2 GiB" in msg and "aurora_models.budget(memory_gib=...)" in msg
    assert isinstance(info.value, ValueError) and info.value.parameter == "n_trials"
    with pytest.raises(BudgetError, match=r"about 3e\+09 steps, over the work budget of 2e\+09"):
        budget_check("f", "n_trials", 1, work=3e9)
    with am.budget(memory_gib=math.inf, work=math.inf):
        budget_check("f", "n_trials", 1, memory_bytes=1e30, work=1e30)


def test_quorum_refuses_runaway_rates_before_allocating():
    # An absurd rate is refused by its declaration; a heavy one within the bounds by the budget.
    with pytest.raises(ValueError, match=r"`copy_failure_rate_per_year` must be a number in "
                                         r"\[0, 100\], got 1000000000.0"):
        quorum.FailureModel(copy_failure_rate_per_year=1e9)
    fm = quorum.FailureModel(copy_failure_rate_per_year=100.0)
    with am.budget(work=1e6):
        peak, err = _peak_bytes(lambda: quorum.simulate_event_probability(
            quorum.AURORA, fm, event="data_loss", n_trials=200, rng=1))
    assert isinstance(err, BudgetError), err
    assert "`n_trials` = 200 (over 8760 h at 603 failures/year" in str(err)
    assert peak < 5 * 2**20


def test_quorum_refuses_excursions_that_never_end():
    # An AZ outage that practically never ends is refused by the declaration (at most 30 days);
    # long excursions within it are counted by the budget (jumps per cycle).
    with pytest.raises(ValueError, match=r"`az_outage_hours` must be a number in \[0.01, 720\]"):
        quorum.FailureModel(az_outage_hours=1e300)
    fm = quorum.FailureModel(az_outage_hours=720.0, transient_failure_rate_per_year=1000.0)
    with am.budget(work=1e4), pytest.raises(BudgetError, match="jumps per cycle"):
        quorum.simulate_event_probability(quorum.AURORA, fm, event="data_loss", n_trials=200,
                                          rng=1)


def test_quorum_memory_is_the_scores_plus_one_fixed_batch():
    fm = quorum.FailureModel()
    with am.budget(memory_gib=1e-3):  # ~1 MiB: 200k scores (1.6 MB) do not fit
        with pytest.raises(BudgetError, match="`n_trials` = 200000"):
            quorum.simulate_event_probability(quorum.AURORA, fm, event="data_loss",
                                              n_trials=200_000, rng=1)


def test_quorum_snapshot_and_placement_refuse_before_allocating():
    peak, err = _peak_bytes(lambda: quorum.simulate_snapshot_unavailability(
        quorum.AURORA, p_copy=0.1, p_az=0.1, n_trials=10**10, rng=1))
    assert isinstance(err, BudgetError) and "`n_trials` = 10000000000" in str(err), err
    assert peak < 5 * 2**20
    peak, err = _peak_bytes(lambda: quorum.simulate_placement_loss_probability(
        quorum.AURORA, nodes_per_az=5000, n_failed_nodes=20, n_groups=100_000, n_trials=2,
        rng=1))
    assert isinstance(err, BudgetError), err
    assert str(err).startswith("`n_groups` = 100000 (x 5000 nodes per AZ) would make")
    assert peak < 5 * 2**20
    with pytest.raises(BudgetError, match="`n_trials` = 1000000 .*steps"):
        quorum.simulate_placement_loss_probability(
            quorum.AURORA, nodes_per_az=500, n_failed_nodes=20, n_groups=1000,
            n_trials=10**6, rng=1)


def test_downtime_refuses_before_allocating_and_names_the_rate():
    with pytest.raises(ValueError, match=r"`instance_failure_rate_per_year` must be a number in "
                                         r"\[0, 365\]"):
        availability.FailureRates(instance_failure_rate_per_year=1e7)
    rates = availability.FailureRates(instance_failure_rate_per_year=365.0)
    with am.budget(work=1e6):
        peak, err = _peak_bytes(lambda: availability.simulate_annual_downtime(
            availability.AURORA, rates=rates, n_trials=10_000, rng=1))
    assert isinstance(err, BudgetError), err
    assert str(err).startswith("`n_trials` = 10000 (at 370 outages/year)")
    assert peak < 5 * 2**20


def test_downtime_chunks_do_not_depend_on_the_budget_and_agree_with_the_closed_form():
    # 365 instance failures (370 outages) a year: chunks of ~2,800 years, so 5000 years span two.
    rates = availability.FailureRates(instance_failure_rate_per_year=365.0)
    storage = availability.storage_unavailability()
    sim = availability.simulate_annual_downtime(availability.AURORA, rates=rates, storage=storage,
                                         n_trials=5000, rng=11)
    with am.budget(memory_gib=math.inf, work=math.inf):
        again = availability.simulate_annual_downtime(availability.AURORA, rates=rates,
                                               storage=storage, n_trials=5000, rng=11)
    np.testing.assert_array_equal(sim.annual_minutes, again.annual_minutes)
    exact = availability.annual_downtime(availability.AURORA, rates=rates, storage=storage)
    assert abs(sim.mean.zscore(exact.mean.value)) < 4.5
    # every year got its own draws (a chunking slip would leave zeros or repeat a chunk)
    assert sim.incident_counts.min() > 250 and len(np.unique(sim.annual_minutes)) == 5000


def test_commit_latency_refuses_huge_n_before_allocating():
    peak, err = _peak_bytes(lambda: write_path.sample_commit_latency(
        write_path.aurora_path(), n_trials=10**9, rng=1))
    assert isinstance(err, BudgetError), err
    assert str(err).startswith("`n_trials` = 1000000000 would make sample_commit_latency hold")
    assert peak < 5 * 2**20
    with pytest.raises(BudgetError, match="simulate_commit_latency"), am.budget(memory_gib=0.01):
        write_path.simulate_commit_latency(write_path.aurora_path(), n_trials=10**6, rng=1)


def test_commit_latency_chunks_keep_one_stream():
    g = write_path.aurora_path()
    n = write_path._latency._SAMPLE_CHUNK + 7  # crosses a chunk boundary
    with am.budget(memory_gib=math.inf):
        big = write_path.sample_commit_latency(g, n_trials=n, rng=5)
    head = write_path.sample_commit_latency(g, n_trials=n - 7, rng=5)
    np.testing.assert_array_equal(big[:n - 7], head)
    assert np.all(big > 0) and len(np.unique(big[-7:])) == 7


def test_sweep_refuses_huge_grids_before_building_them():
    grid = {"a": range(20_000), "b": range(1000)}
    peak, err = _peak_bytes(lambda: am.sweep(lambda a, b: a, grid))
    assert isinstance(err, BudgetError), err
    assert str(err).startswith("`grid` = 20,000,000 points would make sweep hold about")
    assert peak < 64 * 2**20  # the two value lists, not 2e7 rows


def test_demand_and_replica_lag_refuse_before_allocating():
    peak, err = _peak_bytes(lambda: serverless.synthetic_demand(days=1e6, step_s=1.0))
    assert isinstance(err, BudgetError), err
    assert str(err).startswith("`days` = 1e+06 (8.64e+10 steps of 1 s) would make synthetic_demand")
    assert peak < 5 * 2**20
    peak, err = _peak_bytes(lambda: write_path.simulate_replica_lag_run(100, n_writes=10**10))
    assert isinstance(err, BudgetError) and "`n_writes` = 10000000000" in str(err), err
    assert peak < 5 * 2**20


def test_generator_refuses_a_dense_matrix_beyond_the_budget():
    peak, err = _peak_bytes(lambda: markov.generator(10**6, [0], [1], [1.0]))
    assert isinstance(err, BudgetError), err
    assert str(err).startswith("`n_states` = 1000000 would make generator hold about 14.6 TiB")
    assert peak < 1 * 2**20


def test_monthly_cost_refuses_beyond_the_work_budget():
    from aurora_models import pricing

    with pytest.raises(BudgetError, match="`n_trials` = 100000 .*steps of 1 s each"):
        serverless.monthly_cost_distribution(pricing.load(), n_trials=100_000, step_s=1.0)


# --------------------------------------------------------------------------------------------
# Atomic output


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writer_moves_everything_and_reports_it(tmp_path):
    out = tmp_path / "a" / "b"
    with _output.staged_output(out) as stage:
        stage.write_text("x.json", "{}")
        stage.write_bytes("y.png", b"\x89PNG")
    assert [p.name for p in stage.written] == ["x.json", "y.png"]
    assert _names(out) == ["x.json", "y.png"]
    assert _names(tmp_path) == ["a"]  # no staging folder left behind
    assert stage.summary() == f"wrote 2 file(s) to {out}: x.json, y.png"


def test_writer_refuses_a_file_as_the_folder(tmp_path):
    (tmp_path / "f").write_text("keep")
    with pytest.raises(NotADirectoryError, match="exists and is not a directory"):
        with _output.staged_output(tmp_path / "f"):
            raise AssertionError("not reached")
    with pytest.raises(NotADirectoryError, match="cannot create a folder inside it"):
        with _output.staged_output(tmp_path / "f" / "sub"):
            raise AssertionError("not reached")
    assert _names(tmp_path) == ["f"] and (tmp_path / "f").read_text() == "keep"


def _commit(out, files):
    with _output.staged_output(out) as stage:
        for name, text in files.items():
            stage.write_text(name, text)
    return stage


@pytest.mark.parametrize("blocker", ["report.html", "estimate.json"])
def test_writer_refuses_a_folder_where_a_file_goes_and_moves_nothing(tmp_path, blocker):
    out = tmp_path / "o"
    _commit(out, {"a.png": "old"})
    (out / blocker).mkdir()  # a user's folder inside the managed version
    with pytest.raises(IsADirectoryError, match=f"refusing to write a file over it.*{blocker}"):
        with _output.staged_output(out) as stage:
            for name in ("a.png", "estimate.json", "report.html"):
                stage.write_text(name, name)
    assert _names(out) == sorted(["a.png", blocker]) and (out / "a.png").read_text() == "old"
    assert stage.written == []


def test_writer_rolls_back_when_the_swap_fails(tmp_path, monkeypatch):
    out = tmp_path / "o"
    _commit(out, {"b.txt": "old b"})
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(Path(dst).name)
        if Path(dst).name == "o":
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(_output.os, "replace", flaky)
    with pytest.raises(PermissionError), _output.staged_output(out) as stage:
        for name in ("a.txt", "b.txt", "c.txt"):
            stage.write_text(name, f"new {name}")
    monkeypatch.setattr(_output.os, "replace", real)
    assert _names(out) == ["b.txt"] and (out / "b.txt").read_text() == "old b"
    assert stage.written == [] and "o" in calls
    assert _names(tmp_path) == [".o.lock", ".o.v1", ".o.v1.files.json", "o"]


def test_writer_removes_folders_it_created_when_a_move_fails(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(_output.os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"), \
            _output.staged_output(tmp_path / "new" / "deep") as stage:
        stage.write_text("a.txt", "a")
    assert _names(tmp_path) == []


def test_writer_cleans_up_on_keyboard_interrupt(tmp_path):
    with pytest.raises(KeyboardInterrupt), _output.staged_output(tmp_path / "o") as stage:
        stage.write_text("a.txt", "a")
        raise KeyboardInterrupt
    assert _names(tmp_path) == []


def test_writer_cleans_up_on_sigterm(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal
        from aurora_models._output import staged_output
        with staged_output({str(tmp_path / "o")!r}) as stage:
            stage.write_text("a.txt", "a")
            os.kill(os.getpid(), signal.SIGTERM)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert _names(tmp_path) == []


def test_writer_removes_what_a_killed_writer_left(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal
        from aurora_models._output import staged_output
        with staged_output({str(tmp_path / "o")!r}) as stage:
            stage.write_text("a.txt", "a")
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL
    left = [n for n in _names(tmp_path) if n.startswith(".aurora-output-")]
    assert len(left) == 1  # SIGKILL cannot be caught ...
    (tmp_path / ".aurora-output-notapid").mkdir()  # ... and what is not ours is left alone
    with _output.staged_output(tmp_path / "o") as stage:  # ... but the next writer cleans up
        stage.write_text("b.txt", "b")
    assert _names(tmp_path) == [".aurora-output-notapid", ".o.lock", ".o.v1",
                                ".o.v1.files.json", "o"]


# ---- one atomic commit per folder: the versioned folder behind a symlink, and its lock

_STEPS = ("staged", "locked", "carried", "renamed", "swapped", "cleaned")
_OLD = {"a.txt": "old a", "b.txt": "old b", "c.txt": "old c"}
_NEW = {"a.txt": "new a", "b.txt": "new b", "d.txt": "new d"}


def _folder(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


def _writer_script(out: Path, files: dict, *, pause_at: str = "", tag: str = "") -> str:
    """A writer in a subprocess that pauses at one commit step: it says so (a marker file) and
    waits for a ``go`` file (the test kills it there, or lets it go on)."""
    return textwrap.dedent(f"""
        import pathlib, time
        from aurora_models import _output
        out, tag = pathlib.Path({str(out)!r}), {tag!r}
        def hook(step):
            if step == {pause_at!r}:
                (out.parent / f"paused{{tag}}-{{step}}").write_text("")
                while not (out.parent / f"go{{tag}}").exists():
                    time.sleep(0.01)
        _output._HOOK = hook
        with _output.staged_output(out) as stage:
            for name, text in {files!r}.items():
                stage.write_text(name, text)
    """)


def _wait_for(path: Path, proc) -> None:
    while not path.exists():  # a hang guard, not a timed assert: the test's timeout bounds it
        assert proc.poll() is None, f"the writer ended with {proc.returncode}"
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.02)


def _spawn(script: str):
    return subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("step", _STEPS)
def test_a_writer_paused_then_killed_at_any_commit_step_leaves_one_complete_result(tmp_path,
                                                                                  step):
    out = tmp_path / "o"
    _commit(out, _OLD)
    proc = _spawn(_writer_script(out, _NEW, pause_at=step))
    _wait_for(tmp_path / f"paused-{step}", proc)
    before_swap = _STEPS.index(step) < _STEPS.index("swapped")
    assert _folder(out) == (_OLD if before_swap else _NEW)  # paused: a complete result
    proc.kill()
    proc.wait()
    assert _folder(out) == (_OLD if before_swap else _NEW)  # killed: the same complete result
    (tmp_path / f"paused-{step}").unlink()
    _commit(out, {"e.txt": "e"})  # the next writer recovers and removes every leftover
    assert _folder(out) == {"e.txt": "e"}
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 4 and left[0] == ".o.lock" and left[-1] == "o", left


def test_a_writer_killed_while_staging_leaves_the_previous_result(tmp_path):
    out = tmp_path / "o"
    _commit(out, _OLD)
    script = _writer_script(out, _NEW).replace("stage.write_text(name, text)",
                                              "stage.write_text(name, text); "
                                              "import os, signal; "
                                              "os.kill(os.getpid(), signal.SIGKILL)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -signal.SIGKILL
    assert _folder(out) == _OLD


def test_two_writers_at_once_end_in_the_later_complete_result(tmp_path):
    out = tmp_path / "o"
    _commit(out, _OLD)
    first = _spawn(_writer_script(out, {**_NEW, "only_first.txt": "1"}, pause_at="locked",
                                  tag="1"))
    _wait_for(tmp_path / "paused1-locked", first)  # the first holds the lock ...
    second = _spawn(_writer_script(out, {"a.txt": "second a"}, pause_at="staged", tag="2"))
    _wait_for(tmp_path / "paused2-staged", second)
    (tmp_path / "go2").write_text("")  # ... the second waits for it at the lock
    assert _folder(out) == _OLD
    (tmp_path / "go1").write_text("")
    assert first.wait() == 0 and second.wait() == 0
    assert _folder(out) == {"a.txt": "second a"}  # the later result, nothing of the first


def test_many_concurrent_writers_never_leave_a_mix(tmp_path):
    out = tmp_path / "o"
    script = textwrap.dedent("""
        import sys
        from aurora_models import _output
        me = sys.argv[1]
        for _ in range(8):
            with _output.staged_output(sys.argv[2]) as stage:
                for i in range(6):
                    stage.write_text(f"f{i}.txt", me)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(k), str(out)]) for k in range(3)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    result = _folder(out)
    assert sorted(result) == [f"f{i}.txt" for i in range(6)] and len(set(result.values())) == 1
    assert len(list(tmp_path.iterdir())) == 4  # lock, one version, its manifest, the link


def test_a_commit_replaces_the_previous_result_and_carries_the_users_files(tmp_path):
    out = tmp_path / "o"
    _commit(out, _OLD)
    (out / "my_notes.md").write_text("mine")  # a user's file: no command wrote it
    _commit(out, _NEW)
    assert _folder(out) == {**_NEW, "my_notes.md": "mine"}  # c.txt (the old run's) is gone
    assert os.readlink(out) == ".o.v2" and not (tmp_path / ".o.v1").exists()


def test_a_non_managed_folder_is_refused_in_one_line_and_left_alone(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "precious.csv").write_text("keep")
    with pytest.raises(FileExistsError, match="not managed by aurora-models.*move it away"):
        _commit(out, _NEW)
    assert _folder(out) == {"precious.csv": "keep"}
    result = run("estimate", "--out", str(out))
    _one_error_line(result, "not managed by aurora-models", str(out))


def test_an_empty_folder_becomes_the_first_version(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    _commit(out, _NEW)
    assert out.is_symlink() and _folder(out) == _NEW


def test_a_foreign_symlink_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "o").symlink_to("elsewhere")
    with pytest.raises(FileExistsError, match="symlink not managed by aurora-models"):
        _commit(tmp_path / "o", _NEW)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_scenario_init_writes_one_file_atomically_into_a_busy_folder(tmp_path):
    (tmp_path / "other.txt").write_text("x")
    result = run("scenario", "init", "s.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "s.toml"]


def test_writer_refuses_names_with_folders(tmp_path):
    with pytest.raises(ValueError, match="`name` must be a plain file name, got '../x'"):
        with _output.staged_output(tmp_path / "o") as stage:
            stage.path("../x")
    assert _names(tmp_path) == []


# --------------------------------------------------------------------------------------------
# CLI: one line and exit 2 for user errors, a traceback and exit 1 for bugs


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "aurora_models.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def _one_error_line(result, *fragments):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for f in fragments:
        assert f in lines[0], lines[0]


def test_cli_out_is_an_existing_file(tmp_path):
    (tmp_path / "afile").write_text("keep")
    _one_error_line(run("estimate", "--out", "afile", cwd=tmp_path),
                    "afile: exists and is not a directory")
    _one_error_line(run("estimate", "--out", "afile/sub", cwd=tmp_path),
                    "afile: not a directory")
    assert _names(tmp_path) == ["afile"]


def test_cli_out_with_a_folder_where_a_file_goes_writes_nothing(tmp_path):
    _commit(tmp_path / "o", {"a.png": "x"})
    (tmp_path / "o" / "estimate.json").mkdir()
    result = run("estimate", "--format", "csv", "--trials", "200", "--out", "o", cwd=tmp_path)
    _one_error_line(result, "o/estimate.json: is a directory")
    assert _names(tmp_path / "o") == ["a.png", "estimate.json"]
    assert _names(tmp_path) == [".o.lock", ".o.v1", ".o.v1.files.json", "o"]
    assert result.stdout == ""


def test_cli_reports_exactly_what_it_wrote(tmp_path):
    result = run("estimate", "--format", "csv", "--trials", "200", "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    written = line.split(": ", 1)[1].split(", ")
    assert line.startswith(f"wrote {len(written)} files to o: ")
    assert sorted(written) == _names(tmp_path / "o") and "estimate.json" in written
    assert _names(tmp_path) == [".o.lock", ".o.v1", ".o.v1.files.json", "o"]


def test_cli_report_is_written_atomically_and_says_what_it_wrote(tmp_path):
    import nbformat

    books = tmp_path / "nbs"
    books.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# one"), nbformat.v4.new_code_cell("1 + 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, books / "01_one.ipynb")
    _commit(tmp_path / "r", {"old.html": "x"})
    (tmp_path / "r" / "index.html").mkdir()  # a folder where the index goes
    result = run("report", "--notebooks", str(books), "--out", "r", cwd=tmp_path)
    _one_error_line(result, "r/index.html: is a directory")
    assert _names(tmp_path / "r") == ["index.html", "old.html"]
    (tmp_path / "r" / "index.html").rmdir()
    result = run("report", "--notebooks", str(books), "--out", "r", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "wrote 2 file(s) to r: 01_one.html, index.html"
    assert _names(tmp_path / "r") == ["01_one.html", "index.html"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_cli_unreadable_scenario_and_read_only_folder(tmp_path):
    scen = tmp_path / "s.toml"
    scen.write_text("x = 1\n")
    scen.chmod(0)
    _one_error_line(run("estimate", str(scen)), str(scen), "ermission denied")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    _one_error_line(run("estimate", "--out", str(ro / "x")), str(ro), "permission denied")
    ro.chmod(0o755)


def test_cli_scenario_init_on_a_folder_or_an_existing_file(tmp_path):
    (tmp_path / "sd").mkdir()
    _one_error_line(run("scenario", "init", "sd", "--force", cwd=tmp_path),
                    "sd: is a directory")
    (tmp_path / "s.toml").write_text("keep")
    _one_error_line(run("scenario", "init", "s.toml", cwd=tmp_path),
                    "s.toml: already exists; pass --force")
    assert (tmp_path / "s.toml").read_text() == "keep"
    assert run("scenario", "init", "s.toml", "--force", cwd=tmp_path).returncode == 0
    assert "[cluster]" in (tmp_path / "s.toml").read_text()
    assert _names(tmp_path) == ["s.toml", "sd"]


def test_cli_closed_pipe_exits_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "aurora_models.cli", "assumptions"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert err == b""


def test_cli_validation_error_is_a_user_error():
    _one_error_line(run("assumptions", "--module", "nope"), "`module` must be one of")
    _one_error_line(run("estimate", "--trials", "5"), "`--trials` must be an integer in [100, 10,000,000], got 5")


def test_cli_bug_keeps_its_traceback_and_debug_shows_user_tracebacks(monkeypatch, capsys):
    def bug(args):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    monkeypatch.setattr(cli, "_cmd_datasets", bug)
    with pytest.raises(TypeError, match="unsupported operand"):
        cli.main(["datasets"])  # re-raised: the interpreter prints it and exits 1

    def user(args):
        raise DataError("bad value", path="x.csv", line=3)

    monkeypatch.setattr(cli, "_cmd_datasets", user)
    assert cli.main(["datasets"]) == 2
    assert capsys.readouterr().err == "error: x.csv, line 3: bad value\n"
    assert cli.main(["datasets", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and err.endswith(
        "error: x.csv, line 3: bad value\n")


def test_cli_bug_exits_1_with_a_traceback(tmp_path):
    script = ("import sys, aurora_models.cli as c\n"
              "c._cmd_datasets = lambda a: 1 + 'x'\n"
              "sys.exit(c.main(['datasets']))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "TypeError" in result.stderr


def test_cli_budget_refusal_is_one_line(tmp_path):
    env = {**os.environ, "AURORA_MODELS_WORK": "1e5"}
    result = subprocess.run([sys.executable, "-m", "aurora_models.cli", "estimate", "--out", "o"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env)
    _one_error_line(result, "over the work budget of 1e+05", "AURORA_MODELS_WORK")
    assert _names(tmp_path) == []


def test_cli_help_documents_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    assert "exit codes:" in result.stdout and "2  bad usage or input" in result.stdout
    assert "--debug" in run("estimate", "--help").stdout


# --------------------------------------------------------------------------------------------
# API inputs that used to slip through (issue 15 item 5)


@pytest.mark.parametrize("value, exc, match", [
    (-1, ValueError, r"`downtime_minutes_per_year` must be non-negative, got -1"),
    (float("nan"), ValueError, "`downtime_minutes_per_year` must be non-negative, got nan"),
    (None, TypeError, "`downtime_minutes_per_year` must be a real number, got NoneType"),
    ("3", TypeError, "`downtime_minutes_per_year` must be a real number, got str '3'"),
    (True, TypeError, "`downtime_minutes_per_year` must be a real number, got bool"),
])
def test_nines_refuses(value, exc, match):
    with pytest.raises(exc, match=match):
        availability.nines(value)


def test_nines_accepts_zero_and_arrays():
    assert availability.nines(0) == math.inf
    np.testing.assert_allclose(availability.nines([52.56, 525.6]), [4.0, 3.0])


@pytest.mark.parametrize("days, exc", [(float("nan"), ValueError), (-1, ValueError),
                                       (float("inf"), ValueError), ("2", TypeError)])
def test_monthly_cost_distribution_days(days, exc):
    from aurora_models import pricing

    with pytest.raises(exc, match="`days` must be"):
        serverless.monthly_cost_distribution(pricing.load(), n_trials=2, days=days, rng=1)


@pytest.mark.parametrize("servers, exc", [(-1, ValueError), ("2", TypeError), (True, TypeError),
                                          (1.5, ValueError)])
def test_read_capacity_names_read_servers(servers, exc):
    with pytest.raises(exc, match="`read_servers` must be an integer in"):
        availability.read_capacity_per_s(servers, 1, 5)


def test_strings_where_numbers_belong():
    with pytest.raises(TypeError, match="`writes_per_s` must be an array of real numbers"):
        write_path.replica_lag("1000")
    with pytest.raises(TypeError, match="`t_ms` must be a real number, got str '1'"):
        write_path.kth_fastest_cdf("1", 1, [1.0, 1.0], 0.5)
    with pytest.raises(TypeError, match="`rows` must be an array of integers, got str '0'"):
        markov.generator(2, "0", [1], [1.0])
    with pytest.raises(ValueError, match=r"`cols` must be a state index in \[0, 1\], got 5"):
        markov.generator(2, [0], [5], [1.0])


def test_lists_and_empty_lists_where_one_number_belongs():
    with pytest.raises(TypeError, match=r"`redo_bytes_per_write` must be a number in "
                                        r"\(0, 1,073,741,824\], got list \[\]"):
        am.global_db.ReplicationLink(primary="us-east-1", secondary="eu-west-1",
                                     redo_bytes_per_write=[])
    with pytest.raises(TypeError, match="`horizon_hours` must be a single real number, got an "
                                        r"array of shape \(2,\)"):
        quorum.simulate_event_probability(quorum.AURORA, quorum.FailureModel(),
                                          event="data_loss", horizon_hours=[1, 2], n_trials=10)


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_huge_ints_are_refused_by_name(value):
    with pytest.raises(ValueError, match="`horizon_hours` must be positive and finite, got "
                                         "(a negative|an) integer of 401 digits"):
        quorum.simulate_event_probability(quorum.AURORA, quorum.FailureModel(),
                                          event="data_loss", horizon_hours=value, n_trials=10)
    with pytest.raises(ValueError, match="`n_trials` must be an integer in"):
        availability.simulate_annual_downtime(availability.AURORA, n_trials=value)


def test_inf_for_integer_parameters():
    with pytest.raises(ValueError, match=r"`n_trials` must be an integer in \[1, 100000000\], "
                                         "got inf"):
        availability.simulate_annual_downtime(availability.AURORA, n_trials=float("inf"))
    with pytest.raises(ValueError, match="`k` must be an integer in .*got inf"):
        write_path.kth_fastest_cdf(1.0, np.float64("inf"), [1.0, 1.0], 0.5)


@pytest.mark.parametrize("kw, exc, match", [
    ({"value": float("nan")}, ValueError, r"`value` must be a number \(not NaN\), got nan"),
    ({"value": 1.0, "n_trials": -5}, ValueError, r"`n_trials` must be an integer in \[0, inf\]"),
    ({"value": 1.0, "n_trials": 2.5}, ValueError, "`n_trials` must be an integer"),
    ({"value": "1"}, TypeError, "`value` must be a real number, got str"),
    ({"value": [1.0, 2.0]}, TypeError, "`value` must be a single real number"),
    ({"value": 1.0, "method": None}, TypeError, "`method` must be a string, got NoneType"),
    ({"value": 1.0, "bounds": (1.0, 0.0)}, ValueError, r"`bounds\[1\]` must be in \[1, inf\]"),
    ({"value": 1.0, "bounds": 3}, TypeError, "`bounds` must be a pair"),
])
def test_estimate_refuses(kw, exc, match):
    with pytest.raises(exc, match=match):
        am.Estimate(**kw)


def test_estimate_accepts_infinite_values_and_numpy_scalars():
    e = am.Estimate(value=np.float32(2.5), standard_error=np.float64(0.1), n_trials=np.int64(7))
    assert (e.value, e.n_trials) == (2.5, 7) and type(e.n_trials) is int
    assert am.Estimate(value=math.inf).value == math.inf


# --------------------------------------------------------------------------------------------
# Loader edges (issue 15 item 7)


def test_empty_csv_names_the_file(tmp_path):
    f = tmp_path / "empty.csv"
    f.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv: empty file"):
        data.load_interregion_rtt(f)


def test_header_only_rtt_file_names_the_file(tmp_path):
    f = tmp_path / "rtt.csv"
    f.write_text("from_region,to_region,p50_ms\n")
    with pytest.raises(DataError, match=r"rtt\.csv, line 1: 0 data row\(s\) after the header"):
        data.load_interregion_rtt(f)


@pytest.mark.parametrize("rows", [0, 1])
def test_trace_of_fewer_than_two_rows_names_the_file(tmp_path, rows):
    f = tmp_path / "t.csv"
    f.write_text("timestamp,value\n" + "2024-01-01 00:00:00,1\n" * rows)
    with pytest.raises(DataError, match=rf"t\.csv, line 1: {rows} data row\(s\) after the "
                                        "header; at least 2 needed"):
        data.load_trace("elb_request_count", path=f)


def test_a_folder_is_not_a_data_file(tmp_path):
    with pytest.raises(DataError, match="not a regular file"):
        data.load_interregion_rtt(tmp_path)


# --------------------------------------------------------------------------------------------
# Fuzz corpus: hostile values at every touched public entry

HOSTILE = st.one_of(
    st.just(10**400), st.just(-(10**400)), st.integers(min_value=2**63, max_value=10**30),
    st.just(float("nan")), st.just(float("inf")), st.just(-float("inf")), st.none(),
    st.booleans(), st.text(max_size=5), st.just([]), st.just(()),
    st.lists(st.floats(allow_nan=True), min_size=1, max_size=3),
    st.just([[1.0], [1.0, 2.0]]), st.just({"a": 1}),
    st.sampled_from([np.float64("nan"), np.float32(-1), np.int64(-3), np.bool_(True),
                     np.float64(1e308), np.array([1.0, 2.0])]),
    st.floats(allow_nan=False, max_value=-1e-300),
)

_FM = quorum.FailureModel()
_QUORUM = dict(layout=quorum.AURORA, failures=_FM, event="data_loss", n_trials=20, rng=1)
_TARGETS = {
    "Estimate": (am.Estimate, {"value": 1.0, "standard_error": 0.1, "n_trials": 10}),
    "nines": (lambda downtime_minutes_per_year: availability.nines(downtime_minutes_per_year),
              {"downtime_minutes_per_year": 5.0}),
    "read_capacity_per_s": (
        lambda read_servers, service_time_ms, latency_objective_ms:
        availability.read_capacity_per_s(read_servers, service_time_ms, latency_objective_ms),
        {"read_servers": 2, "service_time_ms": 1.0, "latency_objective_ms": 5.0}),
    "simulate_event_probability": (
        lambda **kw: quorum.simulate_event_probability(**{**_QUORUM, **kw}),
        {"horizon_hours": 100.0, "n_trials": 20, "bias": 0.5}),
    "FailureModel": (quorum.FailureModel,
                     {"copy_failure_rate_per_year": 0.1, "az_outage_rate_per_year": 1.0}),
    "simulate_annual_downtime": (
        lambda n_trials: availability.simulate_annual_downtime(availability.AURORA, n_trials=n_trials,
                                                        storage=_STORAGE, rng=1),
        {"n_trials": 10}),
    "sample_commit_latency": (
        lambda n_trials: write_path.sample_commit_latency(_PATH, n_trials=n_trials, rng=1),
        {"n_trials": 10}),
    "kth_fastest_cdf": (
        lambda t_ms, k, sigma: write_path.kth_fastest_cdf(t_ms, k, [1.0, 2.0, 3.0], sigma),
        {"t_ms": 1.0, "k": 2, "sigma": 0.5}),
    "replica_lag": (lambda writes_per_s: write_path.replica_lag(writes_per_s),
                    {"writes_per_s": 100.0}),
    "generator": (lambda n_states, rates: markov.generator(n_states, [0], [1], rates),
                  {"n_states": 2, "rates": [1.0]}),
    "budget": (lambda memory_gib, work: am.budget(memory_gib=memory_gib, work=work).__enter__(),
               {"memory_gib": 1.0, "work": 1e6}),
    "FailureRates": (availability.FailureRates,
                     {"instance_failure_rate_per_year": 0.5, "ebs_volume_failure_rate_per_year": 0.01}),
    "ReplicationLink": (
        lambda **kw: am.global_db.ReplicationLink(primary="us-east-1", secondary="eu-west-1", **kw),
        {"redo_bytes_per_write": 1024.0, "batch_interval_ms": 1.0}),
    "sweep": (lambda grid: am.sweep(lambda a: a, grid), {"grid": {"a": [1, 2]}}),
    "monthly_cost_distribution": (
        lambda days: serverless.monthly_cost_distribution(_PRICES, n_trials=2, days=days, rng=1),
        {"days": 0.5}),
}
_STORAGE = availability.storage_unavailability()
_PRICES = am.pricing.load()
_PATH = write_path.aurora_path()
_CASES = [(t, p) for t, (_, base) in _TARGETS.items() for p in base]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("target, param", _CASES, ids=[f"{t}-{p}" for t, p in _CASES])
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(value=HOSTILE)
def test_fuzz_hostile_values_name_the_parameter(target, param, value):
    fn, base = _TARGETS[target]
    try:
        fn(**{**base, param: value})
    except (TypeError, ValueError) as exc:
        msg = str(exc)
        assert "\n" not in msg, msg
        if isinstance(exc, BudgetError):
            assert msg.startswith("`"), msg  # names the parameter the cost scales with
        else:
            named = re.search(rf"`{param}(\[[^`]*\])?`", msg)  # `grid` or `grid['a']`
            assert named, f"{target}({param}={value!r}): {msg}"


_CSV_LINES = st.lists(st.one_of(
    st.just("from_region,to_region,p50_ms"), st.just("us-east-1,eu-west-1,70"),
    st.just("eu-west-1,us-east-1,nan"), st.just("a,b"), st.just("x,y,z,w"), st.just(""),
    st.just('"unclosed,1,2'), st.text(max_size=12)), max_size=5)


@pytest.mark.timeout(120)
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=_CSV_LINES, raw=st.one_of(st.none(), st.binary(max_size=40)))
def test_fuzz_hostile_rtt_files_are_data_errors_naming_the_file(tmp_path, lines, raw):
    f = tmp_path / "rtt.csv"
    # lone surrogates become invalid UTF-8 bytes: one more hostile case
    f.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") if raw is None else raw)
    try:
        data.load_interregion_rtt(f)
    except DataError as exc:
        assert str(exc).startswith(str(f)) and "\n" not in str(exc), str(exc)


def _presets():
    import dataclasses
    import importlib

    out = []
    for fam in ("quorum", "availability", "global_db", "serverless", "write_path", "pricing"):
        module = importlib.import_module(f"aurora_models.{fam}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
                out.append((f"{fam}.{name}", obj))
    return out


_PRESETS = _presets()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("preset", [p for _, p in _PRESETS], ids=[n for n, _ in _PRESETS])
@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data(), value=HOSTILE)
def test_fuzz_every_preset_field(preset, data, value):
    """Every parameter object a family exports, each field replaced by a hostile value."""
    import dataclasses

    fields = [f.name for f in dataclasses.fields(preset) if f.init]
    name = data.draw(st.sampled_from(fields))
    try:
        dataclasses.replace(preset, **{name: value})
    except (TypeError, ValueError) as exc:
        msg = str(exc)
        assert "\n" not in msg, msg
        # the field itself, or (a rule across fields) another field of the same object
        assert any(re.search(rf"`{f}(\[[^`]*\])?`", msg) for f in fields), \
            f"{type(preset).__name__}({name}={value!r}): {msg}"


# --------------------------------------------------------------------------------------------
# Issue 21: the budget before the work, one-line errors naming the flag, checked API inputs


def _free_port() -> int:
    import socket

    with socket.socket() as s:  # bound, then closed: nothing listens there afterwards
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli_line(capsys, *argv) -> str:
    rc = cli.main(list(argv))
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize("argv, named", [
    (("sensitivity", "--n", str(10**11)), "`--n` = 100000000000"),
    (("sensitivity", "--method", "sobol", "--n", str(2**40)), "`--n` = 1099511627776"),
    (("sensitivity", "--seed", "-1"), "`--seed` must be an integer in [0,"),
    (("sensitivity", "--n", "1"), "`--n` must be an integer >= 2"),
    (("sensitivity", "--scheduler", "not an address"), "`--scheduler` must be a scheduler"),
    (("sensitivity", "--scheduler", "tcp://127.0.0.1:99999"), "(port 1-65535)"),
    (("sensitivity", "--connect-timeout", "0", "--scheduler", "127.0.0.1:1"),
     "`connect_timeout_s` must be a number of seconds"),
    (("estimate", "--uncertainty", str(2**40)), "`--uncertainty` = 1099511627776"),
    (("estimate", "--uncertainty", "3"), "`--uncertainty` must be a power of 2"),
    (("estimate", "--trials", "10000000"), "`--trials` = 10000000"),
])
def test_cli_flags_refused_first_in_one_line_naming_the_flag(argv, named, capsys):
    line = _cli_line(capsys, *argv)
    assert named in line, line


@pytest.mark.timeout(120)
def test_cli_scheduler_where_nothing_listens_times_out_in_one_line(capsys):
    port = _free_port()
    line = _cli_line(capsys, "sensitivity", "--n", "2", "--connect-timeout", "1",
                     "--scheduler", f"127.0.0.1:{port}")
    assert f"`--scheduler`: no dask scheduler answered at tcp://127.0.0.1:{port} within 1 s" \
        in line, line


def test_the_connect_timeout_comes_from_the_environment(monkeypatch):
    from aurora_models.sensitivity import _analysis

    assert _analysis.connect_timeout_s() == 5.0
    monkeypatch.setenv("AURORA_MODELS_CONNECT_TIMEOUT_S", "2.5")
    assert _analysis.connect_timeout_s() == 2.5
    monkeypatch.setenv("AURORA_MODELS_CONNECT_TIMEOUT_S", "soon")
    with pytest.raises(ValueError, match="AURORA_MODELS_CONNECT_TIMEOUT_S"):
        _analysis.connect_timeout_s()


def _uniform(names="ab"):
    from aurora_models.sensitivity import make

    return [make(x, {"dist": "uniform", "low": 0, "high": 1}) for x in names]


def _linear(X):
    return X[:, :1] + 3 * X[:, 1:2]


@pytest.mark.parametrize("call, exc, match", [
    (lambda s: s.morris(_linear, _uniform(), outputs=["y"], r=4, levels=1),
     "SensitivityInputError", "`levels` must be an integer in"),
    (lambda s: s.morris(_linear, _uniform(), outputs=["y"], r=4, levels=2.5),
     "ParameterTypeError", "`levels` must be an integer"),
    (lambda s: s.morris(_linear, _uniform(), outputs=["y"], r=4, num_resamples=0),
     "SensitivityInputError", "`num_resamples`"),
    (lambda s: s.sobol(_linear, _uniform(), outputs=["y"], n=8, num_resamples=0),
     "SensitivityInputError", "`num_resamples`"),
    (lambda s: s.sobol(_linear, _uniform("a"), outputs=["y"], n=8),
     "SensitivityInputError", "`dists` must hold at least 2 inputs"),
    (lambda s: s.sobol(_linear, _uniform(), outputs=["y"], n=8, seed=-1),
     "SensitivityInputError", "`seed` must be an integer in"),
    (lambda s: s.sobol(_linear, _uniform(), outputs="y", n=8),
     "ParameterTypeError", "`outputs` must be a non-empty sequence"),
    (lambda s: s.propagate(_linear, _uniform(), outputs=None, n=4),
     "ParameterTypeError", "`outputs` must be a non-empty sequence"),
    (lambda s: s.sobol(_linear, _uniform(), outputs=["y"], n=8, chunk=0),
     "SensitivityInputError", "`chunk` must be an integer"),
    (lambda s: s.sobol(3, _uniform(), outputs=["y"], n=8),
     "ParameterTypeError", "`func` must be callable"),
    (lambda s: s.propagate(_linear, _uniform(), outputs=["y"], n=2**50),
     "BudgetError", "`n` = 1125899906842624"),
    (lambda s: s.morris(_linear, _uniform(), outputs=["y"], r=10**12),
     "BudgetError", "`r` = 1000000000000"),
])
def test_salib_wrappers_refuse_degenerate_arguments_naming_them(call, exc, match):
    from aurora_models import sensitivity
    from aurora_models.exceptions import UserInputError

    with pytest.raises(UserInputError, match=re.escape(match)) as info:
        call(sensitivity)
    assert type(info.value).__name__ == exc


def test_propagate_refuses_a_huge_n_before_drawing_the_sample():
    from aurora_models import sensitivity

    peak, err = _peak_bytes(lambda: sensitivity.propagate(_linear, _uniform(), outputs=["y"],
                                                          n=2**36))
    assert isinstance(err, BudgetError) and "`n` = 68719476736" in str(err)
    assert peak < 50 * 2**20


@pytest.mark.parametrize("kw, named", [
    ({"n_writes": 10**12}, "`n_writes` = 1000000000000"),
    ({"n_replications": 10**9}, "`n_replications` = 1000000000"),
    ({"n_writes": 10**30}, "`n_writes` = 1000000000000000000000000000000"),
])
def test_global_db_simulation_sizes_are_budgeted_first(kw, named):
    from aurora_models import global_db

    link = global_db.ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    peak, err = _peak_bytes(lambda: global_db.rpo_exposure(link, writes_per_s=2000.0, **kw))
    assert isinstance(err, BudgetError) and named in str(err), err
    assert peak < 50 * 2**20


def test_a_trace_gap_of_decades_filled_with_zeros_is_budgeted_first(tmp_path):
    trace = tmp_path / "gap.csv"
    trace.write_text("timestamp,value\n2000-01-01 00:00:00,1\n2000-01-01 00:00:01,2\n"
                     "2000-01-01 00:00:02,2\n2200-01-01 00:00:00,3\n")
    peak, err = _peak_bytes(lambda: data.load_trace("elb_request_count", fill_gaps="zero",
                                                    path=trace))
    assert isinstance(err, BudgetError), err
    assert "`fill_gaps` = zero (6,311,433,597 missing samples" in str(err)
    assert peak < 50 * 2**20


@pytest.mark.parametrize("fn", ["demand_from_trace", "daily_shape"])
def test_trace_grids_at_a_tiny_step_are_budgeted_first(fn):
    trace = data.load_trace("elb_request_count", fill_gaps="interpolate")
    kw = {"acu_per_unit": 0.01} if fn == "demand_from_trace" else {}
    with pytest.raises(BudgetError, match="`step_s` = 1e-09"):
        getattr(serverless, fn)(trace, step_s=1e-9, **kw)


def test_a_declared_string_is_capped():
    from aurora_models.scenario._settings import RunSettings

    with pytest.raises(am.exceptions.ParameterValueError,
                       match=r"`name` must be a string of at most 4096 characters, got 10,000"):
        RunSettings(name="n" * 10_000)


@pytest.mark.parametrize("key, value", [
    ("reserved_hourly_usd", 1e300), ("manual_snapshot_gib", 1.7e308),
    ("storage_growth_gib_per_month", 1e300), ("snapshot_export_gib_per_month", 1e300)])
def test_usage_quantities_have_physical_upper_bounds(key, value):
    from aurora_models import billing

    with pytest.raises(am.exceptions.ParameterValueError, match=f"`{key}` must be a number in"):
        billing.Usage(region="us-east-1", engine="aurora-mysql", capacity="provisioned",
                      instance_class="db.r6g.large", volume_gib=100.0, **{key: value})


# ---- a property test over every declared constructor, strategies from the declarations


def _declared():
    import aurora_models.scenario  # noqa: F401  (registers every family's declarations)
    from aurora_models._params import _DECLARED

    return list(_DECLARED)


def _hostile(p):
    """Values for one declared parameter: its bounds and just past them, NaN, inf, huge ints,
    wrong types."""
    out = [math.nan, math.inf, -math.inf, 10**400, -(10**400), "1", None, [1], True]
    if p.type in ("real", "int"):
        for b in (p.low, p.high):
            if b is not None and math.isfinite(b):
                out += [b, b * (1 + 1e-9) + 1e-9, b * (1 - 1e-9) - 1e-9]
    if p.type == "choice":
        out += [*p.choices, "no-such-choice"]
    if p.type == "str":
        out += ["x" * 5000, "ok"]
    return st.sampled_from(out)


@pytest.mark.timeout(120)
@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_declared_constructors_return_or_raise_naming_the_parameter(data):
    from aurora_models._params import params_of

    cls = data.draw(st.sampled_from(_declared()))
    params = params_of(cls)
    name = data.draw(st.sampled_from(sorted(params)))
    value = data.draw(_hostile(params[name]))
    try:
        cls(**{name: value})
    except (am.exceptions.UserInputError, TypeError, ValueError) as exc:
        msg = str(exc)
        assert "\n" not in msg.strip() and len(msg) < 2000, msg
        # a missing required field is named too; otherwise the parameter given or a rule's
        named = re.findall(r"`([A-Za-z_][\w.\[\]]*)`", msg) + re.findall(r"'(\w+)'", msg)
        assert named, msg
    else:
        p = params[name]
        if p.type == "real" and isinstance(value, float):
            assert math.isfinite(value) or (value == math.inf and p.allow_inf)


@pytest.mark.parametrize("view,kwargs,message", [
    ("quorum_view", {"write_quorum": 4.5}, r"`write_quorum` must be an integer"),
    ("quorum_view", {"copies_per_az": (2, 2.5, 2)}, r"`copies_per_az"),
    ("availability_view", {"replicas": 1.5}, r"`replicas` must be an integer"),
    ("availability_view", {"proxy": "no"}, r"`proxy` must be True or False"),
    ("global_db_view", {"n_writes": 2.5}, r"`n_writes`"),
])
def test_explorer_views_refuse_rather_than_truncate(view, kwargs, message):
    import aurora_models as am

    with pytest.raises((TypeError, ValueError), match=message):
        getattr(am.widgets, view)(**kwargs)


def test_a_one_region_price_file_names_a_secondarys_prices_as_missing(tmp_path):
    import pandas as pd

    from aurora_models import scenario as sc

    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    full = pd.read_csv(root / "data" / "pricing" / "aurora_prices_multiregion.csv", dtype=str,
                       keep_default_na=False)
    one = tmp_path / "us-east-1.csv"
    full[full["region"] == "us-east-1"].to_csv(one, index=False)
    s = sc.load().replace(pricing__offer_file=str(one), scenario__trials=200)
    assert s["regions"]["secondaries"] == ("eu-west-1",)
    cost = sc.estimate(s, only=("cost",)).to_dict()["cost"]
    assert any("in eu-west-1" in m for m in cost["missing"])
    assert all(li["region"] == "us-east-1" for b in cost["bills"] for li in b["lines"])
    assert cost["cheapest"] is None  # no bill is complete without the secondary's prices


def test_regions_the_latency_data_lacks_run_with_a_declared_stand_in():
    from aurora_models import scenario as sc

    s = sc.load().replace(regions__primary="ap-east-2", regions__secondaries=["ap-southeast-6"],
                          scenario__trials=200)
    doc = sc.estimate(s, only=("global_database",)).to_dict()
    sec = doc["global_database"]["secondaries"][0]
    assert "ap-east-2 is not in the latency data: its round trips are ap-east-1's" in \
        sec["latency_stand_in"]
    assert any("ap-southeast-6 is not in the latency data" in n for n in doc["notes"])
    assert sec["one_way_ms"] > 0


def test_an_extreme_event_factor_is_refused_at_load_naming_the_key():
    from aurora_models import scenario as sc

    text = sc.template_text().replace("factor = 10", "factor = 1e9")
    assert text != sc.template_text()
    with pytest.raises(sc.ScenarioError, match=r"`workload.events\[0\].factor` must be in "
                                               r"\(0, 1000\], got 1000000000.0"):
        sc.loads(text, source="x.toml")
