"""Registered defaults of the Serverless v2 models (each a cited fact or a stated assumption)."""

from __future__ import annotations

from .._assumptions import register
from .._params import params_of
from ..pricing._reserved import DEFAULT_RESERVED_TERM, RESERVED_DISCOUNTS
from ..units import HOURS_PER_MONTH  # noqa: F401  (re-exported; its home is units)
from ._cost_options import CostOptions

_UG = "Aurora User Guide (Serverless v2), aurora_facts.md §3"
MAX_ACU_LIMIT = register("serverless.max_acu_limit", 256.0, "ACU",
                         source="RDS API ServerlessV2ScalingConfiguration: 256 (128 older versions)")
GIB_PER_ACU = register("serverless.gib_per_acu", 2.0, "GiB/ACU", source=_UG + ".1: 1 ACU ~ 2 GiB")
VCPU_PER_ACU = register(
    "serverless.vcpu_per_acu", 0.25, "vCPU/ACU",
    rationale="an ACU is ~2 GiB 'with corresponding CPU' (Aurora user guide, no figure given); "
              "Aurora's memory-optimized r classes pair 8 GiB with each vCPU, so 2 GiB ~ 0.25 "
              "vCPU: a class stands in for a peak only with both the memory and the vCPUs",
    uncertainty={"dist": "triangular", "low": 0.125, "mode": 0.25, "high": 0.5,
                 "rationale": "r classes (8 GiB/vCPU) to m classes (4 GiB/vCPU), x-classes "
                              "below"})
# Declared on CostOptions ([pricing] keys); the cost functions' defaults read them here.
HEADROOM = params_of(CostOptions)["headroom"].default
_TOL = 1e-9
_MAX_PASSES = 12  # fixed-point passes before the exact sequential pass takes over
_BLOCK = 1 << 15  # cache-sized blocks (measured: 2**14-2**17 within noise); maxima carry across
#: The default term's registered discount (the terms: aurora_models.pricing._reserved).
RESERVED_DISCOUNT = RESERVED_DISCOUNTS[DEFAULT_RESERVED_TERM]
