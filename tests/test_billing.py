"""The bill, line by line: three bills computed by hand from the raw price rows, every region."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from aurora_models import billing, pricing
from aurora_models.billing import Usage, backup_billed_gib, bill_options, diff_bills

DATA = Path(__file__).resolve().parents[1] / "data" / "pricing"


def _raw_prices() -> dict[tuple[str, str, str, str, str], float]:
    """(region, engine, storage_config, dimension, instance_class) -> USD, read with csv only."""
    with (DATA / "aurora_prices_multiregion.csv").open(newline="") as fh:
        return {(r["region"], r["engine"], r["storage_config"], r["dimension"],
                 r["instance_class"]): float(r["usd"]) for r in csv.DictReader(fh)}


def _raw_transfer(a: str, b: str) -> float:
    with (DATA / "aws_interregion_transfer.csv").open(newline="") as fh:
        return next(float(r["usd"]) for r in csv.DictReader(fh)
                    if r["from_region"] == a and r["to_region"] == b)


RAW = _raw_prices()


def _cents(x: float) -> int:
    return round(x * 100)


def _one(bills, option):
    return next(b for b in bills if b.option == option)


def test_hand_bill_us_east_1_provisioned_with_backups():
    # Aurora MySQL, db.r6g.large writer + 1 reader, Aurora Standard, 500 GiB, 100 M I/Os a
    # month, 7-day backup retention with 5 % of the volume rewritten a day.
    inst = RAW[("us-east-1", "aurora-mysql", "standard", "instance_hour", "db.r6g.large")]
    sto = RAW[("us-east-1", "aurora-mysql", "standard", "storage_gb_month", "")]
    io = RAW[("us-east-1", "aurora-mysql", "standard", "io_per_million", "")]
    bak = RAW[("us-east-1", "aurora-mysql", "n/a", "backup_gb_month", "")]
    # backup usage 500 x (1 + 0.05 x 6) = 650 GiB; the first 500 are free -> 150 billed
    hand = 2 * 730 * inst + 500 * sto + 100 * io + 150 * bak
    assert (inst, sto, io, bak) == (0.26, 0.1, 0.2, 0.021)
    assert _cents(hand) == 45275  # $379.60 + $50 + $20 + $3.15
    u = Usage(region="us-east-1", engine="mysql", capacity="provisioned",
              instance_class="db.r6g.large", replicas=1, volume_gib=500.0,
              io_millions_per_month=100.0, backup_retention_days=7,
              backup_change_rate_per_day=0.05)
    b = _one(bill_options(u), "provisioned_standard")
    assert b.configured and b.complete
    assert _cents(b.total_usd) == _cents(hand)
    assert _cents(b.total_12_months_usd) == _cents(12 * hand)
    for li in b.lines:
        assert li.amount_usd == pytest.approx(li.quantity * li.unit_price_usd, rel=1e-15)


def test_hand_bill_us_west_2_io_optimized_growth_and_snapshots():
    # Aurora PostgreSQL, db.r6g.xlarge writer + 3 readers, I/O-Optimized, 2,048 GiB growing
    # 40 GiB a month, 300 GiB of manual snapshots, 1-day retention (free).
    inst = RAW[("us-west-2", "aurora-postgresql", "io-optimized", "instance_hour",
                "db.r6g.xlarge")]
    sto = RAW[("us-west-2", "aurora-postgresql", "io-optimized", "storage_gb_month", "")]
    bak = RAW[("us-west-2", "aurora-postgresql", "n/a", "backup_gb_month", "")]
    month1 = 4 * 730 * inst + (2048 + 40 / 2) * sto + 300 * bak
    # twelve months: the volume averages 2048 + 6 x 40 GiB over the year
    year = 12 * (4 * 730 * inst + (2048 + 6 * 40) * sto + 300 * bak)
    u = Usage(region="us-west-2", engine="postgresql", capacity="provisioned",
              instance_class="db.r6g.xlarge", replicas=3, storage="io-optimized",
              volume_gib=2048.0, storage_growth_gib_per_month=40.0, manual_snapshot_gib=300.0,
              io_millions_per_month=5000.0)
    b = _one(bill_options(u), "provisioned_io_optimized")
    assert b.configured
    assert not any(li.line == "I/O requests" for li in b.lines)  # included in I/O-Optimized
    assert _cents(b.total_usd) == _cents(month1) == 244260  # $1,971 + $465.30 + $6.30
    assert _cents(b.total_12_months_usd) == _cents(year)


def test_hand_bill_ap_southeast_1_global_database_backups_transfer():
    # Aurora MySQL in ap-southeast-1, db.r6g.xlarge writer + 1 reader, Standard, 1,000 GiB,
    # 80 M I/Os (50 M of them writes) a month, 14-day retention at 2 %/day; a Global Database
    # secondary in us-west-2 with one db.r6g.xlarge; the optional transfer line on, 500
    # writes/s of 1,024 redo bytes.
    r, s = "ap-southeast-1", "us-west-2"
    inst = RAW[(r, "aurora-mysql", "standard", "instance_hour", "db.r6g.xlarge")]
    sto = RAW[(r, "aurora-mysql", "standard", "storage_gb_month", "")]
    io = RAW[(r, "aurora-mysql", "standard", "io_per_million", "")]
    bak = RAW[(r, "aurora-mysql", "n/a", "backup_gb_month", "")]
    s_inst = RAW[(s, "aurora-mysql", "standard", "instance_hour", "db.r6g.xlarge")]
    s_sto = RAW[(s, "aurora-mysql", "standard", "storage_gb_month", "")]
    s_rep = RAW[(s, "aurora-mysql", "n/a", "replicated_write_io_per_million", "")]
    xfer = _raw_transfer(r, s)
    backup_gib = 1000 * (1 + 0.02 * 13) - 1000  # 260 GiB beyond the free allowance
    transfer_gib = 500 * 730 * 3600 * 1024 / 2 ** 30
    hand = (2 * 730 * inst + 1000 * sto + 80 * io + backup_gib * bak
            + 730 * s_inst + 1000 * s_sto + 50 * s_rep + transfer_gib * xfer)
    u = Usage(region=r, engine="mysql", capacity="provisioned", instance_class="db.r6g.xlarge",
              replicas=1, volume_gib=1000.0, io_millions_per_month=80.0,
              write_io_millions_per_month=50.0, writes_per_s_mean=500.0,
              backup_retention_days=14, backup_change_rate_per_day=0.02, secondaries=(s,),
              secondary_instances=1, inter_region_transfer=True, redo_bytes_per_write=1024.0)
    b = _one(bill_options(u), "provisioned_standard")
    assert b.complete
    assert _cents(b.total_usd) == _cents(hand) == 165065
    assert {li.region for li in b.lines} == {r, s}
    # off by default: the transfer line appears only when asked for, never both silently
    off = _one(bill_options(Usage(**{**u.__dict__, "inter_region_transfer": False})),
               "provisioned_standard")
    assert not any("transfer" in li.line for li in off.lines)
    assert _cents(off.total_usd) == _cents(hand - transfer_gib * xfer)


def test_backup_rule():
    assert backup_billed_gib(100.0, 1, 0.9) == 0.0  # 1-day retention is free
    assert backup_billed_gib(100.0, 8, 0.1) == pytest.approx(70.0)
    # usage is capped at V x R (a full copy a day at most)
    assert backup_billed_gib(100.0, 3, 1.0) == pytest.approx(200.0)
    with pytest.raises(ValueError, match="`retention_days` must be an integer >= 1"):
        backup_billed_gib(100.0, 0, 0.1)


@pytest.mark.parametrize("engine", ["mysql", "postgresql"])
@pytest.mark.parametrize("storage", ["standard", "io-optimized"])
def test_every_region_prices_the_default_cluster_with_the_nearest_sold_class(engine, storage):
    from aurora_models.cluster import Cluster

    default_class = Cluster.__params__["instance_class"].default
    io = storage == "io-optimized"
    option = "provisioned_io_optimized" if io else "provisioned_standard"
    for region in pricing.known_regions():
        book = pricing.load(region, engine=engine)
        cls = book.nearest_classes(default_class, 1, io_optimized=io)[0]
        other = "us-west-2" if region == "us-east-1" else "us-east-1"
        # the region as primary (backtrack on for MySQL) and as a Global Database secondary
        for primary, secondary in ((region, other), (other, region)):
            u = Usage(region=primary, engine=engine, capacity="provisioned",
                      instance_class=cls, replicas=1, storage=storage, volume_gib=100.0,
                      io_millions_per_month=10.0, write_io_millions_per_month=5.0,
                      writes_per_s_mean=10.0, secondaries=(secondary,), secondary_instances=1,
                      backtrack_window_hours=24.0 if engine == "mysql" else 0.0)
            b = _one(bill_options(u, options=[option]), option)
            compute = [li for li in b.lines if li.region == region and "compute" in li.line]
            assert compute and all(cls in li.line for li in compute), (region, b.missing)
            assert compute[0].unit_price_usd == book.instance_hour_usd(cls, io_optimized=io)
            assert math.isfinite(b.total_usd) and b.total_usd > 0
            # what the book lacks and the bill needed is named, with the region
            needed = {"global_write_io_per_million"} if region == secondary else (
                {"backtrack_per_million"} if engine == "mysql" else set())
            expect = {f"{m} in {region}" for m in needed & set(book.missing)}
            assert {m for m in b.missing if m.endswith(f" in {region}")} == expect
            assert b.complete == (not b.missing)


def test_unsold_configured_class_is_unavailable_naming_the_nearest():
    u = Usage(region="il-central-1", capacity="provisioned", instance_class="db.r8g.xlarge")
    b = _one(bill_options(u), "provisioned_standard")
    assert b.configured and not b.complete and not b.cheapest
    assert "not sold" in b.unavailable and "db.r7g.xlarge" in b.unavailable
    assert all("compute" not in li.line for li in b.lines)  # never priced at 0


def test_reserved_terms_and_rates():
    base = dict(region="us-east-1", capacity="provisioned", instance_class="db.r6g.large")
    on_demand = RAW[("us-east-1", "aurora-mysql", "standard", "instance_hour", "db.r6g.large")]
    for term, disc in billing.RESERVED_DISCOUNTS.items():
        b = _one(bill_options(Usage(**base, reserved_term=term)), "provisioned_reserved")
        assert b.reserved_term == term
        assert b.lines[0].unit_price_usd == pytest.approx(on_demand * (1 - disc))
    b = _one(bill_options(Usage(**base, reserved_hourly_usd=0.1)), "provisioned_reserved")
    assert b.lines[0].unit_price_usd == 0.1
    # Serverless ACU-hours are never discounted
    s = _one(bill_options(Usage(**base, writer_acu_hours=100.0, reserved_discount=0.5)),
             "serverless_standard")
    assert s.lines[0].unit_price_usd == RAW[("us-east-1", "aurora-mysql", "standard",
                                             "acu_hour", "")]


def test_bad_usage_is_refused():
    with pytest.raises(ValueError, match=r"`cluster.backtrack_window_hours` must be 0 for "
                                         r"aurora-postgresql"):
        Usage(region="us-east-1", engine="aurora-postgresql", backtrack_window_hours=1.0)
    with pytest.raises(ValueError, match="one count per secondary"):
        Usage(region="us-east-1", secondaries=("us-west-2",), secondary_instances=(1, 2))


def test_diff_of_a_bill_with_itself_is_zero_and_a_change_shows_per_line():
    u = Usage(region="us-east-1", capacity="provisioned", instance_class="db.r6g.large",
              replicas=1, volume_gib=100.0)
    a = bill_options(u)
    d = diff_bills(a, a)
    assert len(d) > len(a)
    assert (d["delta_usd"] == 0).all() and (d["delta_12_months_usd"] == 0).all()
    b = bill_options(Usage(**{**u.__dict__, "volume_gib": 300.0}))
    d = diff_bills(a, b)
    row = d[(d["option"] == "provisioned_standard") & (d["line"] == "storage (Standard)")]
    assert float(row["delta_usd"].iloc[0]) == pytest.approx(200 * 0.1)
    total = d[(d["option"] == "provisioned_standard") & (d["line"] == "TOTAL")]
    assert float(total["delta_12_months_usd"].iloc[0]) == pytest.approx(12 * 200 * 0.1)


def _raw_rds(region: str, engine: str, dimension: str, cls: str = "") -> float:
    return RAW[(region, engine, "n/a", dimension, cls)]


@pytest.mark.parametrize(("source", "licence", "engine"), [
    ("sqlserver-se", "licence-included", "sqlserver-se"),
    ("oracle-se2", "licence-included", "oracle-se2"),
    ("oracle-se2", "byol", "oracle-se2-byol"),
])
def test_aurora_vs_rds_prices_licensed_engines_at_their_own_rates(source, licence, engine):
    from aurora_models.availability import StorageUnavailability, Workload, decision_table
    from aurora_models.availability._decision import engine_family

    w = Workload(engine=engine_family(source), migrating_from=source, licence=licence,
                 instance_class="db.r6g.xlarge", storage_gib=500.0, reads_per_s=50.0)
    t = decision_table(w, price_book=pricing.load("us-east-1", engine="postgresql"),
                       storage=StorageUnavailability(p_unavailable=0.0, events_per_year=0.0))
    rows = t.set_index("priced_class", append=True)
    single = t[t["deployment"] == "RDS Single-AZ"].iloc[0]
    # licence-included Oracle and SQL Server are not sold on Graviton: the nearest class sold
    assert single["priced_class"] == "db.r5.xlarge"
    hand = (730 * _raw_rds("us-east-1", engine, "instance_hour", "db.r5.xlarge")
            + 500 * _raw_rds("us-east-1", engine, "storage_gp3_gb_month"))
    assert single["monthly_cost_usd"] == pytest.approx(hand, rel=1e-12)
    multi = t[t["deployment"] == "RDS Multi-AZ instance"].iloc[0]
    hand = (730 * _raw_rds("us-east-1", engine, "instance_hour_multi_az", "db.r5.xlarge")
            + 500 * _raw_rds("us-east-1", engine, "storage_gp3_gb_month_multi_az"))
    assert multi["monthly_cost_usd"] == pytest.approx(hand, rel=1e-12)
    cluster = t[t["deployment"] == "RDS Multi-AZ cluster"].iloc[0]
    assert cluster["price_basis"].startswith("ASSUMPTION")
    aurora = t[t["deployment"].str.startswith("Aurora")].iloc[0]
    assert aurora["engine_supported"] == source.startswith("sqlserver")  # Babelfish
    assert ("Babelfish" in aurora["deployment"]) == source.startswith("sqlserver")
    assert len(rows) == 4


def test_byol_only_for_oracle_and_babelfish_needs_postgresql():
    from aurora_models import scenario as sc
    from aurora_models.availability import Workload

    with pytest.raises(ValueError, match=r"`licence` must be 'licence-included' for "
                                         r"`migrating_from` = 'sqlserver-se'"):
        Workload(engine="sqlserver", migrating_from="sqlserver-se", licence="byol")
    s = sc.load().replace(workload__migrating_from="sqlserver-ee", cluster__engine="mysql",
                          scenario__trials=100)
    with pytest.raises(sc.ScenarioError, match=r"`cluster.engine` must be 'postgresql' when "
                                               r"`workload.migrating_from` is 'sqlserver-ee'"):
        sc.estimate(s, only=("alternatives",))


def test_bill_by_region_bills_the_same_cluster_everywhere():
    u = Usage(region="us-east-1", capacity="provisioned", instance_class="db.r6g.xlarge",
              replicas=1, volume_gib=500.0, io_millions_per_month=100.0,
              secondaries=("eu-west-1",), secondary_instances=1)
    t = billing.bill_by_region(u)
    assert sorted(t["region"]) == sorted(pricing.known_regions())
    assert t["total_usd"].is_monotonic_increasing
    by = t.set_index("region")
    # the secondary is left out: the primary cluster alone, as billed in us-east-1
    alone = Usage(**{**u.__dict__, "secondaries": (), "secondary_instances": 0})
    assert by.loc["us-east-1", "total_usd"] == _one(bill_options(alone),
                                                    "provisioned_standard").total_usd
    # il-central-1 does not sell db.r6g.xlarge: the nearest class it sells
    assert by.loc["il-central-1", "priced_class"] == pricing.load(
        "il-central-1").nearest_classes("db.r6g.xlarge", 1)[0] != "db.r6g.xlarge"
    sa = (2 * 730 * RAW[("sa-east-1", "aurora-mysql", "standard", "instance_hour",
                         "db.r6g.xlarge")]
          + 500 * RAW[("sa-east-1", "aurora-mysql", "standard", "storage_gb_month", "")]
          + 100 * RAW[("sa-east-1", "aurora-mysql", "standard", "io_per_million", "")])
    assert _cents(by.loc["sa-east-1", "total_usd"]) == _cents(sa)


def test_the_configured_cluster_is_costed_as_written():
    from aurora_models import scenario as sc

    s = sc.load().replace(cluster__capacity="provisioned", cluster__instance_class="db.r6g.xlarge",
                          cluster__replicas=3, cluster__storage="io-optimized",
                          regions__primary="us-west-2", regions__secondaries=["ap-southeast-1"],
                          regions__secondary_instances=1, scenario__trials=100)
    r = sc.estimate(s, only=("cost",))
    cost = r.sections["cost"]
    assert cost["configured"] == "provisioned_io_optimized"
    conf = next(b for b in cost["bills"] if b["configured"])
    assert conf["instance_classes"] == "1 x db.r6g.xlarge + 3 x db.r6g.xlarge"
    inst = RAW[("us-west-2", "aurora-postgresql", "io-optimized", "instance_hour",
                "db.r6g.xlarge")]
    compute = [li for li in conf["lines"] if li["region"] == "us-west-2"
               and li["line"].startswith("compute")]
    assert [li["unit_price_usd"] for li in compute] == [inst, inst]
    assert sum(li["quantity"] for li in compute) == 4 * 730
    secondary = [li for li in conf["lines"] if li["region"] == "ap-southeast-1"]
    assert {li["component"] for li in secondary} == {"secondary", "replicated_io"}
    assert any("what-if" in n for n in r.notes)
    assert {o["option"] for o in cost["options"]} == set(billing.OPTIONS) - set(billing.SCALE_OUT_OPTIONS)


def test_every_format_shows_the_bill_lines():
    from aurora_models import scenario as sc

    r = sc.estimate(sc.load(), n_trials=100)
    conf = next(b for b in r.sections["cost"]["bills"] if b["configured"])
    first = conf["lines"][0]
    md = sc.render(r, "markdown")
    assert "## Bill, line by line" in md and r"\[configured\]" in md  # escaped brackets
    assert f"= ${first['amount_usd']:,.2f}" in md
    table = sc.render(r, "table")
    assert "total over 12 months" in table and f"= ${conf['total_usd']:,.2f}" in table
    assert "configured option, 12 months" in table
    rows = sc.render_bill(r, "csv").splitlines()
    assert len(rows) == 1 + sum(len(b["lines"]) for b in r.sections["cost"]["bills"])
    assert all(o["option"] in billing.OPTIONS for o in r.sections["cost"]["options"])


def test_each_secondary_is_costed_as_configured():
    # Two secondaries: eu-west-1 with 1 x db.r6g.large, ap-southeast-1 with 2 x db.r7g.xlarge
    # (provisioned); then Serverless v2 secondaries at their own mean ACU.
    base = dict(region="us-east-1", engine="postgresql", capacity="provisioned",
                instance_class="db.r6g.xlarge", replicas=1, volume_gib=100.0,
                secondaries=("eu-west-1", "ap-southeast-1"), secondary_instances=(1, 2))
    u = Usage(**base, secondary_instance_class=("db.r6g.large", "db.r7g.xlarge"))
    b = _one(bill_options(u), "provisioned_standard")
    lines = {li.region: li for li in b.lines if li.line.startswith("secondary compute")}
    for region, cls, n in (("eu-west-1", "db.r6g.large", 1), ("ap-southeast-1", "db.r7g.xlarge", 2)):
        raw = RAW[(region, "aurora-postgresql", "standard", "instance_hour", cls)]
        assert cls in lines[region].line
        assert _cents(lines[region].amount_usd) == _cents(730 * n * raw)
    u = Usage(**{**base, "capacity": "serverless"}, secondary_acu=(2.0, 0.5),
              reader_acu_hours_each=1234.0)
    b = _one(bill_options(u), "serverless_standard")
    lines = {li.region: li for li in b.lines if li.line.startswith("secondary compute")}
    for region, acu, n in (("eu-west-1", 2.0, 1), ("ap-southeast-1", 0.5, 2)):
        raw = RAW[(region, "aurora-postgresql", "standard", "acu_hour", "")]
        assert lines[region].quantity == pytest.approx(730 * acu * n)
        assert _cents(lines[region].amount_usd) == _cents(730 * acu * n * raw)
    with pytest.raises(ValueError, match="`regions.secondary_acu` must hold one value per "
                                         "secondary"):
        Usage(**{**base, "capacity": "serverless"}, secondary_acu=(2.0,))
