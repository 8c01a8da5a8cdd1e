"""The bill reconciled against a Cost and Usage Report (issue 27 item 1): ``aurora_models.cur``.

Two fixtures (provenance in ``tests/fixtures/cur/*.md``): ``cur_hand.csv``, priced by hand with
its expected reconciliation written out below, and ``cur_generated.csv.gz``, an hourly export
written by its own generator (``make_cur_fixtures.py``) from AWS's usage-type semantics, with the
quantities it generated in ``cur_generated_truth.json``.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from aurora_models import DataError, ParameterTypeError, ParameterValueError
from aurora_models.billing import Usage, bill_options
from aurora_models.cli import main
from aurora_models.cur import read_cur, reconcile
from aurora_models.pricing._usage_types import parse_usage_type

FIX = Path(__file__).parent / "fixtures" / "cur"
HAND = FIX / "cur_hand.csv"
GENERATED = FIX / "cur_generated.csv.gz"
SCENARIO = Path(__file__).parent / "fixtures" / "scenarios" / "provisioned_frankfurt.toml"


def _hand_bill():
    """The cluster the hand-priced CUR bills: a db.r6g.large writer and one reader, 100 GiB,
    50 million I/Os, 7-day backups with 5 % a day changed (30 GiB-months billed)."""
    usage = Usage(region="us-east-1", instance_class="db.r6g.large", replicas=1,
                  volume_gib=100.0, io_millions_per_month=50.0, backup_retention_days=7,
                  backup_change_rate_per_day=0.05)
    return bill_options(usage, options=["provisioned_standard"])[0]


def test_hand_priced_cur_reconciles_line_by_line():
    r = reconcile(_hand_bill(), HAND)
    # June 2026: 720 hours; the model's 730-hour month scaled by 720/730 on hourly lines
    assert (r.period_start, r.period_end, r.period_hours) == ("2026-06-01", "2026-07-01", 720.0)
    s = 720.0 / 730.0
    # by hand: (kind, model quantity, actual quantity, model USD, actual USD)
    # compute: 2 instances x 730 h x 0.26 USD/h, scaled; actual 720 h + 700 h = 187.20 + 182.00
    # io: 50 M x 0.20 USD/M, scaled; actual 60,000,000 IOs = 60 M, 12.00
    # storage: 100 GiB-months x 0.10; actual 110 GB-Mo, 11.00 (GB-months: not scaled)
    # backup: 100 x (1 + 0.05 x 6) - 100 = 30 GiB-months x 0.021 = 0.63; actual the same
    expected = {
        "instance_hours": (1460.0 * s, 1420.0, 379.60 * s, 369.20),
        "io": (50.0 * s, 60.0, 10.0 * s, 12.00),
        "storage": (100.0, 110.0, 10.00, 11.00),
        "backup": (30.0, 30.0, 0.63, 0.63),
    }
    got = {row.kind: (row.model_quantity, row.actual_quantity, row.model_usd, row.actual_usd)
           for row in r.lines.itertuples()}
    assert set(got) == set(expected)
    for kind, want in expected.items():
        assert got[kind] == pytest.approx(want, rel=1e-12), kind
    rows = r.lines.set_index("kind")
    assert rows.loc["instance_hours", "line_ids"] == "compute.writer+compute.readers"
    assert rows.loc["instance_hours", "usage_types"] == "InstanceUsage:db.r6g.large"
    assert rows.loc["storage", "difference_usd"] == pytest.approx(1.00)
    assert rows.loc["storage", "relative_difference"] == pytest.approx(0.10)
    assert rows.loc["backup", "difference_usd"] == pytest.approx(0.0, abs=1e-12)
    # totals: model 379.60 s + 10 s + 10 + 0.63; actual 369.20 + 12 + 11 + 0.63 + 1.80 unmapped
    assert r.model_total_usd == pytest.approx(389.60 * s + 10.63)
    assert r.actual_mapped_usd == pytest.approx(392.83)
    assert r.actual_unmapped_usd == pytest.approx(1.80)
    assert r.actual_usage_usd == pytest.approx(394.63)
    # the internet transfer line has no bill line: listed with its file line, never dropped
    assert r.unmapped[["usage_type", "unblended_cost", "line"]].values.tolist() == [
        ["DataTransfer-Out-Bytes", 1.80, 7]]
    # tax and credit are apart from usage; the EC2 line is another service
    assert r.other_charges[["line_item_type", "unblended_cost"]].values.tolist() == [
        ["Tax", 21.00], ["Credit", -5.00]]
    assert r.other_charges_usd == pytest.approx(16.00)
    assert r.other_products == 1
    frame = r.to_frame()
    assert frame["kind"].tolist()[-3:] == ["unmapped", "other_charges", "total"]
    assert frame.iloc[-1]["actual_usd"] == pytest.approx(394.63)
    doc = r.to_dict()
    assert json.loads(json.dumps(doc, allow_nan=False, default=str))["unmapped"][0]["line"] == 7


def _generated_truth():
    return json.loads((FIX / "cur_generated_truth.json").read_text())


def _generated_bill(truth, hours):
    """The model given the generated month's own quantities, per 730-hour month."""
    per_month = 730.0 / hours
    usage = Usage(region="us-east-1", capacity="serverless", replicas=1, volume_gib=400.0,
                  writer_acu_hours=truth["writer_acu_hours"] * per_month,
                  reader_acu_hours_each=truth["reader_acu_hours"] * per_month,
                  io_millions_per_month=truth["io_millions"] * per_month,
                  write_io_millions_per_month=truth["write_io_millions"] * per_month,
                  backup_retention_days=2, backup_change_rate_per_day=0.3,
                  secondaries=("eu-west-1",), secondary_instances=0)
    return bill_options(usage, options=["serverless_standard"])[0]


