"""Generate the example CloudWatch export of a made-up cluster (run from the repository root).

    python aurora_models/examples/shop/make_example.py

The cluster, "shop", is invented: an online shop on Aurora PostgreSQL Serverless v2 (max 64 ACU)
with one writer and two readers, watched for a week at CloudWatch's 5-minute period. Its
workload is known exactly (``TRUTH`` below), so a calibration that reads these files can be
checked against it. The code is our own and simple on purpose, and imports nothing from
aurora_models: the demand, the costs per operation, the capacity and the lag are made with
numpy here, then written as the metrics AWS documents:

- ``CommitThroughput`` (Count/Second, the Average of each period): commits per second; on the
  writer each write is one committed transaction, on a reader each read is one.
- ``CPUUtilization`` (Percent): busy vCPUs as a share of the CPU at the maximum capacity, as AWS
  defines it for Serverless v2; this file takes the CPU at ``MAX_ACU`` to be ``MAX_ACU / 4``
  vCPUs (our assumption: 1 ACU ~ 2 GiB and 8 GiB per vCPU).
- ``VolumeReadIOPs``, ``VolumeWriteIOPs`` (Count, per 5-minute interval, the Sum statistic).
- ``ServerlessDatabaseCapacity`` (Count: ACU; Average, Minimum and Maximum of each period) and
  ``ACUUtilization`` (Percent of ``MAX_ACU``), from a capacity rule of our own (30 % headroom
  over a 2-ACU memory floor, on the 0.5-ACU grid), not the package's scaling policy.
- ``VolumeBytesUsed`` (Bytes, hourly Average) growing by ``GROWTH_GIB_PER_DAY``.
- ``AuroraGlobalDBReplicationLag`` (Milliseconds, Average) of a secondary in eu-west-1.

Written as ``aws cloudwatch get-metric-data`` would print it: ``queries.json`` (the
``--metric-data-queries`` file) and two result pages, newest first, the first with a
``NextToken``. :func:`generate` is also called by the tests (many seeds, in memory) to check that
the calibration's intervals cover the truth as often as they claim.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a Monday
PERIOD = 300
DAYS = 7
MAX_ACU = 64.0
VCPU_AT_MAX = MAX_ACU / 4.0
GROWTH_GIB_PER_DAY = 0.4
SEED = 20261102

#: The made-up workload's own costs per operation (what a calibration should recover).
TRUTH = {
    "io_per_write": 1.6,       # billed I/Os per write: 1.2 write I/Os + 0.4 read I/Os
    "write_io_per_write": 1.2,  # the write I/Os among them (replicated to the secondary)
    "io_per_read": 0.04,       # billed read I/Os per read (96 % buffer-pool hits)
    "vcpu_ms_per_write": 0.8,  # busy vCPU-ms per write
    "vcpu_ms_per_read": 0.12,  # busy vCPU-ms per read
    "writer_idle_vcpu_ms_per_s": 150.0,  # the writer's busy vCPU-ms per second at no load
    "reader_idle_vcpu_ms_per_s": 100.0,
    "reader_share": 0.55,      # reader 1's share of the reads (reader 2 has the rest)
}

CLUSTER = "shop-cluster"
INSTANCES = ("shop-writer", "shop-reader-1", "shop-reader-2")


def _bump(hour: np.ndarray, peak: float, width: float) -> np.ndarray:
    d = (hour - peak + 12.0) % 24.0 - 12.0
    return np.exp(-0.5 * (d / width) ** 2)


def _ar1(rng, n: int, sd: float, phi: float = 0.7) -> np.ndarray:
    e = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + e[i]
    return out


def generate(seed: int = SEED, days: int = DAYS, period: int = PERIOD, *, weekday0: int = 0,
             volume0_gib: float = 120.0) -> dict:
    """The week's per-period values (numpy arrays), keyed by metric and instance.

    ``weekday0`` is the first day's weekday (0 = Monday) and ``volume0_gib`` the volume at the
    start: the held-out month continues the week with the same process and another seed.
    """
    rng = np.random.default_rng(seed)
    n = days * 86_400 // period
    t = np.arange(n) * period
    hour = (t / 3600.0) % 24.0
    weekend = ((t // 86_400 + weekday0) % 7 >= 5)
    # Writes peak in the evening (orders), reads at lunch time (browsing); AR(1) noise.
    writes = 300.0 * (0.35 + 0.65 * _bump(hour, 20.0, 3.0)) * np.where(weekend, 1.2, 1.0)
    writes *= np.exp(_ar1(rng, n, 0.08))
    reads = 4000.0 * (0.3 + 0.7 * _bump(hour, 13.0, 4.0)) * np.where(weekend, 0.9, 1.0)
    reads *= np.exp(_ar1(rng, n, 0.08))
    w_count = rng.poisson(writes * period).astype(float)
    share = np.clip(TRUTH["reader_share"] + rng.normal(0, 0.02, n), 0.3, 0.7)
    r1 = rng.poisson(reads * share * period).astype(float)
    r2 = rng.poisson(reads * (1 - share) * period).astype(float)
    # I/O: each operation's I/Os vary (gamma, CV 10 % a period), counted per 5 minutes.
    w_io, w_rio = TRUTH["write_io_per_write"], TRUTH["io_per_write"] - TRUTH["write_io_per_write"]
    wio = rng.poisson(w_io * w_count * rng.gamma(100, 0.01, n))
    rio = rng.poisson((w_rio * w_count + TRUTH["io_per_read"] * (r1 + r2)) * rng.gamma(100, 0.01, n))
    # CPU: idle + per-operation cost, measurement noise 3 %.
    busy = {
        "shop-writer": TRUTH["writer_idle_vcpu_ms_per_s"]
        + TRUTH["vcpu_ms_per_write"] * w_count / period,
        "shop-reader-1": TRUTH["reader_idle_vcpu_ms_per_s"]
        + TRUTH["vcpu_ms_per_read"] * r1 / period,
        "shop-reader-2": TRUTH["reader_idle_vcpu_ms_per_s"]
        + TRUTH["vcpu_ms_per_read"] * r2 / period,
    }
    cpu, cap = {}, {}
    for name, b in busy.items():
        b = b * rng.gamma(1111, 1 / 1111, n)
        cpu[name] = 100.0 * b / 1000.0 / VCPU_AT_MAX
        need = 2.0 + 1.3 * 4.0 * b / 1000.0  # a 2-ACU memory floor, 30 % headroom
        avg = np.clip(np.ceil(need * 2) / 2 + rng.integers(0, 2, n) * 0.25, 0.5, MAX_ACU)
        cap[name] = {"Average": avg, "Minimum": np.maximum(0.5, np.floor(avg * 2) / 2 - 0.5),
                     "Maximum": np.minimum(MAX_ACU, np.ceil(avg * 2) / 2 + 0.5)}
    hours = np.arange(days * 24)
    volume = (volume0_gib + GROWTH_GIB_PER_DAY * hours / 24.0 + rng.normal(0, 0.02, hours.size)) * 2**30
    lag = 90.0 + rng.gamma(2.0, 25.0, n)
    return {"t": t, "w_count": w_count, "r1": r1, "r2": r2, "wio": wio, "rio": rio,
            "cpu": cpu, "cap": cap, "volume": volume, "lag": lag, "n": n, "period": period}


def _query(qid: str, metric: str, dims: list[dict], period: int, stat: str, unit=None) -> dict:
    q: dict = {"Id": qid, "MetricStat": {"Metric": {"Namespace": "AWS/RDS", "MetricName": metric,
                                             "Dimensions": dims}, "Period": period,
                                  "Stat": stat}, "ReturnData": True}
    if unit:
        q["MetricStat"]["Unit"] = unit
    return q


def exports(g: dict, start: datetime = START) -> tuple[list[dict], list[dict]]:
    """``queries.json`` and the two result pages (newest first) of one generated week."""
    period = g["period"]
    inst = {name: [{"Name": "DBInstanceIdentifier", "Value": name}] for name in INSTANCES}
    clus = [{"Name": "DBClusterIdentifier", "Value": CLUSTER}]
    series: list[tuple[dict, int, np.ndarray]] = []
    commits = {"shop-writer": g["w_count"] / period, "shop-reader-1": g["r1"] / period,
               "shop-reader-2": g["r2"] / period}
    for i, name in enumerate(INSTANCES):
        series.append((_query(f"commits_{i}", "CommitThroughput", inst[name], period,
                              "Average", "Count/Second"), period, commits[name]))
        series.append((_query(f"cpu_{i}", "CPUUtilization", inst[name], period, "Average",
                              "Percent"), period, g["cpu"][name]))
        for stat in ("Average", "Minimum", "Maximum"):
            series.append((_query(f"cap_{stat.lower()}_{i}", "ServerlessDatabaseCapacity",
                                  inst[name], period, stat), period, g["cap"][name][stat]))
        series.append((_query(f"acu_util_{i}", "ACUUtilization", inst[name], period, "Average"),
                       period, 100.0 * g["cap"][name]["Average"] / MAX_ACU))
    series.append((_query("read_io", "VolumeReadIOPs", clus, period, "Sum", "Count"), period,
                   g["rio"]))
    series.append((_query("write_io", "VolumeWriteIOPs", clus, period, "Sum", "Count"), period,
                   g["wio"]))
    series.append((_query("volume", "VolumeBytesUsed", clus, 3600, "Average", "Bytes"), 3600,
                   g["volume"]))
    series.append((_query("global_lag", "AuroraGlobalDBReplicationLag",
                          [{"Name": "DBClusterIdentifier", "Value": "shop-eu"}], period,
                          "Average", "Milliseconds"), period, g["lag"]))
    queries = [q for q, _, _ in series]
    pages: list[list[dict]] = [[], []]
    for q, p, vals in series:
        times = [start + timedelta(seconds=p * i) for i in range(len(vals))]
        order = list(range(len(vals)))[::-1]
        half = len(order) // 2
        for page, idx in ((0, order[:half]), (1, order[half:])):
            pages[page].append({"Id": q["Id"], "Label": q["MetricStat"]["Metric"]["MetricName"],
                                "Timestamps": [times[i].isoformat() for i in idx],
                                "Values": [float(f"{vals[i]:.7g}") for i in idx],
                                "StatusCode": "PartialData" if page == 0 else "Complete"})
    return queries, pages  # type: ignore[return-value]


# -- The held-out month: December 2026 as a Cost and Usage Report -----------------------------

HELD_OUT_START = datetime(2026, 12, 1, tzinfo=UTC)  # a Tuesday
HELD_OUT_DAYS = 31
HELD_OUT_SEED = SEED + 1
#: List prices typed in from AWS's Aurora pricing page (Aurora PostgreSQL, Aurora Standard):
#: us-east-1 ACU-hour, GB-month and 1M I/O requests; eu-west-1 GB-month and 1M replicated write
#: I/Os (the secondary of a Global Database). USD.
PRICE = {"acu_hour": 0.12, "gb_month": 0.10, "io_per_million": 0.20,
         "eu_gb_month": 0.11, "eu_replicated_write_io_per_million": 0.22}
CUR_COLUMNS = ["identity_line_item_id", "line_item_line_item_type", "line_item_product_code",
               "line_item_usage_type", "line_item_operation", "line_item_resource_id",
               "line_item_usage_amount", "pricing_unit", "line_item_unblended_cost",
               "line_item_usage_start_date", "line_item_usage_end_date"]


def held_out_month() -> dict:
    """December 2026 of the same shop: the week's process, another seed, the volume grown on."""
    grown = 120.0 + GROWTH_GIB_PER_DAY * (HELD_OUT_START - START).days
    return generate(HELD_OUT_SEED, HELD_OUT_DAYS, weekday0=HELD_OUT_START.weekday(),
                    volume0_gib=grown)


