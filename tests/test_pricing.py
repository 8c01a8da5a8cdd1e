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


DATED = dataset_path("aurora_price_book")  # the older hand-compiled us-east-1 capture


def test_us_east_1_anchors(pb):
    # AWS price list of 2025-12-05 (data/pricing/aurora_prices_multiregion.md, anchor table)
    assert (pb.region, pb.engine, pb.as_of) == ("us-east-1", "aurora-mysql", "2025-12-06")
    assert pb.acu_hour_usd() == 0.12 and pb.acu_hour_usd(io_optimized=True) == 0.16
    assert pb.storage_gb_month_usd() == 0.10
    assert pb.storage_gb_month_usd(io_optimized=True) == 0.225
    assert pb.io_per_million_usd == 0.20
    assert pb.backup_gb_month_usd == 0.021
    assert pb.global_write_io_per_million_usd == 0.20
    assert pb.backtrack_per_million_usd == 0.012
    assert pb.snapshot_export_gb_usd == 0.01
    assert pb.data_transfer_out_internet_gb_usd == 0.09
    assert pb.instance_hour_usd("db.r6g.large") == 0.26
    assert pb.instance_hour_usd("db.r6g.large", io_optimized=True) == 0.338
    assert pb.io_optimized_instance_premium == pytest.approx(1.3, abs=0.005)
    assert pb.rds_instance_hour_usd("db.r6g.large") == 0.215
    assert pb.rds_instance_hour_usd("db.r6g.large", "multi-az-instance") == 0.43
    assert pb.rds_storage_gb_month_usd() == 0.115
    # idle floor: 0.5 ACU x 730 h
    assert 0.5 * pb.acu_hour_usd() * 730 == pytest.approx(43.80)
    assert pb.missing == ()


def test_agrees_with_the_dated_capture_or_names_the_difference(pb):
    """The older us-east-1 capture (third-party pages and feed records) against AWS's list."""
    old = pricing.load("us-east-1", path=DATED)
    assert old.as_of == "2026-07-28" and pb.as_of == "2025-12-06"
    for item in ("acu_hour", "acu_hour_io_optimized", "storage_gb_month",
                 "storage_gb_month_io_optimized", "io_per_million", "backup_gb_month",
                 "global_write_io_per_million", "io_optimized_instance_premium"):
        assert old._scalar(item) == pytest.approx(pb._scalar(item), abs=0.005), item
    a, b = old.instance_classes().set_index("instance_class"), pb.instance_classes().set_index(
        "instance_class")
    assert set(a.index) <= set(b.index)  # every class of the capture is in AWS's list
    diff = (b.loc[a.index, "usd_per_hour"] - a["usd_per_hour"]).round(4)
    # the named difference: the capture scaled db.r6g.large x16/x24/x32 where AWS rounds each
    assert diff[diff != 0].to_dict() == {"db.r6g.8xlarge": 0.001, "db.r6g.12xlarge": 0.001,
                                         "db.r6g.16xlarge": 0.002}
    # same specifications in both (the capture's columns vs the cited table)
    assert (a[["vcpu", "memory_gib"]] == b.loc[a.index, ["vcpu", "memory_gib"]]).all().all()
    # the capture's RDS rows were assumptions (0.85 x Aurora); AWS's list replaces them
    assert old.rds_instance_hour_usd("db.r6g.large") == pytest.approx(0.221)
    assert pb.rds_instance_hour_usd("db.r6g.large") == 0.215


def test_agrees_with_cited_published_rows(pb):
    from aurora_models.data import load_published_prices

    pub = load_published_prices().set_index("usage_type")["usd"]
    assert pb.acu_hour_usd() == pub["Aurora:ServerlessV2Usage"]
    assert pb.storage_gb_month_usd() == pub["Aurora:StorageUsage"]
    assert pb.io_per_million_usd == pub["Aurora:StorageIOUsage"]
    assert pb.backup_gb_month_usd == pub["Aurora:BackupUsage"]