def test_generated_cur_reconciles_with_the_model_given_its_quantities():
    truth = _generated_truth()
    cur = read_cur(GENERATED)  # gzip CSV, recognised by its content
    bill = _generated_bill(truth, truth["period_hours"])
    r = reconcile(bill, cur)
    assert r.period_hours == truth["period_hours"] == 672
    rows = r.lines.set_index(["region", "kind"])
    # the report's quantities are the generator's, summed from hourly lines
    for key, want in {("us-east-1", "acu_hours"): truth["acu_hours"],
                      ("us-east-1", "io"): truth["io_millions"],
                      ("us-east-1", "storage"): truth["storage_gb_months"],
                      ("us-east-1", "backup"): truth["backup_gb_months"],
                      ("eu-west-1", "storage"): truth["eu_storage_gb_months"],
                      ("eu-west-1", "replicated_write_io"): truth["write_io_millions"]}.items():
        assert rows.loc[key, "actual_quantity"] == pytest.approx(want, rel=1e-9), key
        # the model, given the same month, bills the same quantity once scaled to 672 hours
        assert rows.loc[key, "model_quantity"] == pytest.approx(want, rel=1e-9), key
    assert rows.loc[("eu-west-1", "replicated_write_io"), "line_ids"] == \
        "secondary.replicated_write_io"
    # us-east-1 list prices agree with the generator's: the amounts match too
    assert rows.loc[("us-east-1", "acu_hours"), "actual_usd"] == pytest.approx(
        truth["compute_usd"], rel=1e-9)
    assert rows.loc[("us-east-1", "acu_hours"), "difference_usd"] == pytest.approx(0.0, abs=1e-6)
    assert rows.loc[("us-east-1", "io"), "difference_usd"] == pytest.approx(0.0, abs=1e-6)
    assert sorted(r.unmapped["usage_type"]) == sorted(truth["unmapped"])
    reasons = dict(zip(r.unmapped["usage_type"], r.unmapped["reason"], strict=True))
    assert reasons["ZZZ9-Aurora:StorageUsage"] == "unknown region prefix"
    assert r.other_charges_usd == pytest.approx(truth["tax_usd"])


