"""Tests of the data layer: every bundled data set loads and is what its provenance file says;
malformed files give a DataError naming the file and line; data load from an installed wheel."""

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aurora_models import DataError, data

ROOT = Path(__file__).resolve().parents[1]


def test_catalog_entries_exist_with_provenance():
    frame = data.list_datasets()
    assert list(frame.columns) == ["name", "path", "description", "source", "date", "licence",
                                   "provenance"]
    for row in frame.itertuples():
        path = data.data_root() / row.path
        assert path.is_file(), row.path
        assert path.with_suffix(".md").is_file(), f"{row.path} has no provenance file"
        assert row.source and row.licence and row.date


def test_every_data_file_is_catalogued_and_documented():
    root = ROOT / "data"
    catalogued = {entry["path"] for entry in tomllib.loads((root / "catalog.toml").read_text()).values()}
    for f in root.rglob("*"):
        if f.is_file() and f.suffix != ".md" and f.name != "catalog.toml":
            assert f.with_suffix(".md").is_file(), f"{f} has no provenance file"
            assert str(f.relative_to(root)) in catalogued, f"{f} is not in data/catalog.toml"


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(ValueError, match="`name` must be one of .*'interregion_rtt'.*got 'nope'"):
        data.dataset_path("nope")
    with pytest.raises(ValueError, match="`name` must be one of 'elb_request_count'"):
        data.load_trace("nope")


# --- good input: the claims of the provenance files -------------------------------------------


def test_interregion_rtt_is_square_positive_and_near_symmetric():
    rtt = data.load_interregion_rtt()
    assert rtt.shape == (32, 32)
    assert list(rtt.index) == list(rtt.columns)
    values = rtt.to_numpy()
    assert (values > 0).all()
    asym = np.abs(values - values.T)[np.triu_indices(32, 1)]
    assert float(np.median(asym)) < 2.0  # provenance: median |A->B - B->A| about 1.3 ms
    assert float(asym.max()) < 15.0
    assert float(rtt.loc["us-east-1", "eu-west-1"]) == pytest.approx(69.6, abs=0.1)


def test_inter_az_latency():
    lat = data.load_inter_az_latency()
    assert len(lat) == 8
    cross = lat[~lat["same_az"] & lat["value_ms"].notna()]
    assert (cross["value_ms"] < 10).all()  # "single-digit millisecond"
    same = lat[lat["same_az"] & lat["value_ms"].notna()]
    assert float(same["value_ms"].max()) < float(cross["value_ms"].min())


def test_drive_afr():
    years = data.load_drive_afr("year")
    assert list(years["period"]) == [str(y) for y in range(2016, 2025)]
    assert years["afr"].between(0.005, 0.03).all()
    row = years.set_index("period").loc["2024"]
    assert row["failures"] == 4372 and row["drives_in_analysis"] == 298054
    assert len(data.load_drive_afr()) == 25
    with pytest.raises(ValueError, match="`period_type` must be one of"):
        data.load_drive_afr("decade")


def test_az_incidents_match_provenance_summary():
    inc = data.load_az_incidents()
    assert len(inc) == 62
    assert int(inc["mentions_power"].sum()) == 18
    per_year = inc["first_post_utc"].dt.year.value_counts().sort_index().to_dict()
    assert per_year == {2018: 7, 2019: 11, 2020: 18, 2021: 16, 2022: 9, 2023: 1}
    assert inc.attrs["window_years"] == pytest.approx(4.93, abs=0.01)


def test_published_prices():
    p = data.load_published_prices()
    assert set(p["confidence"]) == {"secondary"}
    assert p.set_index("usage_type")["usd"].to_dict() == {
        "Aurora:ServerlessV2Usage": 0.12, "Aurora:StorageUsage": 0.10,
        "Aurora:StorageIOUsage": 0.20, "Aurora:BackupUsage": 0.021}


@pytest.mark.parametrize(("name", "rows", "gaps"), [
    ("elb_request_count", 4032, 8), ("nyc_taxi_30min", 10320, 0), ("rds_cpu_utilization", 4032, 1)])