def cur_rows(g: dict, start: datetime = HELD_OUT_START) -> list[list[str]]:
    """A daily CUR 2.0 export of a generated month, from AWS's usage-type semantics.

    Per day: one ``Aurora:ServerlessV2Usage`` line per instance (ACU-Hr: the capacity's
    ACU-seconds / 3600, each 5-minute Average times 300 s), ``Aurora:StorageUsage`` (GB-Mo: the
    day's mean volume in GiB x 24 / hours in the month), ``Aurora:StorageIOUsage`` (IOs: read and
    write I/Os counted), and for the eu-west-1 secondary (prefix ``EU-``) its storage and
    ``Aurora:GlobalDBReplicatedWriteIO`` (the primary's write I/Os, each replicated once; this
    usage-type name is an assumption, see the package's ``data/pricing/aurora_usage_types.md``).
    Cost = amount x the list price above (no tax, credits or other services).
    """
    per_day = 86_400 // g["period"]
    month_hours = 24 * g["n"] // per_day
    rows: list[list[str]] = []

    def add(kind, usage, resource, amount, unit, price, day, region="us-east-1"):
        begin = start + timedelta(days=int(day))
        arn = f"arn:aws:rds:{region}:111122223333:{resource}"
        rows.append([f"shop{len(rows):05d}", kind, "AmazonRDS", usage, "CreateDBInstance:0021",
                     arn, f"{amount:.10g}", unit, f"{amount * price:.10g}",
                     begin.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     (begin + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")])

    for day in range(g["n"] // per_day):
        cut = slice(day * per_day, (day + 1) * per_day)
        for name in INSTANCES:
            acu_h = float(g["cap"][name]["Average"][cut].sum()) * g["period"] / 3600.0
            add("Usage", "Aurora:ServerlessV2Usage", f"db:{name}", acu_h, "ACU-Hr",
                PRICE["acu_hour"], day)
        gib = float(g["volume"][day * 24:(day + 1) * 24].mean()) / 2**30
        gb_mo = gib * 24.0 / month_hours
        add("Usage", "Aurora:StorageUsage", f"cluster:{CLUSTER}", gb_mo, "GB-Mo",
            PRICE["gb_month"], day)
        ios = float(g["wio"][cut].sum() + g["rio"][cut].sum())
        add("Usage", "Aurora:StorageIOUsage", f"cluster:{CLUSTER}", ios, "IOs",
            PRICE["io_per_million"] / 1e6, day)
        add("Usage", "EU-Aurora:StorageUsage", "cluster:shop-eu", gb_mo, "GB-Mo",
            PRICE["eu_gb_month"], day, "eu-west-1")
        add("Usage", "EU-Aurora:GlobalDBReplicatedWriteIO", "cluster:shop-eu",
            float(g["wio"][cut].sum()), "IOs", PRICE["eu_replicated_write_io_per_million"] / 1e6,
            day, "eu-west-1")
    return rows


def write_cur(path: Path, rows: list[list[str]]) -> None:
    """Write rows as a gzipped CUR CSV, reproducibly (no name, mtime 0 in the gzip header)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CUR_COLUMNS)
    writer.writerows(rows)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode())


def main() -> None:
    month = held_out_month()
    write_cur(HERE / "cur_2026-12.csv.gz", cur_rows(month))
    g = generate()
    queries, pages = exports(g)
    (HERE / "queries.json").write_text(json.dumps(queries, indent=1) + "\n")
    (HERE / "metric_data_page1.json").write_text(json.dumps(
        {"MetricDataResults": pages[0], "NextToken": "example-token-2", "Messages": []}) + "\n")
    (HERE / "metric_data_page2.json").write_text(json.dumps(
        {"MetricDataResults": pages[1], "Messages": []}) + "\n")
    (HERE / "truth.json").write_text(json.dumps({
        **TRUTH, "write_io_share": TRUTH["write_io_per_write"] / TRUTH["io_per_write"],
        "seed": SEED, "days": DAYS, "period_s": PERIOD, "max_acu": MAX_ACU,
        "volume_growth_gib_per_day": GROWTH_GIB_PER_DAY,
        "billed_io_total": float(g["wio"].sum() + g["rio"].sum()),
        "writes_total": float(g["w_count"].sum()),
        "reads_total": float(g["r1"].sum() + g["r2"].sum())}, indent=2) + "\n")


if __name__ == "__main__":
    main()