def test_gzip_and_parquet_read_like_the_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    plain = read_cur(HAND)
    gz = tmp_path / "cur.csv.gz"
    gz.write_bytes(gzip.compress(HAND.read_bytes()))
    assert read_cur(gz).drop(columns=[]).equals(plain)
    import csv

    with HAND.open() as fh:
        rows = list(csv.DictReader(fh))
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    for k in ("line_item_usage_amount", "line_item_unblended_cost"):
        cols[k] = [float(v) for v in cols[k]]
    path = tmp_path / "cur.parquet"
    pq.write_table(pa.table(cols), path)
    frame = read_cur(path)
    assert frame["line_item_unblended_cost"].tolist() == plain["line_item_unblended_cost"].tolist()
    assert reconcile(_hand_bill(), frame).actual_usage_usd == pytest.approx(394.63)


def _write(tmp_path, text, name="bad.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_bad_files_get_one_line_errors(tmp_path):
    text = HAND.read_text()
    head, *body = text.splitlines()
    no_cost = head.replace("line_item_unblended_cost", "cost")
    with pytest.raises(DataError, match=r"bad.csv, line 1: not a CUR 2.0 export: missing "
                                        r"column line_item_unblended_cost$"):
        read_cur(_write(tmp_path, "\n".join([no_cost, *body]) + "\n"))
    with pytest.raises(DataError, match="missing columns line_item_usage_type, pricing_unit"):
        read_cur(_write(tmp_path, "line_item_product_code,line_item_operation,"
                        "line_item_resource_id,line_item_usage_amount,"
                        "line_item_unblended_cost,line_item_usage_start_date\n"))
    wrong = text.replace(",720,Hrs,187.20,", ",seven hundred,Hrs,187.20,", 1)
    with pytest.raises(DataError, match=r"line 2: `line_item_usage_amount` must be a number, "
                                        r"got 'seven hundred'"):
        read_cur(_write(tmp_path, wrong))
    truncated = text[: text.index("h04") + 40]
    with pytest.raises(DataError, match=r"line 5: \d+ fields where the header has 11 "
                                        r"\(a truncated or malformed file\)"):
        read_cur(_write(tmp_path, truncated))
    gz = tmp_path / "cut.csv.gz"
    gz.write_bytes(gzip.compress(text.encode())[:200])
    with pytest.raises(DataError, match="cut.csv.gz: truncated or corrupt gzip file"):
        read_cur(gz)
    bad_date = text.replace("2026-06-01T20:00:00Z", "June 1st", 1)
    with pytest.raises(DataError, match="line 3: `line_item_usage_start_date` must be an ISO"):
        read_cur(_write(tmp_path, bad_date))
    with pytest.raises(DataError, match="no AmazonRDS line in 1 line"):
        read_cur(_write(tmp_path, "\n".join([head, body[-1]]) + "\n"))
    with pytest.raises(DataError, match="file not found"):
        read_cur(tmp_path / "absent.csv")


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ParameterTypeError, match="`bill` must be a Bill"):
        reconcile(42, HAND)
    with pytest.raises(ParameterValueError, match="`option` must be the bill's option"):
        reconcile(_hand_bill(), HAND, option="serverless_standard")


@pytest.mark.parametrize("usage, want", [
    ("InstanceUsage:db.r6g.large", ("us-east-1", "instance_hour", "db.r6g.large")),
    ("EUW2-InstanceUsageIOOptimized:db.r7g.xlarge",
     ("eu-west-2", "instance_hour_io_optimized", "db.r7g.xlarge")),
    ("EU-Aurora:ServerlessV2IOOptimizedUsage", ("eu-west-1", "acu_hour_io_optimized", None)),
    ("APN1-Aurora:IO-OptimizedStorageUsage", ("ap-northeast-1", "storage_gb_month_io_optimized",
                                              None)),
    ("USE1-EU-AWS-Out-Bytes", ("us-east-1", "transfer", "eu-west-1")),
    ("CAN1-Aurora:BackupUsage", ("ca-central-1", "backup_gb_month", None)),
    ("RDS:ChargedBackupUsage", ("us-east-1", None, None)),
])
def test_usage_types_parse_by_the_price_books_table(usage, want):
    assert tuple(parse_usage_type(usage)) == want