def test_every_region_and_engine_loads():
    regions = pricing.known_regions()
    assert len(regions) == 34
    no_gdb = {"aurora-mysql": set(), "aurora-postgresql": set()}
    no_backtrack = set()
    for region in regions:
        for engine in pricing.ENGINES:
            book = pricing.load(region, engine=engine)
            assert book.engine == engine, (region, engine)
            # a region that does not sell an engine (Oracle SE2 in ap-east-2) says so
            assert len(book.instance_classes()) > 0 or {"instance_hour", "rds_instance_hour"} & set(
                book.missing), (region, engine)
            if book.kind == "aurora":
                assert book.acu_hour_usd() > 0 and book.storage_gb_month_usd() > 0
                if "global_write_io_per_million" in book.missing:
                    no_gdb[engine].add(region)
                if "backtrack_per_million" in book.missing:
                    no_backtrack.add(region)
            else:
                assert "acu_hour" not in book.missing  # an RDS book does not expect Aurora items
    # the gaps the provenance lists: Global Database writes and backtrack
    assert (len(no_gdb["aurora-mysql"]), len(no_gdb["aurora-postgresql"])) == (12, 9)
    assert len(no_backtrack) == 11 and "sa-east-1" in no_backtrack
    assert len(pricing.load("il-central-1").instance_classes()) == 18


def test_book_is_built_once_and_lookups_are_indexed(pb):
    assert pricing.load("us-east-1") is pricing.load("us-east-1")
    assert pricing.load("us-east-1", engine="mysql") is pb  # the scenario's name for it
    assert pb.has("instance_hour", "db.r6g.large") and not pb.has("instance_hour", "db.x9.huge")


def test_missing_dimension_is_named_never_zero():
    book = pricing.load("eu-south-1")
    assert book.missing == ("global_write_io_per_million", "backtrack_per_million")
    with pytest.raises(pricing.MissingPriceError,
                       match="eu-south-1 aurora-mysql price book has no "
                             "'global_write_io_per_million' price") as err:
        _ = book.global_write_io_per_million_usd
    assert (err.value.item, err.value.region) == ("global_write_io_per_million", "eu-south-1")
    filled = pricing.load("eu-south-1", fallback="us-east-1")
    assert filled.global_write_io_per_million_usd == 0.20 and filled.missing == ()
    row = filled.to_frame().query("item == 'global_write_io_per_million'").iloc[0]
    assert row["confidence"] == "assumption" and row["source"].startswith("FALLBACK from us-east-1")


def test_did_you_mean():
    with pytest.raises(ValueError, match=r"`region` must be one of 'af-south-1', .*'us-west-2', "
                                         r"got 'us-west2'; did you mean 'us-west-2'\?"):
        pricing.load("us-west2")
    with pytest.raises(ValueError, match=r"`engine` must be one of .*'rds-sqlserver-ee'.*got "
                                         r"'aurora-mysq'; did you mean 'aurora-mysql'\?"):
        pricing.load(engine="aurora-mysq")
    with pytest.raises(ValueError, match=r"`instance_class` must be one of the classes the "
                                         r"us-east-1 aurora-mysql price book sells \(.*"
                                         r"got 'r6g.xlarge'; did you mean 'db.r6g.xlarge'\?"):
        pricing.load().instance_hour_usd("r6g.xlarge")
    with pytest.raises(TypeError, match="`region` must be a str, got int 1"):
        pricing.load(1)
    with pytest.raises(TypeError, match="`io_optimized` must be True or False"):
        pricing.load().acu_hour_usd(io_optimized="yes")


def test_class_not_sold_names_the_nearest():
    book = pricing.load("eu-west-2")  # db.r8g is not sold there in this snapshot
    with pytest.raises(pricing.MissingPriceError, match=r"'db.r8g.large' is not sold in the "
                                                        r"eu-west-2 aurora-mysql price book .*"
                                                        r"nearest classes it sells: db.r6g.large, db.r7g.large"):
        book.instance_hour_usd("db.r8g.large")
    assert book.nearest_classes("db.r8g.large", 2) == ["db.r6g.large", "db.r7g.large"]
    us = pricing.load()
    assert us.nearest_classes("db.r6g.xlarge", 1) == ["db.r6g.xlarge"]  # sold: itself first
    # within the family by size (the cheaper first at equal distance)
    assert us.nearest_classes("db.r6g.xlarge", 3) == ["db.r6g.xlarge", "db.r6g.large",
                                                      "db.r6g.2xlarge"]
    with pytest.raises(ValueError, match="did you mean 'db.r6g.xlarge'"):
        us.nearest_classes("r6g.xlarge")


