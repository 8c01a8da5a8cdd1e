"""Tests of the price book and the AWS offer-file importer."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aurora_models import pricing
from aurora_models.data import dataset_path
from aurora_models.exceptions import DataError

FIXTURE = Path(__file__).parent / "fixtures" / "offer_file_rds_sample.csv"


@pytest.fixture(scope="module")
def pb():
    return pricing.load("us-east-1")


def test_us_east_1_published_prices(pb):
    # aurora_facts.md §3.4, §4.2, §4.3 (VALIDATION.md row 8)
    assert pb.region == "us-east-1" and pb.as_of == "2026-07-28"
    assert pb.acu_hour_usd() == 0.12 and pb.acu_hour_usd(io_optimized=True) == 0.16
    assert pb.storage_gb_month_usd() == 0.10
    assert pb.storage_gb_month_usd(io_optimized=True) == 0.225
    assert pb.io_per_million_usd == 0.20
    assert pb.backup_gb_month_usd == 0.021
    assert pb.global_write_io_per_million_usd == 0.20
    assert pb.instance_hour_usd("db.r6g.large") == 0.26
    assert pb.instance_hour_usd("db.r6g.xlarge", io_optimized=True) == pytest.approx(0.6747)
    # idle floor: 0.5 ACU x 730 h
    assert 0.5 * pb.acu_hour_usd() * 730 == pytest.approx(43.80)


def test_agrees_with_cited_published_rows(pb):
    from aurora_models.data import load_published_prices

    pub = load_published_prices().set_index("usage_type")["usd"]
    assert pb.acu_hour_usd() == pub["Aurora:ServerlessV2Usage"]
    assert pb.storage_gb_month_usd() == pub["Aurora:StorageUsage"]
    assert pb.io_per_million_usd == pub["Aurora:StorageIOUsage"]
    assert pb.backup_gb_month_usd == pub["Aurora:BackupUsage"]


def test_instance_classes_table(pb):
    classes = pb.instance_classes()
    assert list(classes.columns) == ["instance_class", "vcpu", "memory_gib", "usd_per_hour",
                                     "source", "confidence"]
    for fam in ("db.t4g.", "db.r6g.", "db.r7g.", "db.r8g."):
        assert classes["instance_class"].str.startswith(fam).any(), fam
    r6g = classes.set_index("instance_class").loc["db.r6g.xlarge"]
    assert (r6g["vcpu"], r6g["memory_gib"]) == (4, 32)
    assert classes["usd_per_hour"].is_monotonic_increasing
    assert pb.instance_acu("db.r6g.large") == 8.0
    assert pb.cheapest_instance_class(16.0) == "db.r6g.large"
    assert pb.cheapest_instance_class(18.0) == "db.r6g.xlarge"


def test_every_row_has_source_and_confidence(pb):
    frame = pricing.load("us-east-1").to_frame()
    assert {"item", "unit", "usd", "source", "confidence"} <= set(frame.columns)
    assert (frame["source"].str.len() > 10).all()
    assert set(frame["confidence"]) <= {"verified", "secondary", "assumption"}
    rds = frame[frame["item"].str.startswith("rds_")]
    assert len(rds) > 5 and (rds["confidence"] == "assumption").all()
    assert rds["source"].str.startswith("ASSUMPTION").all()


def test_rds_deployments(pb):
    single = pb.rds_instance_hour_usd("db.r6g.large")
    assert single == pytest.approx(0.85 * 0.26)
    assert pb.rds_instance_hour_usd("db.r6g.large", "multi-az-instance") == pytest.approx(2 * single)
    assert pb.rds_instance_hour_usd("db.r6g.large", "multi-az-cluster") == pytest.approx(3 * single)
    assert pb.rds_storage_gb_month_usd("multi-az-cluster") == pytest.approx(3 * 0.115)
    with pytest.raises(ValueError, match="`deployment` must be one of 'single-az'"):
        pb.rds_instance_hour_usd("db.r6g.large", "multi-az")


def test_unknown_region_and_class(pb):
    with pytest.raises(ValueError, match=r"`region` must be one of .*'eu-west-2'.*'us-east-1', "
                                         r"got 'mars-1'"):
        pricing.load("mars-1")
    with pytest.raises(ValueError, match=r"`instance_class` must be one of .*db\.r6g\.large.*"
                                         r"got 'db\.x9\.huge'"):
        pb.instance_hour_usd("db.x9.huge")
    with pytest.raises(TypeError, match="`io_optimized` must be True or False"):
        pb.acu_hour_usd(io_optimized="yes")


def test_partial_region_reports_missing_items():
    eu1 = pricing.load("eu-west-1")
    assert eu1.acu_hour_usd() == 0.14
    with pytest.raises(pricing.MissingPriceError, match="no 'storage_gb_month' row"):
        eu1.storage_gb_month_usd()
    assert "instance_hour" in eu1.missing_items()
    ca = pricing.load("ca-central-1")
    assert ca.instance_hour_usd("db.r6g.large") == 0.286
    with pytest.raises(pricing.MissingPriceError, match="acu_hour"):
        ca.acu_hour_usd()
    filled = pricing.load("eu-west-2", fallback="us-east-1")
    assert filled.acu_hour_usd() == 0.14  # own row wins
    assert filled.io_per_million_usd == 0.20  # filled, and flagged
    row = filled.to_frame().query("item == 'io_per_million'").iloc[0]
    assert row["confidence"] == "assumption" and row["source"].startswith("FALLBACK from us-east-1")


def _copy_snapshot(tmp_path) -> Path:
    dst = tmp_path / "book.csv"
    shutil.copy(dataset_path("aurora_price_book"), dst)
    return dst


def test_snapshot_errors_name_file_and_line(tmp_path):
    path = _copy_snapshot(tmp_path)
    text = path.read_text().splitlines()
    text[2] = text[2].replace(",0.16,", ",-0.16,")
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(DataError, match=r"book\.csv, line 3: column 'usd' must be non-negative"):
        pricing.load(path=path)
    path.write_text(text[0].replace("confidence", "conf") + "\n")
    with pytest.raises(DataError, match="missing column.*'confidence'"):
        pricing.load(path=path)


def test_with_price_and_negative(pb):
    assert pb.with_price("instance_hour", 1.0, instance_class="db.r6g.large") \
        .instance_hour_usd("db.r6g.large") == 1.0
    with pytest.raises(ValueError, match="`usd` must be non-negative, got -1.0"):
        pb.with_price("acu_hour", -1.0)


# -- offer-file importer ------------------------------------------------------------------


def test_import_offer_file_us_east_1(tmp_path):
    out = tmp_path / "snap.csv"
    snap = pricing.import_offer_file(FIXTURE, "us-east-1", output_path=out)
    got = snap.set_index(["item", "instance_class"])["usd"]
    assert got[("acu_hour", "")] == 0.12
    assert got[("acu_hour_io_optimized", "")] == 0.16
    assert got[("io_per_million", "")] == pytest.approx(0.20)  # 2e-7 per I/O
    assert got[("global_write_io_per_million", "")] == pytest.approx(0.20)
    assert got[("instance_hour", "db.r6g.large")] == 0.26  # OnDemand, not the Reserved 0.05
    assert got[("rds_instance_hour", "db.r6g.large")] == 0.215  # MySQL single-AZ only
    assert got[("io_optimized_instance_premium", "")] == 1.3
    assert ("instance_hour", "db.r7g.xlarge") in got.index
    assert len(snap) == 11  # Oracle, Multi-AZ, Reserved and eu-west-2 rows skipped
    assert (snap["confidence"] == "verified").all()
    pb = pricing.load("us-east-1", path=out)
    assert pb.as_of == "2026-04-28"
    assert pb.instance_classes().set_index("instance_class").loc["db.r7g.xlarge", "memory_gib"] == 32
    assert "rds_storage_gb_month" in pb.missing_items()


def _with_rows(tmp_path, edits):
    """The fixture with edited copies of its rows (found by usageType and engine) first."""
    import csv
    import io

    lines = FIXTURE.read_text().splitlines()
    header = next(csv.reader([lines[5]]))
    rows = list(csv.reader(lines[6:]))
    extra = []
    for (usage, engine), changes in edits:
        row = next(r for r in rows if r[header.index("usageType")] == usage
                   and r[header.index("Database Engine")] == engine
                   and r[header.index("TermType")] == "OnDemand")
        row = list(row)
        for key, value in changes.items():
            row[header.index(key)] = value
        extra.append(row)
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(extra)
    path = tmp_path / "edited.csv"
    # before the original rows, so a first-match importer would take the edited ones
    path.write_text("\n".join(lines[:6]) + "\n" + buf.getvalue() + "\n".join(lines[6:]) + "\n")
    return path


def test_import_offer_file_skips_rather_than_guesses(tmp_path):
    gdb = ("Aurora:GlobalDatabaseReplicatedWriteIO", "Aurora MySQL")
    inst = ("InstanceUsage:db.r7g.xlarge", "Aurora MySQL")
    path = _with_rows(tmp_path, [
        # a second Global Database I/O row with another price: which is the write I/O? skip
        (gdb, {"usageType": "Aurora:GlobalDatabaseOtherIO", "PricePerUnit": "0.0000001000"}),
        # an I/O-Optimized instance whose usage type is the Standard one, told by an attribute
        (inst, {"PricePerUnit": "0.7190000000", "Storage": "Aurora IO Optimization Mode"}),
        # a Global Database row in GB, and an ACU row priced per hour: wrong units
        (gdb, {"Unit": "GB"}),
        (("Aurora:BackupUsage", "Any"), {"Unit": "Hrs"}),
    ])
    snap = pricing.import_offer_file(path, "us-east-1")
    got = snap.set_index(["item", "instance_class"])["usd"]
    assert ("global_write_io_per_million", "") not in got.index
    assert got[("instance_hour", "db.r7g.xlarge")] == 0.553  # never the I/O-Optimized 0.719
    assert got[("io_optimized_instance_premium", "")] == pytest.approx(
        np.median([0.338 / 0.26, 0.719 / 0.553]), abs=1e-4)
    assert got[("backup_gb_month", "")] == 0.021  # the well-formed row still counts
    reasons = snap.attrs["skipped"].set_index("line")["reason"]
    assert reasons.str.contains("ambiguous: 2 different global_write_io_per_million").sum() == 2
    assert reasons.str.contains("unit 'GB', not 'IOs'").sum() == 1
    assert reasons.str.contains(r"unit 'Hrs' for backup_gb_month").sum() == 1
    assert reasons.str.contains("engine 'Oracle'").sum() == 1
    # the unedited fixture: only the expected skips, each with a reason
    plain = pricing.import_offer_file(FIXTURE, "us-east-1").attrs["skipped"]
    assert sorted(plain["engine"]) == ["Aurora PostgreSQL", "Aurora PostgreSQL", "MySQL", "Oracle"]


def test_import_offer_file_other_region():
    snap = pricing.import_offer_file(FIXTURE, "eu-west-2")
    assert sorted(zip(snap["item"], snap["usd"], strict=True)) == [("acu_hour", 0.14),
                                                                    ("instance_hour", 0.29)]


def test_import_offer_file_bad_files(tmp_path):
    lines = FIXTURE.read_text().splitlines()
    header = lines[5].split('","')
    drop = header.index("PricePerUnit")
    bad = tmp_path / "nocol.csv"
    kept = '","'.join(h for i, h in enumerate(header) if i != drop)
    bad.write_text("\n".join([*lines[:5], kept]) + "\n")
    with pytest.raises(DataError, match=r"line 6: missing column\(s\) 'PricePerUnit'"):
        pricing.import_offer_file(bad, "us-east-1")
    nometa = tmp_path / "nometa.csv"
    nometa.write_text("\n".join(lines[5:]) + "\n")
    with pytest.raises(DataError, match="OfferCode must be 'AmazonRDS'|5 metadata rows"):
        pricing.import_offer_file(nometa, "us-east-1")
    price = tmp_path / "price.csv"
    broken = lines[7].replace('"0.1200000000"', '"n/a"')
    price.write_text("\n".join([*lines[:7], broken, *lines[8:]]) + "\n")
    with pytest.raises(DataError, match=r"price\.csv, line 8: column 'PricePerUnit': 'n/a'"):
        pricing.import_offer_file(price, "us-east-1")


def test_io_optimized_break_even(pb):
    f = pricing.io_optimized_break_even_share
    # compute-dominated: (m - 1) / m
    assert f(pb, compute_usd_per_month=1e6, storage_gb=0, serverless=True) == pytest.approx(0.25)
    assert f(pb, compute_usd_per_month=1e6, storage_gb=0) == pytest.approx(0.3 / 1.3)
    # storage-dominated: (p' - p) / p'
    assert f(pb, compute_usd_per_month=0, storage_gb=1.0) == pytest.approx(0.125 / 0.225)
    # at the break-even I/O spend the two bills are equal
    c, s = 500.0, 2000.0
    x = f(pb, compute_usd_per_month=c, storage_gb=s)
    total_std = (c + s * 0.10) / (1 - x)
    assert total_std == pytest.approx(1.3 * c + 0.225 * s)
    with pytest.raises(ValueError, match="`storage_gb` must be non-negative, got -1"):
        f(pb, compute_usd_per_month=1.0, storage_gb=-1)
    with pytest.raises(TypeError, match="`price_book` must be a PriceBook"):
        f(pd.DataFrame(), compute_usd_per_month=1.0, storage_gb=1)