def test_traces_load_with_gaps_reported(name, rows, gaps):
    s = data.load_trace(name)
    assert isinstance(s.index, pd.DatetimeIndex) and s.index.is_monotonic_increasing
    assert len(s) == rows and s.attrs["gaps"] == gaps and s.attrs["filled"] == 0
    assert (s >= 0).all() and s.notna().all()


def test_gap_filling_is_explicit_and_exact():
    raw = data.load_trace("elb_request_count")
    for method in ("interpolate", "ffill", "zero"):
        s = data.load_trace("elb_request_count", fill_gaps=method)
        assert len(s) == len(raw) + 8 and s.attrs["filled"] == 8
        assert data.trace_gaps(s).count == 0
        # Original samples are untouched.
        pd.testing.assert_series_equal(s.reindex(raw.index), raw, check_names=False,
                                       check_freq=False)
    zero = data.load_trace("elb_request_count", fill_gaps="zero")
    assert int((zero == 0).sum()) == 8
    with pytest.raises(ValueError, match="`fill_gaps` must be one of"):
        data.load_trace("elb_request_count", fill_gaps="mean")


def test_gap_table_lists_each_gap():
    gaps = data.trace_gaps(data.load_trace("rds_cpu_utilization"))
    assert gaps.count == 1 and gaps.missing_samples == 1
    assert (gaps.table["before"] - gaps.table["after"]).iloc[0] == pd.Timedelta("10min")


# --- malformed input --------------------------------------------------------------------------


def write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        data.load_interregion_rtt(tmp_path / "nope.csv")


def test_rtt_missing_column(tmp_path):
    path = write(tmp_path, """
        from_region,to_region,latency
        a,b,1.0
        """)
    with pytest.raises(DataError, match=r"bad\.csv, line 1: missing column\(s\) 'p50_ms'"):
        data.load_interregion_rtt(path)


def test_rtt_bad_number_names_the_line(tmp_path):
    path = write(tmp_path, """
        from_region,to_region,p50_ms
        a,a,1.0
        a,b,fast
        """)
    with pytest.raises(DataError, match=r"bad\.csv, line 3: column 'p50_ms': 'fast' is not a valid float"):
        data.load_interregion_rtt(path)


def test_rtt_negative_and_incomplete(tmp_path):
    path = write(tmp_path, """
        from_region,to_region,p50_ms
        a,a,1.0
        a,b,-5
        """)
    with pytest.raises(DataError, match=r"line 3: column 'p50_ms': latency must be in \(0, 2000\) ms"):
        data.load_interregion_rtt(path)
    path = write(tmp_path, """
        from_region,to_region,p50_ms
        a,a,1.0
        a,b,5
        b,b,1.0
        """, name="incomplete.csv")
    with pytest.raises(DataError, match=r"incomplete\.csv: pair \('b', 'a'\) is missing"):
        data.load_interregion_rtt(path)
    path = write(tmp_path, """
        from_region,to_region,p50_ms
        a,a,1.0
        a,a,2.0
        """, name="dup.csv")
    with pytest.raises(DataError, match=r"dup\.csv, line 3: duplicate"):
        data.load_interregion_rtt(path)


def test_trace_problems_name_the_line(tmp_path):
    cases = {
        "unsorted": ("2014-01-01 00:05:00,1\n2014-01-01 00:00:00,2\n", "line 3: timestamps must be in increasing order"),
        "duplicate": ("2014-01-01 00:00:00,1\n2014-01-01 00:00:00,2\n", "line 3: duplicate timestamp"),
        "nan": ("2014-01-01 00:00:00,1\n2014-01-01 00:05:00,nan\n", "line 3: column 'value': 'nan' is not a valid float"),
        "inf": ("2014-01-01 00:00:00,1\n2014-01-01 00:05:00,inf\n", "line 3: column 'value' must be finite"),
        "blank": ("2014-01-01 00:00:00,1\n2014-01-01 00:05:00,\n", r"line 3: column 'value': '' is not a valid float \(blank not allowed\)"),
        "negative": ("2014-01-01 00:00:00,-1\n2014-01-01 00:05:00,2\n", "line 2: column 'value' must be non-negative"),
        "badtime": ("2014-01-01 00:00:00,1\nyesterday,2\n", "line 3: column 'timestamp': 'yesterday' is not a valid datetime"),
    }
    for label, (body, message) in cases.items():
        path = tmp_path / f"{label}.csv"
        path.write_text("timestamp,value\n" + body)
        with pytest.raises(DataError, match=message):
            data.load_trace("elb_request_count", path=path)