def test_instance_classes_read_the_cited_specifications(pb):
    specs = pricing.instance_specs()
    assert len(specs) == 137 and specs["source"].str.startswith("https://docs.aws.amazon.com/").all()
    classes = pb.instance_classes()
    assert list(classes.columns) == ["instance_class", "vcpu", "memory_gib", "usd_per_hour",
                                     "source", "confidence"]
    for fam in ("db.t4g.", "db.r6g.", "db.r7g.", "db.r8g.", "db.x2g."):
        assert classes["instance_class"].str.startswith(fam).any(), fam
    r6g = classes.set_index("instance_class").loc["db.r6g.xlarge"]
    assert (r6g["vcpu"], r6g["memory_gib"]) == (4, 32)
    assert classes["vcpu"].notna().all() and classes["memory_gib"].notna().all()
    assert classes["usd_per_hour"].is_monotonic_increasing
    assert pb.instance_acu("db.r6g.large") == 8.0
    assert pb.instance_spec("db.r8g.48xlarge") == (192.0, 1536.0)
    assert pb.cheapest_instance_class(16.0) == "db.r6g.large"
    # every class the data prices has a specification
    for engine in pricing.ENGINES:
        for region in ("us-east-1", "il-central-1", "sa-east-1"):
            book = pricing.load(region, engine=engine)
            assert set(book.to_frame().query("instance_class != ''")["instance_class"]) <= set(
                specs.index)
    # I/O-Optimized: the classes sold that way (no db.r4/db.t2 in us-east-1)
    io = set(pb.instance_classes(io_optimized=True)["instance_class"])
    assert "db.r4.large" not in io and "db.r4.large" in set(classes["instance_class"])
    with pytest.raises(pricing.MissingPriceError, match="'db.r4.large' is not sold"):
        pb.instance_hour_usd("db.r4.large", io_optimized=True)


def test_every_row_has_source_and_confidence(pb):
    frame = pb.to_frame()
    assert {"item", "unit", "usd", "source", "confidence"} <= set(frame.columns)
    assert (frame["source"].str.len() > 10).all()
    assert set(frame["confidence"]) <= {"verified", "secondary", "assumption"}
    assumed = frame[frame["confidence"] == "assumption"]
    assert list(assumed["item"]) == ["rds_multi_az_cluster_factor"]
    assert assumed["source"].str.startswith("ASSUMPTION").all()
    listed = frame[frame["confidence"] == "secondary"]
    assert listed["source"].str.contains("iann0036/aws-price-watcher@c4a0470f").sum() > 100


