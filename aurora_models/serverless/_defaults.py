"""Registered defaults of the Serverless v2 models (each a cited fact or a stated assumption)."""

from __future__ import annotations

from .._assumptions import register
from ..pricing import HOURS_PER_MONTH  # noqa: F401  (re-exported; its home is the price book)

_UG = "Aurora User Guide (Serverless v2), aurora_facts.md §3"
MAX_ACU_LIMIT = register("serverless.max_acu_limit", 256.0, "ACU",
                         source="RDS API ServerlessV2ScalingConfiguration: 256 (128 older versions)")
GIB_PER_ACU = register("serverless.gib_per_acu", 2.0, "GiB/ACU", source=_UG + ".1: 1 ACU ~ 2 GiB")
VCPU_PER_ACU = register(
    "serverless.vcpu_per_acu", 0.25, "vCPU/ACU",
    rationale="an ACU is ~2 GiB 'with corresponding CPU' (Aurora user guide, no figure given); "
              "Aurora's memory-optimized r classes pair 8 GiB with each vCPU, so 2 GiB ~ 0.25 "
              "vCPU: a class stands in for a peak only with both the memory and the vCPUs")
SCALE_UP_DELAY_S = register(
    "serverless.scale_up_delay_s", 5.0, "s",
    rationale="AWS publishes no scale-up rate; the guide and third parties say 'seconds'")
SCALE_DOWN_ACU_PER_S = register(
    "serverless.scale_down_acu_per_s", 0.1, "ACU/s",
    rationale="AWS publishes no scale-down rate, only 'conservative'; 64 -> 0.5 ACU in ~10 min")
SCALE_DOWN_FRACTION_PER_S = register(
    "serverless.scale_down_fraction_per_s", 0.005, "1/s",
    rationale="proportional alternative: capacity halves in ~2.3 min when demand drops")
AUTO_PAUSE_S = register("serverless.seconds_until_auto_pause", 300.0, "s",
                        source="RDS API SecondsUntilAutoPause: 300-86,400 s, default 300")
RESUME_S = register("serverless.resume_s", 15.0, "s",
                    source="Aurora User Guide, auto-pause: resume takes about 15 s")
RESUME_DEEP_S = register("serverless.resume_after_deep_sleep_s", 30.0, "s",
                         source="Aurora User Guide, auto-pause: 30 s or longer after 24 h paused")
DEEP_SLEEP_AFTER_S = register("serverless.deep_sleep_after_s", 86_400.0, "s",
                              source="Aurora User Guide, auto-pause: 'paused for more than 24 h'")
HEADROOM = register("serverless.provisioned_headroom", 0.2, "-",
                    rationale="provisioned instances sized for peak with 20 % spare capacity")
RESERVED_DISCOUNT = register(
    "serverless.reserved_discount", 0.35, "-",
    source="third party: Aurora 1-year RIs save about 30-40 % (aurora_facts.md §4.4, [S])")
_TOL = 1e-9
_MAX_PASSES = 12  # fixed-point passes before the exact sequential pass takes over
_BLOCK = 1 << 15  # cache-sized blocks (measured: 2**14-2**17 within noise); maxima carry across
