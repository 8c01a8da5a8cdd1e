"""How the bill is priced: region and provisioned headroom (``[pricing]``; reserved terms are
declared in :mod:`aurora_models.billing`)."""

from __future__ import annotations

from dataclasses import dataclass

from .._params import declared, param
from ..data import check_region

__all__ = ["CostOptions"]


@declared("serverless")
@dataclass(frozen=True, kw_only=True)
class CostOptions:
    """Pricing choices of a monthly bill."""

    region: str | None = param(None, type="custom", checker=check_region, nullable=True,
                               scenario="pricing.region", user_input=True,
                               doc="price book region (default: regions.primary)",
                               json_schema_extra={"type": "string"})
    headroom: float = param(
        0.2, "-", low=0.0, high=10.0, scenario="pricing.headroom",
        doc="spare capacity of provisioned instances sized for the peak",
        rationale="provisioned instances sized for peak with 20 % spare capacity")