def test_rds_engines_and_deployments(pb):
    cls = "db.r6i.xlarge"
    mysql = pricing.load(engine="rds-mysql").rds_instance_hour_usd(cls)
    se = pricing.load(engine="sqlserver-se")  # the price list's own name
    ee = pricing.load(engine="rds-sqlserver-ee")
    ora = pricing.load(engine="rds-oracle-se2")
    byol = pricing.load(engine="rds-oracle-se2-byol")
    assert se.engine == "rds-sqlserver-se" and se.kind == "rds"
    assert mysql < se.rds_instance_hour_usd(cls) < ee.rds_instance_hour_usd(cls)
    assert byol.rds_instance_hour_usd(cls) < ora.rds_instance_hour_usd(cls)
    assert se.rds_instance_hour_usd(cls, "multi-az-instance") > se.rds_instance_hour_usd(cls)
    assert "acu_hour" not in se.missing and se.missing == ()
    with pytest.raises(pricing.MissingPriceError, match="no 'acu_hour' price"):
        se.acu_hour_usd()
    # SQL Server Express has no Multi-AZ rows: missing by name, never single x 2
    ex = pricing.load(engine="rds-sqlserver-ex")
    assert "rds_instance_hour_multi_az" in ex.missing
    with pytest.raises(pricing.MissingPriceError):
        ex.rds_instance_hour_usd("db.t3.small", "multi-az-instance")
    # Multi-AZ DB clusters are not in the data: a labelled assumption (3 billed instances)
    single = pb.rds_instance_hour_usd("db.r6g.large")
    assert pb.rds_instance_hour_usd("db.r6g.large", "multi-az-cluster") == pytest.approx(3 * single)
    assert pb.rds_storage_gb_month_usd("multi-az-cluster") == pytest.approx(3 * 0.115)
    assert pb.rds_storage_gb_month_usd("multi-az-instance") == 0.23
    with pytest.raises(ValueError, match="`deployment` must be one of 'single-az'"):
        pb.rds_instance_hour_usd("db.r6g.large", "multi-az")
    # an Aurora PostgreSQL book compares with RDS PostgreSQL
    pg = pricing.load(engine="postgresql")
    assert pg.rds_instance_hour_usd("db.r6g.large") == pricing.load(
        engine="rds-postgresql").rds_instance_hour_usd("db.r6g.large")


def test_interregion_transfer():
    t = pricing.load_transfer()
    assert len(t.regions) == 34 and t.as_of == "2025-12-06"
    assert len(t.to_frame()) == 1120
    assert t.usd_per_gb("us-east-1", "us-east-2") == 0.01
    assert t.usd_per_gb("us-east-1", "ap-southeast-1") == 0.02
    assert t.missing == (("ap-southeast-3", "ap-northeast-3"), ("ap-southeast-3", "sa-east-1"))
    with pytest.raises(pricing.MissingPriceError, match="from ap-southeast-3 to sa-east-1 .*"
                                                        "missing pairs: ap-southeast-3 -> "
                                                        "ap-northeast-3, ap-southeast-3 -> "
                                                        "sa-east-1"):
        t.usd_per_gb("ap-southeast-3", "sa-east-1")
    assert t.usd_per_gb("sa-east-1", "ap-southeast-3") > 0  # the other direction is priced
    with pytest.raises(ValueError, match="did you mean 'eu-west-1'"):
        t.usd_per_gb("us-east-1", "eu-west1")
    with pytest.raises(ValueError, match="`to_region` must differ"):
        t.usd_per_gb("us-east-1", "us-east-1")


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
    with pytest.raises(TypeError, match="`usd` must be a real number, got str"):
        pb.with_price("acu_hour", "0.2")


def test_dated_capture_partial_regions_report_missing_items():
    eu1 = pricing.load("eu-west-1", path=DATED)
    assert eu1.acu_hour_usd() == 0.14
    with pytest.raises(pricing.MissingPriceError, match="no 'storage_gb_month' price"):
        eu1.storage_gb_month_usd()
    assert "instance_hour" in eu1.missing_items()
    ca = pricing.load("ca-central-1", path=DATED)
    assert ca.instance_hour_usd("db.r6g.large") == 0.286
    with pytest.raises(ValueError, match="`engine` must be an Aurora engine for a price-book file"):
        pricing.load("us-east-1", path=DATED, engine="rds-mysql")


# -- one price rule: files, the offer-file importer and with_price --------------------------

BAD_PRICES = ["inf", "1e308", "-0.5", "Infinity"]


@pytest.mark.parametrize("value", BAD_PRICES)
def test_price_rule_is_one(tmp_path, pb, value):
    rule = pricing.price_violations(float(value))[0]
    assert rule in ("must be finite", "must be non-negative",
                    "must be at most 10000 USD per unit")
    # the book format
    path = _copy_snapshot(tmp_path)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",0.16,", f",{value},")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=rf"book\.csv, line 3: column 'usd' {rule}"):
        pricing.load(path=path)
    # the 34-region format
    multi = tmp_path / "multi.csv"
    src = dataset_path("aurora_prices_multiregion").read_text().splitlines()[:40]
    assert ",acu_hour,,on-demand,0.16," in src[3]
    src[3] = src[3].replace(",on-demand,0.16,", f",on-demand,{value},")
    multi.write_text("\n".join(src) + "\n")
    with pytest.raises(DataError, match=rf"multi\.csv, line 4: column 'usd' {rule}"):
        pricing.load("af-south-1", path=multi)
    # the offer-file importer
    offer = _edit_fixture_line(tmp_path, 7, '"0.1200000000"', f'"{value}"')
    with pytest.raises(DataError, match=rf"offer\.csv, line 7: column 'PricePerUnit' {rule}"):
        pricing.import_offer_file(offer, "us-east-1")
    # a what-if price
    with pytest.raises(ValueError, match=f"`usd` {rule}"):
        pb.with_price("acu_hour", float(value))


