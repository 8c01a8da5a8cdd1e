"""One declaration per parameter: everything derived from it agrees, and nothing else declares."""

import io
import json
import math
import re
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aurora_models as am
from aurora_models import scenario as sc
from aurora_models._params import _DECLARED, Param, check_batch, params_of
from aurora_models._registry import scenario_params
from aurora_models.scenario._schema import json_schema, keys_markdown, schema_text, update_docs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_committed_schema_and_docs_are_derived_from_the_declarations():
    assert (DOCS / "scenario.schema.json").read_text(encoding="utf-8") == schema_text(), \
        "stale: run `aurora-models scenario schema > docs/scenario.schema.json`"
    assert update_docs(DOCS / "scenario_format.md", check=True), \
        "stale: run `aurora-models scenario docs --update docs/scenario_format.md`"
    for table, keys in scenario_params().items():
        for key, p in keys.items():
            assert f"`{table}.{key}` | {p.rule()}" in keys_markdown()


def test_bundled_scenario_and_template_validate_against_the_schema():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for text in (sc.template_text(), sc.default_path().read_text(encoding="utf-8")):
        jsonschema.validate(tomllib.loads(text), schema)


@pytest.mark.parametrize("old,new", [
    ("replicas = 2", "replcas = 2"),             # a typo'd key
    ("[failures]", "[failure]"),                  # a typo'd table
    ("replicas = 2", "replicas = 16"),            # out of range
    ("volume_gib = 200", "volume_gib = 200000"),  # above 128 TiB
    ('engine = "postgresql"', 'engine = "oracle"'),
])
def test_schema_refuses_what_the_loader_refuses(old, new):
    text = sc.template_text().replace(old, new)
    assert text != sc.template_text()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(tomllib.loads(text), json_schema())
    with pytest.raises(sc.ScenarioError):
        sc.loads(text)


def test_scenario_keys_come_from_the_model_declarations():
    spec = sc.spec()
    assert spec["failures"]["az_outage_hours"] is am.quorum.FailureModel.__params__[
        "az_outage_hours"]
    assert spec["cluster"]["max_acu"] is am.serverless.ScalingPolicy.__params__["max_acu"]
    assert spec["cluster"]["replicas"].high == am.availability.MAX_REPLICAS
    assert spec["cluster"]["volume_gib"].high == am.quorum.MAX_VOLUME_GIB
    assert spec["cluster"]["max_acu"].high == 256.0
    frame = am.assumptions()
    row = frame.set_index("name").loc["quorum.az_outage_hours"]
    assert row["scenario_key"] == "failures.az_outage_hours" and row["range"] == "a number in [0.01, 720]"
    assert set(frame["kind"]) <= {"cited", "fitted", "assumption", "user input"}


LIMITS = {  # each limit and constant is defined once in the package source
    "15 replicas": r"^MAX_REPLICAS = 15\b",
    "128 TiB": r"^MAX_VOLUME_GIB = 128 \* 1024\b",
    "256 ACU": r"MAX_ACU_LIMIT = register\(\"serverless.max_acu_limit\", 256\.0",
    "10 secondaries": r"\"global_db.max_secondary_regions\", 10,",
    "730 hours a month": r"\"units\.hours_per_month\", 730\.0,",
    "525,600 minutes a year": r"^MINUTES_PER_YEAR\s*=",  # units: HOURS_PER_YEAR * 60
    "10,000,000 trials": r"trials: int = param\([^)]*high=10_000_000\b",
    "copy AFR 0.0157/year": r"^\s+0\.0157, \"1/year\", low=",  # FailureModel's param
    "AZ outage 2 h": r"^    az_outage_hours: float = param\(\s*2\.0, \"hours\"",
}


