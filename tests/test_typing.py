"""The annotations as a type checker reads them, and the defects that checking them found.

``bash dev.sh lint`` runs mypy on the package (no errors at its default strictness). The test
below checks what that buys a caller: mypy (the ``lint`` dependency group; skipped where it is
not installed) reads a ``@declared`` class as the frozen keyword-only dataclass it is, with each
field typed as declared, and the validators' return types follow their argument.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from aurora_models._numeric import normal_cdf
from aurora_models._section import Output

ROOT = Path(__file__).resolve().parents[1]

SNIPPET = '''
from aurora_models._params import declared, param
from aurora_models._validate import check_array, check_positive
from aurora_models.quorum import FailureModel

reveal_type(FailureModel.__init__)
FailureModel(az_outage_hours="2")
FailureModel(2.0)
fm = FailureModel(az_outage_hours=3)
fm.az_outage_hours = 1.0
reveal_type(fm.az_outage_hours)
reveal_type(check_positive("x", 1.0))
reveal_type(check_positive("x", [1.0]))
reveal_type(check_array("x", [1.0]))


@declared("toy")
class Toy:
    wait_s: float = param(1.0, "s", low=0.0, rationale="a toy")


reveal_type(Toy.__init__)
Toy(wait_s="1")
'''


def test_mypy_reads_declared_classes_and_the_validators_precisely(tmp_path):
    pytest.importorskip("mypy")
    path = tmp_path / "snippet.py"
    path.write_text(SNIPPET)
    run = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", str(path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    # by line (mypy's cache may name an earlier run's copy of the same snippet)
    found = (re.match(r".*snippet\.py:(\d+): (note|error): (.*)", ln)
             for ln in run.stdout.splitlines())
    lines = {int(m[1]): m[3] for m in found
             if m and (m[2] == "error" or m[3].startswith("Revealed"))}
    line = {text.strip(): i for i, text in enumerate(SNIPPET.splitlines(), start=1)}

    def at(code: str) -> str:
        return lines.get(line[code], "")

    init = at("reveal_type(FailureModel.__init__)")
    assert "def (self: aurora_models.quorum._model.FailureModel, *," in init  # keyword-only
    assert "az_outage_hours: float =" in init and "max_azs_down: int | None =" in init
    assert 'incompatible type "str"; expected "float"' in at('FailureModel(az_outage_hours="2")')
    assert "Too many positional arguments" in at("FailureModel(2.0)")
    assert "read-only" in at("fm.az_outage_hours = 1.0")  # frozen
    assert at("reveal_type(fm.az_outage_hours)") == 'Revealed type is "float"'
    assert at('reveal_type(check_positive("x", 1.0))') == 'Revealed type is "float"'
    for code in ('reveal_type(check_positive("x", [1.0]))', 'reveal_type(check_array("x", [1.0]))'):
        assert "numpy.dtype[numpy.float64]" in at(code)
    # a class that is no dataclass yet: @declared makes it one (PEP 681's dataclass_transform)
    assert "def (self: snippet.Toy, *, wait_s: float =)" in at("reveal_type(Toy.__init__)")
    assert 'expected "float"' in at('Toy(wait_s="1")')
    assert run.returncode == 1, run.stdout + run.stderr  # the errors above, nothing else
    assert run.stdout.count(": error:") == 4, run.stdout


def test_declared_makes_a_plain_class_the_frozen_keyword_only_dataclass_it_types_as():
    # in a subprocess: a declaration joins the process-wide registry of declared classes
    code = textwrap.dedent('''
        import dataclasses
        from aurora_models._params import declared, param, params_of

        @declared("toy")
        class Toy:
            wait_s: float = param(1.0, "s", low=0.0, rationale="a toy", registered=False)

        t = Toy(wait_s=2)
        assert dataclasses.is_dataclass(Toy) and type(t.wait_s) is float, t
        assert list(params_of(Toy)) == ["wait_s"]
        for bad, kind in ((lambda: Toy(3.0), TypeError), (lambda: Toy(wait_s=-1.0), ValueError)):
            try:
                bad()
            except kind as exc:
                print(type(exc).__name__, exc)
        try:
            t.wait_s = 3.0
        except dataclasses.FrozenInstanceError:
            print("frozen")
    ''')
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    out = run.stdout.splitlines()
    assert out[0].startswith("TypeError") and "positional" in out[0]
    assert out[1] == "ParameterValueError `wait_s` must be a number in [0, inf], got -1.0"
    assert out[2] == "frozen"


def test_normal_cdf_takes_a_scalar_too():
    # found by mypy: `.astype` on what np.frompyfunc returns for a scalar (a Python float)
    # raised AttributeError
    assert float(normal_cdf(0.5)) == pytest.approx(0.6914624612740131, rel=1e-15)
    assert float(normal_cdf(-30.0)) == float(normal_cdf(np.array([-30.0]))[0])
    assert normal_cdf(np.array([[0.0, 1.0]])).shape == (1, 2)


def test_an_output_label_given_as_a_function_is_applied_without_each():
    # found by mypy: label_of returned the function itself (shown as "<function ...>")
    out = Output("p99_ms", ("p99_s",), "ms", scale=1e3, label=lambda name: f"lag {name}")
    assert out.label_of("p99_ms") == "lag p99_ms"
    assert Output("p99_ms", ("p99_s",), "ms", label="lag p99").label_of("p99_ms") == "lag p99"
    assert Output("p99_ms", ("p99_s",), "ms").label_of("p99_ms") == "p99_ms"
    assert out.label_of("other") is None