def test_nan_price_is_refused(tmp_path, pb):
    path = _copy_snapshot(tmp_path)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",0.16,", ",nan,")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"line 3: column 'usd': 'nan' is not a valid float"):
        pricing.load(path=path)
    with pytest.raises(ValueError, match="`usd` must be finite, got nan"):
        pb.with_price("acu_hour", float("nan"))
    offer = _edit_fixture_line(tmp_path, 7, '"0.1200000000"', '"NaN"')
    with pytest.raises(DataError, match=r"line 7: column 'PricePerUnit': 'NaN' is not a number"):
        pricing.import_offer_file(offer, "us-east-1")


def _edit_fixture_line(tmp_path, line, old, new):
    lines = FIXTURE.read_text().splitlines()
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    out = tmp_path / "offer.csv"
    out.write_text("\n".join(lines) + "\n")
    return out


def test_offer_file_hostile_inputs(tmp_path):
    # one extra field shifts every column: refused, naming the line
    extra = _edit_fixture_line(tmp_path, 9, '"USD",', '"USD","surprise",')
    with pytest.raises(DataError, match=r"offer\.csv, line 9: row has 59 fields, the header has 58"):
        pricing.import_offer_file(extra, "us-east-1")
    # Latin-1 text and a binary file
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(FIXTURE.read_bytes().replace(b"(fixture)", "(fixture \xe9)".encode("latin-1")))
    with pytest.raises(DataError, match=r"latin1\.csv, line 2: not UTF-8 text \(byte 0xe9"):
        pricing.import_offer_file(latin, "us-east-1")
    binary = tmp_path / "index.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00 zipped")
    with pytest.raises(DataError, match=r"index\.csv, line 1: not a text file \(NUL byte\)"):
        pricing.import_offer_file(binary, "us-east-1")
    # an unknown region: never an empty book
    with pytest.raises(DataError, match=r"line 6: column 'Region Code': region 'us-west2' has no "
                                        r"rows .*did you mean 'us-east-1'|line 6: .*'us-west2'"):
        pricing.import_offer_file(FIXTURE, "us-west2")
    # absurd instance sizes (line 15: Aurora MySQL db.r6g.large, "2" vCPUs, "16 GiB")
    bad = _edit_fixture_line(tmp_path, 15, '"db.r6g.large","","","2"', '"db.r6g.large","","","-2"')
    with pytest.raises(DataError, match=r"line 15: column 'vCPU' must be a positive number at "
                                        r"most 1024, got '-2'"):
        pricing.import_offer_file(bad, "us-east-1")
    bad = _edit_fixture_line(tmp_path, 15, '"16 GiB"', '"Infinity GiB"')
    with pytest.raises(DataError, match=r"line 15: column 'Memory' must be a positive number"):
        pricing.import_offer_file(bad, "us-east-1")



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
    # Oracle, Multi-AZ and eu-west-2 rows skipped; the Reserved term (its Quantity upfront row
    # and its Hrs row) is one instance_hour_reserved row: 1000 / 8760 + 0.05 per hour
    assert len(snap) == 12
    res = snap[snap["item"] == "instance_hour_reserved"].iloc[0]
    assert (res["instance_class"], res["term"]) == ("db.r6g.large", "1y-partial-upfront")
    assert (res["upfront_usd"], res["recurring_hourly_usd"]) == (1000.0, 0.05)
    assert res["usd"] == pytest.approx(1000.0 / 8760.0 + 0.05)
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
    assert f(pb, compute_usd_per_month=1e6, storage_gib=0, serverless=True) == pytest.approx(0.25)
    assert f(pb, compute_usd_per_month=1e6, storage_gib=0) == pytest.approx(0.3 / 1.3)
    # storage-dominated: (p' - p) / p'
    assert f(pb, compute_usd_per_month=0, storage_gib=1.0) == pytest.approx(0.125 / 0.225)
    # at the break-even I/O spend the two bills are equal
    c, s = 500.0, 2000.0
    x = f(pb, compute_usd_per_month=c, storage_gib=s)
    total_std = (c + s * 0.10) / (1 - x)
    assert total_std == pytest.approx(1.3 * c + 0.225 * s)
    with pytest.raises(ValueError, match="`storage_gib` must be non-negative, got -1"):
        f(pb, compute_usd_per_month=1.0, storage_gib=-1)
    with pytest.raises(TypeError, match="`price_book` must be a PriceBook"):
        f(pd.DataFrame(), compute_usd_per_month=1.0, storage_gib=1)


