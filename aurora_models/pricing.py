"""The price book: dated list-price snapshots, and the AWS Price List offer-file importer.

Planned public names (filled in by the serverless-cost issue; the availability model and the CLI
read prices only through here):

- ``load(region="us-east-1") -> PriceBook``: ACU-hour (Standard, I/O-Optimized), storage per
  GB-month, I/O per million requests, backup storage, Global Database replicated write I/O,
  on-demand instance classes with vCPU and memory, the I/O-Optimized instance premium; every row
  with its source and confidence (``verified`` or ``secondary``).
- ``import_offer_file(path, region)``: read AWS's public AmazonRDS offer file (CSV) and write a
  snapshot in our format, so prices refresh without code changes.
- I/O-Optimized break-even helpers.

The cited inputs are in ``data/pricing/`` (see :func:`aurora_models.data.load_published_prices`).
"""

from __future__ import annotations

__all__: list[str] = []