def test_io_optimized_variants_map_to_the_same_lines():
    bill = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large",
                              storage="io-optimized", volume_gib=100.0),
                        options=["provisioned_io_optimized"])[0]
    text = HAND.read_text().replace("InstanceUsage:", "InstanceUsageIOOptimized:").replace(
        "Aurora:StorageUsage", "Aurora:IO-OptimizedStorageUsage")
    r = reconcile(bill, read_cur(_tmp_csv(text)))
    rows = r.lines.set_index("kind")
    assert rows.loc["instance_hours", "usage_types"] == "InstanceUsageIOOptimized:db.r6g.large"
    assert rows.loc["storage", "actual_quantity"] == 110.0
    # an I/O-Optimized bill has no I/O line: the report's I/O is listed, not dropped
    assert "Aurora:StorageIOUsage" in set(r.unmapped["usage_type"])


def _tmp_csv(text):
    import tempfile

    d = Path(tempfile.mkdtemp())
    return _write(d, text, "iopt.csv")


def test_cli_reconcile_formats(capsys, tmp_path):
    cur = tmp_path / "fra.csv"
    cur.write_text(HAND.read_text().replace("Aurora:", "EUC1-Aurora:").replace(
        "InstanceUsage:db.r6g.large", "EUC1-InstanceUsage:db.r6g.xlarge"))
    assert main(["reconcile", str(SCENARIO), str(cur), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    kinds = {(r["region"], r["kind"]): r for r in doc["lines"]}
    assert kinds[("eu-central-1", "instance_hours")]["actual_quantity"] == 1420.0
    assert kinds[("eu-central-1", "storage")]["actual_usd"] == 11.0
    # the scenario keeps 1-day backups (free): its bill has no backup line, so the report's
    # backup line is listed with the reason, as is the internet transfer
    assert [(u["usage_type"], u["reason"]) for u in doc["unmapped"]] == [
        ("EUC1-Aurora:BackupUsage",
         "the provisioned_standard bill has no backup line in eu-central-1"),
        ("DataTransfer-Out-Bytes", "not an Aurora usage type of the bill")]
    assert doc["other_charges_usd"] == 16.0
    assert main(["reconcile", str(SCENARIO), str(cur)]) == 0
    out = capsys.readouterr().out
    assert "2 unmapped lines ($2.43)" in out and "line 7: DataTransfer-Out-Bytes" in out
    assert main(["reconcile", str(SCENARIO), str(cur), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("region,kind,line_ids") and lines[-1].startswith(",total,")
    assert main(["reconcile", str(SCENARIO), str(cur), "--format", "markdown"]) == 0
    assert "| region | kind |" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["reconcile", str(SCENARIO), str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "missing columns" in err
    assert not math.isnan(doc["model_total_usd"])


def test_instance_hours_and_acu_hours_are_never_added():
    """A provisioned writer with Serverless readers: one row of each unit, each paired."""
    bill = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large", replicas=2,
                              reader_acu_hours_each=365.0, volume_gib=100.0,
                              backup_retention_days=7, backup_change_rate_per_day=0.05),
                        options=["provisioned_writer_serverless_readers"])[0]
    text = HAND.read_text().replace(
        "InstanceUsage:db.r6g.large,CreateDBInstance:0016,arn:aws:rds:us-east-1:111122223333:"
        "db:shop-reader,700,Hrs,182.00",
        "Aurora:ServerlessV2Usage,CreateDBInstance:0016,arn:aws:rds:us-east-1:111122223333:"
        "db:shop-reader,720,ACU-Hr,86.40").replace("h05,Usage", "h05,DiscountedUsage")
    r = reconcile(bill, read_cur(_tmp_csv(text)))
    rows = r.lines.set_index("kind")
    s = 720.0 / 730.0
    assert rows.loc["instance_hours", ["model_quantity", "actual_quantity"]].tolist() == \
        pytest.approx([730.0 * s, 720.0])
    assert rows.loc["acu_hours", ["model_quantity", "actual_quantity", "actual_usd"]].tolist() \
        == pytest.approx([730.0 * s, 720.0, 86.40])
    assert rows.loc["acu_hours", "unit"] == "ACU-hours"
    # a reserved-instance-covered line (DiscountedUsage) is usage, compared with the model
    assert rows.loc["backup", "actual_quantity"] == 30.0
