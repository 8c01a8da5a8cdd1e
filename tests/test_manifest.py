"""One manifest per family: a family is its own module plus one line in the registry.

The toy family test runs in a subprocess (the declaration registry and its caches are
process-wide): it writes an RDS Proxy family to a temporary module, registers it with one line
(``_registry.FAMILIES += (...)``) and finds it, with no other edit, in every layer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import aurora_models as am
from aurora_models import scenario as sc

ROOT = Path(__file__).resolve().parents[1]

TOY = '''
"""A toy family: RDS Proxy in front of the cluster (vCPU-hours billed on every option)."""
from dataclasses import dataclass

from aurora_models._params import declared, param
from aurora_models._section import AddedLine, Output, Row, Section, SectionResult


@declared("toyproxy")
@dataclass(frozen=True, kw_only=True)
class ProxyKeys:
    enabled: bool = param(False, scenario="proxy.enabled", user_input=True,
                          doc="put an RDS Proxy in front of the cluster")
    vcpu: float = param(2.0, "vCPU", low=0.0, high=1000.0, scenario="proxy.vcpu",
                        rationale="a toy default",
                        uncertainty={"dist": "uniform", "low": 1.0, "high": 3.0,
                                     "rationale": "a toy spread"})


@dataclass(frozen=True, kw_only=True)
class ProxyResult(SectionResult):
    enabled: bool
    vcpu_hours: float


def _run(ctx):
    p = ctx.scenario["proxy"]
    if not p["enabled"]:
        return ProxyResult(enabled=False, vcpu_hours=0.0)
    return ProxyResult(enabled=True, vcpu_hours=p["vcpu"] * 730.0)


def _rows(d):
    return [Row("proxy", "proxy vCPU-hours", d["vcpu_hours"], None, None, "vCPU-hours",
                "proxy_vcpu_hours")]


def _bill(result, usage):
    if not result.enabled:
        return []
    return [AddedLine(id="proxy.vcpu", region=usage.region, line="RDS Proxy (toy)",
                      quantity=result.vcpu_hours, unit="vCPU-hours", unit_price_usd=0.015)]


PROXY = Section(name="proxy", title="RDS Proxy", run=_run, rows=_rows, declares=(ProxyKeys,),
                assumptions=("toyproxy",), place=95, bill_lines=_bill, json="`enabled, vcpu_hours`",
                outputs=(Output("proxy_vcpu_hours", ("vcpu_hours",), "vCPU-hours"),))
SECTIONS = (PROXY,)
'''

CHECK = '''
import json, sys
import numpy as np
import aurora_models as am
from aurora_models import _registry, scenario as sc
from aurora_models import sensitivity as sa
from aurora_models.scenario._schema import json_markdown, json_schema, keys_markdown

OUTS = ["bill_serverless_standard", "downtime_minutes_per_year"]


def analysis(s):
    r = sa.analyze(s, method="sobol", n=8, outputs=OUTS, seed=7)
    return list(r.names), r.table.to_json()


before = analysis(sc.load())
_registry.FAMILIES += ("toyproxy",)  # the one registration line
out = {}
off = sc.load()
out["off_inputs_equal"] = analysis(off) == before
text = sc.template_text() + "\\n[proxy]\\nenabled = true\\nvcpu = 4\\n"
on = sc.loads(text, source="proxy.toml")
r_on, r_off = sc.estimate(on, n_trials=200), sc.estimate(off, n_trials=200)
doc = r_on.to_dict()
out["json_part"] = doc["proxy"]
out["formats"] = {f: "proxy vCPU-hours" in sc.render(r_on, f) or "proxy" in sc.render(r_on, f)
                  for f in sc.FORMATS}
out["table_row"] = "proxy vCPU-hours" in sc.render(r_on, "table")
lines = {b["option"]: [li for li in b["lines"] if li["id"] == "proxy.vcpu"]
         for b in doc["cost"]["bills"]}
out["lines"] = {k: [(li["quantity"], li["amount_usd"]) for li in v] for k, v in lines.items()}
t_on = {o["option"]: o["total_usd"] for o in doc["cost"]["options"]}
t_off = {o["option"]: o["total_usd"] for o in r_off.to_dict()["cost"]["options"]}
out["delta"] = {k: t_on[k] - t_off[k] for k in t_on}
out["cheapest"] = [doc["cost"]["cheapest"],
                   min((o for o in doc["cost"]["options"] if o["complete"]),
                       key=lambda o: o["total_usd"])["option"]]
out["schema"] = "proxy" in json_schema()["properties"]
out["keys_doc"] = "`proxy.vcpu`" in keys_markdown()
out["json_doc"] = "| `proxy` | `enabled, vcpu_hours` |" in json_markdown()
out["registry"] = "toyproxy.vcpu" in set(am.assumptions()["name"])
out["json_models"] = "toyproxy.vcpu" in {m["name"] for m in doc["assumptions"]["models"]}
out["attr"] = am.toyproxy.__name__
dists = sa.distributions(on)
out["on_sampled"] = "proxy.vcpu" in dists
model = sa.ScenarioModel.of(on, list(dists))
out["outputs"] = "proxy_vcpu_hours" in model.outputs
rng = np.random.default_rng(3)
from aurora_models.sensitivity._analysis import to_values
X = to_values(list(dists.values()), rng.random((3, len(dists))))
batch = model(X)
plain = np.array([model.row(x) for x in X])
out["batch_equals_plain"] = bool(np.allclose(batch, plain, rtol=1e-12, equal_nan=True))
k = list(dists).index("proxy.vcpu")
pair = np.vstack([X[0], X[0]])
pair[:, k] = [1.0, 3.0]
Y = model(pair)
bills = [i for i, o in enumerate(model.outputs) if o.startswith("bill_")]
out["bill_moves"] = [float(Y[1, i] - Y[0, i]) for i in bills]
json.dump(out, sys.stdout)
'''


def test_a_toy_family_registered_by_one_line_reaches_every_layer(tmp_path):
    (tmp_path / "toyproxy.py").write_text(TOY, encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600,
                         env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    assert out["off_inputs_equal"]  # the toy is off: no Sobol figure moves
    assert out["json_part"] == {"enabled": True, "vcpu_hours": 2920.0}
    assert all(out["formats"].values()) and out["table_row"]
    # 4 vCPU x 730 h x $0.015 = $43.80 on every option's bill, counted in its total
    for option, lines in out["lines"].items():
        assert lines == [[2920.0, pytest.approx(43.8)]], option
    assert all(d == pytest.approx(43.8, abs=1e-6) for d in out["delta"].values())
    assert out["cheapest"][0] == out["cheapest"][1]
    assert out["schema"] and out["keys_doc"] and out["json_doc"]
    assert out["registry"] and out["json_models"] and out["attr"] == "toyproxy"
    assert out["on_sampled"] and out["outputs"] and out["batch_equals_plain"]
    # 2 vCPU more x 730 h x $0.015 on every option's total, in the analysis too
    assert out["bill_moves"] == [pytest.approx(21.9, abs=1e-6)] * 6


def test_declarations_do_not_depend_on_import_order():
    code = textwrap.dedent("""
        import importlib, json, sys
        for m in sys.argv[1:]:
            importlib.import_module(m)
        from aurora_models._registry import scenario_params
        print(json.dumps({t: list(kv) for t, kv in scenario_params().items()}))
    """)
    runs = [subprocess.run([sys.executable, "-c", code, *first], capture_output=True,
                           text=True, timeout=120, cwd=ROOT, check=True).stdout
            for first in ([], ["aurora_models.billing._keys"],
                          ["aurora_models.availability._params", "aurora_models.cluster"])]
    assert runs[0] == runs[1] == runs[2]


def test_public_submodules_resolve_in_a_fresh_interpreter():
    code = ("import aurora_models as am; "
            "print(am.billing.OPTIONS[0], am.cluster.Cluster.__name__, am.units.HOURS_PER_MONTH, "
            "am.widgets.__name__)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["serverless_standard", "Cluster", "730.0",
                                  "aurora_models.widgets"]


def test_json_models_are_the_registry_restricted_to_the_sections_that_ran():
    from aurora_models._registry import sections

    for only in (None, ("durability",), ("cost",)):
        r = sc.estimate(sc.load(), n_trials=100, only=only)
        modules = {m for s in sections() if s.name in r.results for m in s.assumptions}
        reg = am.assumptions()
        want = reg[reg["module"].isin(modules) & (reg["kind"] != "user input")]
        got = r.to_dict()["assumptions"]["models"]
        assert [m["name"] for m in got] == list(want["name"]), only
    # billing's and pricing's defaults are listed (they were left out before)
    names = {m["name"] for m in sc.estimate(sc.load(), n_trials=100).to_dict()[
        "assumptions"]["models"]}
    assert {"billing.backup_change_rate_per_day", "billing.reserved_discount_1y_partial_upfront",
            "billing.backtrack_records_per_write", "pricing.max_unit_price_usd"} <= names


def test_only_keeps_the_trials_and_renders():
    r = sc.estimate(sc.load(), n_trials=300, only=("durability",))
    assert r.n_trials == 300 and r.to_dict()["scenario"]["trials"] == 300
    assert list(r.results) == ["durability"]
    for fmt in sc.FORMATS:
        text = sc.render(r, fmt)
        assert "P(data loss in horizon), volume" in text or fmt == "json", fmt
    assert json.loads(sc.render(r, "json"))["scenario"]["trials"] == 300


def test_sobol_at_seed_zero_is_reproducible():
    from aurora_models.sensitivity import make, sobol

    d = [make(x, {"dist": "uniform", "low": 0, "high": 1}) for x in "abc"]

    def f(X):
        return np.column_stack([X[:, 0] + 3 * X[:, 1] * X[:, 2], X[:, 2] ** 2])

    a = sobol(f, d, outputs=["y", "z"], n=64, seed=0)
    b = sobol(f, d, outputs=["y", "z"], n=64, seed=0)
    assert a.table.equals(b.table)
    assert np.isfinite(a.table["ST_conf"]).all()


def test_user_errors_are_told_from_bugs_by_class_not_by_file():
    from aurora_models.cli import _user_error

    p = am.quorum.FailureModel.__params__["az_outage_hours"]
    with pytest.raises(am.ParameterValueError, match=r"`az_outage_hours` must be a number"):
        p.check(-1.0)
    with pytest.raises(am.ParameterTypeError):
        p.check("two")
    assert _user_error(am.ParameterValueError("`x` must be positive, got -1"))
    assert _user_error(am.BudgetError("too big")) == "too big"
    assert _user_error(ValueError("`x` must be positive, got -1")) is None  # a bug's
    # a check raised outside the validation modules is still a user error
    with pytest.raises(am.UserInputError):
        am.billing.Usage(region="us-east-1", engine="aurora-postgresql",
                         backtrack_window_hours=2.0)


def test_the_bill_reads_declared_inputs_only():
    """``billing.Usage`` restates no default: each field is a declaration, the scenario's own
    where the bill takes a scenario key."""
    from aurora_models._params import params_of

    usage = params_of(am.billing.Usage)
    spec = sc.spec()
    for key in ("backup_change_rate_per_day", "backup_retention_days", "reserved_term",
                "headroom", "storage"):
        table = next(t for t, kv in spec.items() if key in kv)
        assert usage[key].default == spec[table][key].default, key
        assert usage[key].rule() == spec[table][key].rule(), key
    with pytest.raises(am.ParameterValueError, match="`io_millions_per_month`"):
        am.billing.Usage(region="us-east-1", io_millions_per_month=float("nan"))
    with pytest.raises(am.ParameterValueError, match="`reserved_discount`"):
        am.billing.Usage(region="us-east-1", reserved_discount=1.5)
    with pytest.raises(am.ParameterValueError, match="`replicas`"):
        am.billing.Usage(region="us-east-1", replicas=-1)


def test_every_module_imports_first_in_a_fresh_interpreter():
    """No import cycle bites whichever module a user (or a worker) imports first."""
    import pkgutil

    names = [m.name for m in pkgutil.walk_packages(am.__path__, "aurora_models.")
             if not m.name.endswith(("__main__", "cli"))]
    code = ("import subprocess, sys\n"
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def fails(m):\n"
            "    return subprocess.run([sys.executable, '-c', f'import {m}'],\n"
            "                          capture_output=True).returncode != 0\n"
            "with ThreadPoolExecutor(4) as pool:\n"
            "    bad = [m for m, f in zip(sys.argv[1:], pool.map(fails, sys.argv[1:])) if f]\n"
            "print(' '.join(bad))")
    run = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert run.returncode == 0 and run.stdout.strip() == "", run.stdout + run.stderr