def _code(text: str) -> str:
    """``text`` with its strings and comments blanked: the literals code could check with
    (a docstring's or a comment's mention of a figure is no second definition)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out, last = [], 0
    blank = {tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in blank:
            a = starts[tok.start[0] - 1] + tok.start[1]
            b = starts[tok.end[0] - 1] + tok.end[1]
            kept = "\n" * tok.string.count("\n")  # line numbers stay those of the file
            out += [text[last:a], ('""' if tok.type == tokenize.STRING else "") + kept]
            last = b
    return "".join(out) + text[last:]


@pytest.mark.parametrize("limit", sorted(LIMITS))
def test_every_limit_has_one_definition(limit):
    sources = {p: p.read_text(encoding="utf-8") for p in (ROOT / "aurora_models").rglob("*.py")}
    hits = [p for p, text in sources.items() if re.search(LIMITS[limit], text, re.M)]
    assert len(hits) == 1, (limit, hits)
    # ... and no second literal of it in code (where the definition is the literal itself, that
    # one occurrence only). Uses read the definition: units.MINUTES_PER_YEAR,
    # RunSettings.__params__["trials"], FailureModel.__params__[...].default.
    literal, own = {
        "15 replicas": (r"check_int_range\([^)]*, 15\)", 0),
        "128 TiB": (r"\b(131_?072|262_?144)\b", 0),
        "256 ACU": (r"(check_range|high=)[^)\n]*\b256(\.0)?\b", 0),
        "10 secondaries": (r"check_int_range\([^)]*, (5|10)\)", 0),
        "730 hours a month": (r"\b730(\.0)?\b", 1),
        "525,600 minutes a year": (r"\b525_?600(\.0)?\b", 0),
        "10,000,000 trials": (r"\b10_?000_?000\b", 1),
        "copy AFR 0.0157/year": (r"\b0\.0157\b", 1),
        "AZ outage 2 h": (r"az_outage_hours\b[^=\n]*=\s*2(\.0)?\b", 0),
    }[limit]
    code = {p.relative_to(ROOT).as_posix(): _code(text) for p, text in sources.items()}
    found = [(p, text.count("\n", 0, m.start()) + 1)
             for p, text in code.items() for m in re.finditer(literal, text)]
    assert len(found) == own, (limit, found)


def test_six_secondaries_run_and_oversized_volume_is_refused_at_load():
    six = ["eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1", "ap-northeast-1",
           "us-west-2"]
    s = sc.load().replace(regions__secondaries=six, scenario__trials=200)
    doc = sc.estimate(s).to_dict()
    assert [x["secondary"] for x in doc["global_database"]["secondaries"]] == six
    assert doc["cost"]["options"][0]["replicated_io_usd"] > 0
    text = sc.template_text().replace("volume_gib = 200", "volume_gib = 200000")
    with pytest.raises(sc.ScenarioError, match=r"^x.toml:\d+: `cluster.volume_gib` must be a "
                                               r"number in \[1, 131,072\], got 200000"):
        sc.loads(text, source="x.toml")


def test_scenario_is_immutable_and_replace_validates():
    s = sc.load()
    with pytest.raises(TypeError):
        s["cluster"]["replicas"] = 99
    with pytest.raises(TypeError):
        s.values["cluster"] = {}
    with pytest.raises(AttributeError):
        s.source = "x"
    assert isinstance(s["regions"]["secondaries"], tuple)
    with pytest.raises(sc.ScenarioError, match=r"`cluster.replicas` must be an integer in \[0, 15\]"):
        s.replace(cluster__replicas=99)
    with pytest.raises(sc.ScenarioError, match=r"`cluster.min_acu` must be at most"):
        s.replace(cluster__min_acu=64, cluster__max_acu=32)
    assert s.replace(cluster__replicas=3)["cluster"]["replicas"] == 3
    assert s["cluster"]["replicas"] == 2


def test_a_rule_reads_the_same_in_the_api_and_in_a_file():
    with pytest.raises(ValueError, match=r"^`min_acu` must be at most `max_acu` \(4\), got 8$"):
        am.serverless.ScalingPolicy(min_acu=8, max_acu=4)
    text = sc.template_text().replace("min_acu = 0.5", "min_acu = 200")
    with pytest.raises(sc.ScenarioError, match=r":\d+: `cluster.min_acu` must be at most "
                                               r"`cluster.max_acu` \(128\), got 200$"):
        sc.loads(text, source="x.toml")


def test_unknown_key_gets_a_did_you_mean():
    text = sc.template_text().replace("noise_cv", "noise_vc")
    with pytest.raises(sc.ScenarioError, match=r"did you mean `workload.noise_cv`\?"):
        sc.loads(text)


def test_batch_validation_names_the_row():
    cols = check_batch(am.quorum.FailureModel, az_outage_hours=[1.0, 2.0, 4.0],
                       copy_failure_rate_per_year=0.02)
    assert cols["copy_failure_rate_per_year"].tolist() == [0.02] * 3
    with pytest.raises(ValueError, match=r"`max_acu` must be a number in \[1, 256\], a multiple "
                                         r"of 0.5, got 0.7 at index 2"):
        check_batch(am.serverless.ScalingPolicy, max_acu=[2.0, 3.5, 0.7])
    with pytest.raises(ValueError, match="share one length"):
        check_batch(am.quorum.FailureModel, az_outage_hours=[1.0, 2.0], detection_s=[1, 2, 3])


def _constructs(cls) -> bool:
    try:
        cls()
    except (TypeError, ValueError):  # a required figure without default (DemandModel's rates)
        return False
    return True


def _numeric_params():
    am.assumptions()  # imports every model module, so every declaration is registered
    return [(cls, p) for cls in _DECLARED if _constructs(cls) for p in params_of(cls).values()
            if p.type in ("real", "int") and p.default is not None]


def _inside(p: Param):
    lo = p.low if p.low is not None else -1e6
    hi = p.high if p.high is not None else lo + 1e6
    if p.type == "int":
        return st.integers(math.ceil(lo) + p.low_open, int(hi) - p.high_open)
    x = st.floats(lo, hi, exclude_min=p.low_open, exclude_max=p.high_open, allow_nan=False)
    return x.map(lambda v: round(v / p.step) * p.step) if p.step else x


@pytest.mark.parametrize(("cls", "p"), _numeric_params(), ids=lambda x: getattr(x, "qualname",
                                                                                   None))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_declared_range_is_what_construction_accepts(cls, p, data):
    """Hypothesis strategies from the declaration: inside the range constructs (when the
    parameter's own rule allows it alone), outside names the parameter."""
    value = data.draw(_inside(p))
    try:
        obj = cls(**{p.name: value})
    except ValueError as exc:  # a cross-key rule with the other defaults, never this range
        assert "must be at most" in str(exc) or "must exceed" in str(exc), exc
    else:
        assert getattr(obj, p.name) == pytest.approx(value)
    outside = [x for x in (
        (p.low - 1 if p.low_open is False else p.low) if p.low is not None else None,
        (p.high * 2 + 1 if not p.allow_inf else None) if p.high is not None else None,
        math.nan, "1", True) if x is not None]
    bad = data.draw(st.sampled_from(outside))
    with pytest.raises((TypeError, ValueError), match=rf"^`{p.name}` must be"):
        cls(**{p.name: bad})


def test_estimate_imports_no_heavy_module():
    code = ("import sys, io, contextlib\n"
            "from aurora_models import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert cli.main(['estimate', '--format', 'table', '--trials', '200']) == 0\n"
            "print(sorted(m for m in ('scipy.optimize', 'networkx', 'matplotlib', 'numba') "
            "if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert json.loads(out.stdout.replace("'", '"')) == []


def test_importing_the_package_evaluates_no_model():
    code = ("import sys, aurora_models as am\n"
            "am.assumptions()\n"
            "print(sorted(m for m in ('scipy.optimize', 'scipy.integrate', 'networkx', "
            "'matplotlib') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert json.loads(out.stdout.replace("'", '"')) == []


def test_every_declared_assumption_or_fitted_number_has_a_distribution():
    """Each ``param(...)`` of kind assumption or fitted with a numeric range carries an
    uncertainty distribution inside its range, with a rationale; the exceptions are structural
    choices (an integer count of AZs) and the scenario keys whose spread would change the
    scenario analysis' inputs (listed here, decided apart)."""
    from aurora_models.sensitivity import distributions, make

    am.assumptions()
    structural = {"quorum.max_azs_down"}
    scenario_keys_left = {"billing.backup_change_rate_per_day", "billing.backup_retention_days",
                          "serverless.headroom"}
    missing = []
    for cls in _DECLARED:
        for p in params_of(cls).values():
            if not p.registered:  # its default is a register() entry (checked below) or no claim
                continue
            if p.uncertainty:
                make(p.qualname, dict(p.uncertainty), lower=p.low, upper=p.high)
                assert len(p.uncertainty.get("rationale", "")) > 15, p.qualname
            elif (p.kind in ("assumption", "fitted") and p.type in ("real", "int")
                  and p.qualname not in structural | scenario_keys_left):
                missing.append(p.qualname)
    assert not missing
    # only scenario keys are sampled by the scenario analysis
    assert all("." in k and k.split(".")[0] in sc.spec() for k in distributions(sc.load()))


def test_registered_distributions_are_valid_and_listed():
    """``register(..., uncertainty=...)`` (defaults that are not ``param`` s: the recovery
    timeline, vCPU per ACU, the reserved-term discounts, the degradation episodes) gives a valid
    distribution containing the default, listed by assumptions(); so does the distribution of a
    default that moved onto its ``param`` (the Global Database link fits, the retry interval)."""
    from aurora_models._assumptions import REGISTERED_UNCERTAINTY
    from aurora_models.sensitivity import make

    frame = am.assumptions().set_index("name")
    declared = {p.qualname: p.uncertainty for cls in _DECLARED for p in params_of(cls).values()
                if p.uncertainty and p.registered}
    moved = {"global_db.link_bandwidth_bytes_per_s", "global_db.apply_bytes_per_s",
             "global_db.batch_interval_ms", "global_db.redo_bytes_per_write",
             "availability.retry_interval_s"}
    want = {"global_db.promote_s", "global_db.degradation_rate_per_hour",
            "billing.reserved_discount_1y_partial_upfront", "serverless.vcpu_per_acu"}
    assert want <= set(REGISTERED_UNCERTAINTY) and moved <= set(declared)
    assert not moved & set(REGISTERED_UNCERTAINTY)  # one declaration of each
    for name, spec in {**REGISTERED_UNCERTAINTY, **{n: declared[n] for n in moved}}.items():
        d = make(name, dict(spec))
        lo, hi = d.ppf(0.0), d.ppf(0.9995)
        assert lo <= frame.loc[name, "value"] <= hi, name
        assert frame.loc[name, "uncertainty"].startswith(spec["dist"]), name
    with pytest.raises(ValueError, match="rationale"):
        am._assumptions.register("x.y", 1.0, "-", rationale="r", uncertainty={"dist": "uniform"})


def test_replaced_checks_what_changed_like_a_full_replace():
    """_params.replaced (the batch forms' per-vector copy) equals dataclasses.replace and
    refuses what it refuses: a bad field, a broken cross-field rule, an unknown field."""
    import dataclasses

    from aurora_models._params import replaced
    from aurora_models.quorum import FailureModel
    from aurora_models.serverless import ScalingPolicy

    fm = FailureModel()
    assert replaced(fm, az_outage_hours=3.0) == dataclasses.replace(fm, az_outage_hours=3.0)
    with pytest.raises(ValueError, match="az_outage_hours"):
        replaced(fm, az_outage_hours=-1.0)
    pol = ScalingPolicy(min_acu=0.5, max_acu=64)
    assert replaced(pol, scale_up_delay_s=7.0) == dataclasses.replace(pol, scale_up_delay_s=7.0)
    with pytest.raises(ValueError, match="min_acu"):
        replaced(pol, min_acu=100.0)
    with pytest.raises(TypeError, match="no field"):
        replaced(pol, nonsense=1.0)
