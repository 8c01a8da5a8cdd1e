"""Benchmark: importing an AmazonRDS offer CSV, as a ratio to ``pandas.read_csv`` of the same file.

Writes a synthetic all-region offer CSV (the real layout: 5 metadata rows, the 58-column
header, the rows of ``tests/fixtures/offer_file_rds_reserved.csv`` repeated under made-up region
codes, on-demand and reserved) of N rows in a temporary folder, then times, alternately and in
the same run, ``pricing.import_offer_file(path, "us-east-1")`` (a streamed ``csv`` parse, every
row classified, one region kept) and ``pandas.read_csv(path, skiprows=5, dtype=str)`` (pandas'
C parser reading every cell, nothing classified). Prints the median of each and the ratio. No
target: the import does more than the parse (it classifies, checks each kept price and holds
one region), and holds far less memory, which the second line shows (tracemalloc peaks).

    .venv/bin/python benchmarks/bench_offer.py [n_rows] [--runs N]     (default 200000, 3)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from aurora_models import pricing

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "offer_file_rds_reserved.csv"


def write_offer(path: Path, n_rows: int) -> int:
    """An offer CSV of about ``n_rows`` rows: the fixture's, then copies under other regions."""
    lines = FIXTURE.read_text().splitlines()
    head, body = lines[:6], lines[6:]
    rows, k = 0, 0
    with path.open("w") as fh:
        fh.write("\n".join(head + body) + "\n")
        rows += len(body)
        while rows < n_rows:
            k += 1
            fake = f"xx-synth-{k}"
            block = [s.replace('"us-east-1"', f'"{fake}"') for s in body
                     if '"us-east-1"' in s]
            fh.write("\n".join(block) + "\n")
            rows += len(block)
    return rows


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _peak(fn) -> int:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n_rows", nargs="?", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.csv"
        rows = write_offer(path, args.n_rows)
        mib = path.stat().st_size / 2**20

        def ours():
            book = pricing.import_offer_file(path, "us-east-1")
            assert len(book) == 19, len(book)

        def theirs():
            frame = pd.read_csv(path, skiprows=5, dtype=str, keep_default_na=False)
            assert len(frame) == rows, (len(frame), rows)

        t_ours, t_pandas = [], []
        for _ in range(args.runs):
            t_ours.append(_timed(ours))
            t_pandas.append(_timed(theirs))
        a, b = statistics.median(t_ours), statistics.median(t_pandas)
        print(f"{rows} rows, {mib:.0f} MiB: import_offer_file {a:.2f} s, pandas.read_csv "
              f"{b:.2f} s (median of {args.runs}); ratio {a / b:.2f}x pandas")
        p_ours, p_pandas = _peak(ours), _peak(theirs)
        print(f"peak traced memory: import_offer_file {p_ours / 2**20:.1f} MiB, pandas.read_csv "
              f"{p_pandas / 2**20:.1f} MiB (the file: {mib:.0f} MiB)")


if __name__ == "__main__":
    main()