def test_user_file_in_the_34_region_format(tmp_path):
    src = dataset_path("aurora_prices_multiregion").read_text().splitlines()
    keep = [src[0]] + [s for s in src[1:] if s.startswith("us-west-2,")]
    good = tmp_path / "west.csv"
    good.write_text("\n".join(keep) + "\n")
    assert pricing.known_regions(path=good) == ["us-west-2"]
    book = pricing.load("us-west-2", path=good)
    assert book.acu_hour_usd() == pricing.load("us-west-2").acu_hour_usd()
    with pytest.raises(ValueError, match=r"`region` must be one of 'us-west-2', got 'us-east-1'"):
        pricing.load("us-east-1", path=good)
    bad = tmp_path / "bad.csv"
    fields = keep[1].split(",")
    fields[1] = "aurora-oracle"  # the engine column
    bad.write_text(keep[0] + "\n" + ",".join(fields) + "\n")
    with pytest.raises(DataError, match=r"bad\.csv, line 2: column 'engine' must be one of"):
        pricing.load("us-west-2", path=bad)
    nocol = tmp_path / "nocol.csv"
    nocol.write_text(keep[0].replace(",term", ",terms") + "\n" + keep[1] + "\n")
    with pytest.raises(DataError, match=r"nocol\.csv, line 1: missing column\(s\) 'term'"):
        pricing.load("us-west-2", path=nocol)


def test_imported_offer_file_loads_as_a_book(tmp_path):
    out = tmp_path / "snap.csv"
    pricing.import_offer_file(FIXTURE, "us-east-1", output_path=out)
    book = pricing.load("us-east-1", path=out)
    assert book.instance_hour_usd("db.r6g.large", io_optimized=True) == pytest.approx(0.338)
    assert book.instance_spec("db.r7g.xlarge") == (4.0, 32.0)
    assert pricing.known_engines()[:2] == ["aurora-mysql", "aurora-postgresql"]


def test_every_region_engine_and_storage_prices_the_nearest_sold_class():
    """The scenario's default class, or the nearest one each (region, engine, storage) sells."""
    for region in pricing.known_regions():
        for engine in ("aurora-mysql", "aurora-postgresql"):
            book = pricing.load(region, engine=engine)
            for io in (False, True):
                cls = book.nearest_classes("db.r6g.2xlarge", 1, io_optimized=io)[0]
                assert book.instance_hour_usd(cls, io_optimized=io) > 0, (region, engine, io)
                assert book.acu_hour_usd(io_optimized=io) > 0
                assert book.storage_gb_month_usd(io_optimized=io) > 0


def test_with_price_on_new_items(pb):
    changed = pb.with_price("instance_hour_io_optimized", 1.0, instance_class="db.r6g.large")
    assert changed.instance_hour_usd("db.r6g.large", io_optimized=True) == 1.0
    assert changed.instance_hour_usd("db.r6g.large") == 0.26
    assert pb.instance_hour_usd("db.r6g.large", io_optimized=True) == 0.338  # the original
