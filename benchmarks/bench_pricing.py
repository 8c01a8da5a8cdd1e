"""Benchmark: price-book lookups through the book's index vs a pandas boolean mask per lookup.

The mask lookup is how the price book looked prices up before it was indexed (about 300 such
lookups cost ~0.5 s of a default ``aurora-models estimate``). Both read the same rows of the same
book, side by side in one run; the script checks that they return the same prices and prints
the ratio, plus the one-off cost of parsing the 34-region price list (cached afterwards).

Run: ``.venv/bin/python benchmarks/bench_pricing.py [n_lookups]`` (default 300).
"""

from __future__ import annotations

import sys
import time

from aurora_models import pricing
from aurora_models.pricing import _load

CLASSES = ["db.r6g.large", "db.r6g.xlarge", "db.r6g.2xlarge", "db.r7g.large", "db.t4g.medium"]


def mask_lookup(rows, item: str, instance_class: str = "") -> float:
    hit = rows.loc[(rows["item"] == item) & (rows["instance_class"] == instance_class), "usd"]
    return float(hit.iloc[0])


def main(n: int = 300) -> None:
    _load._snapshot.cache_clear()
    _load._cached_book.cache_clear()
    t0 = time.perf_counter()
    pb = pricing.load("us-east-1")
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pricing.load("us-east-1")
    cached_s = time.perf_counter() - t0
    queries = [("instance_hour", CLASSES[i % 5]) if i % 2 else ("acu_hour", "") for i in range(n)]
    t0 = time.perf_counter()
    fast = [pb.instance_hour_usd(c) if c else pb.acu_hour_usd() for _, c in queries]
    fast_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow = [mask_lookup(pb.rows, item, c) for item, c in queries]
    slow_s = time.perf_counter() - t0
    assert fast == slow
    print(f"load('us-east-1'): first {parse_s * 1e3:.0f} ms (parse and index the 34-region list), "
          f"then {cached_s * 1e3:.2f} ms (cached)")
    print(f"{n} lookups: indexed {fast_s * 1e3:.2f} ms, pandas mask {slow_s * 1e3:.0f} ms "
          f"(ratio {slow_s / fast_s:.0f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