def test_other_loaders_reject_malformed_rows(tmp_path):
    path = write(tmp_path, """
        period,period_type,afr_percent,drives_in_analysis,drive_days,failures,source_url
        2024,year,157,,,,x
        """)
    with pytest.raises(DataError, match=r"line 2: column 'afr_percent' must be a percentage"):
        data.load_drive_afr(path=path)
    path = write(tmp_path, """
        first_post_utc,region_label,region_code,services_posted,mentions_power
        2018-05-15T15:12Z,N. Virginia,us-east-1,2,3
        """, name="inc.csv")
    with pytest.raises(DataError, match=r"inc\.csv, line 2: column 'mentions_power' must be 0 or 1"):
        data.load_az_incidents(path=path)
    path = write(tmp_path, """
        source_id,published,region,endpoint_a,endpoint_b,statistic,value_ms,method,note
        x,2014,r,a,b,mean,,ping,
        """, name="az.csv")
    with pytest.raises(DataError, match=r"az\.csv, line 2: column 'value_ms': blank is allowed only"):
        data.load_inter_az_latency(path=path)
    path = write(tmp_path, """
        region,item,usage_type,unit,usd,as_of,source,corroborating_source,confidence
        us-east-1,x,y,z,0.1,2026,s,,guess
        """, name="prices.csv")
    with pytest.raises(DataError, match=r"line 2: column 'confidence' must be 'verified' or 'secondary'"):
        data.load_published_prices(path=path)


def test_integer_columns_reject_fractions(tmp_path):
    path = write(tmp_path, """
        first_post_utc,region_label,region_code,services_posted,mentions_power
        2018-05-15T15:12Z,N. Virginia,us-east-1,2.5,0
        """)
    with pytest.raises(DataError, match=r"line 2: column 'services_posted': '2.5' is not a valid int"):
        data.load_az_incidents(path=path)


# --- the installed wheel ----------------------------------------------------------------------


@pytest.mark.slow
def test_data_load_from_an_installed_wheel(tmp_path):
    """Build the wheel, install it into a fresh virtual environment outside the repository, load
    every data set and run the bundled scenario there (dependencies come from the test
    environment via a .pth file)."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(wheels), str(ROOT)], check=True)
    wheel = next(wheels.glob("aurora_arch_models-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Unpack the wheel (what pip does for a pure-Python wheel) without network or pip in the venv.
    import zipfile

    zipfile.ZipFile(wheel).extractall(site)
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "_test_deps.pth").write_text("\n".join(deps) + "\n")
    code = textwrap.dedent("""
        import aurora_models, aurora_models.data as d, pathlib
        root = d.data_root()
        assert "site-packages" in str(root) and root.name == "_data", root
        names = list(d.list_datasets()["name"])
        d.load_interregion_rtt(); d.load_inter_az_latency(); d.load_drive_afr()
        d.load_az_incidents(); d.load_published_prices()
        for t in d.TRACES: d.load_trace(t)
        for n in names: assert d.dataset_path(n).is_file(), n
        # The bundled scenario ships in the wheel too: the main job runs from an install.
        import contextlib, io, json
        from aurora_models import cli
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert cli.main(["estimate", "--format", "json", "--trials", "200"]) == 0
        assert json.loads(buf.getvalue())["schema_version"]
        print(len(names), pathlib.Path(aurora_models.__file__).parent)
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([py, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    count, location = out.stdout.split()
    assert int(count) == len(data.list_datasets())
    assert str(tmp_path) in location  # imported from the wheel, not the checkout
