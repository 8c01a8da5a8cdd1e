"""Database Savings Plans: the term AWS sells, which Aurora usage is eligible, the discounts.

A pricing fact, below the bill (:mod:`aurora_models.billing` prices a commitment with it).
AWS announced Database Savings Plans on 2 December 2025 (re:Invent 2025): a commitment to a
consistent amount of USD per hour, for one year, that discounts eligible usage of Aurora, RDS
and other AWS database services in every commercial region except the China regions, Serverless
and provisioned alike. Sources, read 2026-12-08 through the search tool:

- [SP-APPLY] AWS, Savings Plans User Guide, "Understanding how Savings Plans apply to your AWS
  usage", https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html: a plan
  applies to the usage with the highest savings percentage first, usage beyond the commitment
  is charged On-Demand.
- [TOOLKIT] AWS, ``aws/agent-toolkit-for-aws`` (GitHub),
  ``skills/specialized-skills/database-skills/amazon-aurora-mysql/references/
  commitment-pricing-mechanics.md``: "1-year DSP (No Upfront only) | up to ~35% serverless /
  up to ~20% provisioned"; no 3-year plan for Aurora; family coverage db.r7g, db.r7i, db.r8g
  eligible, db.r6g, db.r6i, db.r5, db.r4, db.r3, db.t3, db.t4g not; Serverless is DSP-only (no
  RI); DSP covers the full I/O-Optimized instance-hour price.
- [PROSPEROPS] ProsperOps, "AWS Database Savings Plans - Everything You Need to Know"
  (February 2026), https://www.prosperops.com/blog/aws-database-savings-plans-everything-you-need-to-know/:
  "discount rates ranging from 12% to 35%"; the commitment is a post-discount USD per hour.
- [CLOUDCOMBINATOR] Cloud Combinator, "AWS Database Savings Plans",
  https://cloudcombinator.ai/case-studies/blog/aws_database_savings_plans: announced 2 December
  2025; 1-year No Upfront at launch; "up to roughly 35% off eligible serverless ... up to around
  12-20% off most provisioned instances"; "Generation 7 and newer instances"; all commercial
  regions except China.

AWS's own Savings Plans pricing page and What's New post were not in the stored corpora: the
discounts are the ranges the pages above quote, declared as assumptions with those ranges as
their uncertainty (a real plan's rate per usage type is in AWS's Savings Plans rates, which a
price book does not hold).
"""

from __future__ import annotations

import re

from .._assumptions import register
from ..exceptions import ParameterTypeError

__all__ = ["SAVINGS_PLAN_DISCOUNTS", "SAVINGS_PLAN_MIN_GENERATION", "SAVINGS_PLAN_TERMS",
           "savings_plan_eligible"]

_SOURCES = ("AWS Savings Plans User Guide, 'Understanding how Savings Plans apply to your AWS "
            "usage' (docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html); "
            "aws/agent-toolkit-for-aws commitment-pricing-mechanics.md; ProsperOps, 'AWS "
            "Database Savings Plans - Everything You Need to Know' (Feb 2026); Cloud Combinator, "
            "'AWS Database Savings Plans'; all read 2026-12-08")

#: The terms and payment options AWS sells Database Savings Plans in: one year, No Upfront
#: only, for Aurora ([TOOLKIT], [CLOUDCOMBINATOR]; no 3-year plan covers Aurora).
SAVINGS_PLAN_TERMS = register(
    "billing.savings_plan_terms", ("1y-no-upfront",), "-",
    source="1-year, No Upfront only at launch (2 December 2025): " + _SOURCES)

#: The first instance generation a plan covers: db.r7g, db.r7i, db.r8g, db.m7g ... (7 and later);
#: db.r6g, db.r6i, db.r5 and older are not covered, nor are burstable db.t classes
#: ([TOOLKIT], [CLOUDCOMBINATOR]).
SAVINGS_PLAN_MIN_GENERATION = register(
    "billing.savings_plan_min_generation", 7, "instance generation",
    source="'Database Savings Plans apply only to Generation 7 and newer instances' (Cloud "
           "Combinator); db.r7g/db.r7i/db.r8g eligible, db.r6g/db.r6i/db.r5/db.t3/db.t4g not "
           "(aws/agent-toolkit-for-aws); read 2026-12-08")

_WHY = ("AWS quotes ceilings ('up to ~35% serverless / up to ~20% provisioned', "
        "aws/agent-toolkit-for-aws; 'discount rates ranging from 12% to 35%', ProsperOps, Feb "
        "2026); the rate of a usage type and region is in AWS's Savings Plans rates, not in the "
        "price data: {}")

#: The discount on the on-demand rate per eligible usage type (ASSUMPTION; registered with the
#: quoted range as the uncertainty): Serverless v2 ACU-hours (Standard and I/O-Optimized) and
#: provisioned instance-hours of generation 7 and later.
SAVINGS_PLAN_DISCOUNTS = {
    "serverless": register(
        "billing.savings_plan_discount_serverless", 0.30, "-",
        rationale=_WHY.format("the middle of 25-35 %, the upper end being the quoted ceiling "
                              "for Aurora Serverless v2"),
        uncertainty={"dist": "uniform", "low": 0.25, "high": 0.35,
                     "rationale": "below the quoted 35 % ceiling for serverless usage, by as "
                                  "much as the provisioned range is wide"}),
    "provisioned": register(
        "billing.savings_plan_discount_provisioned", 0.16, "-",
        rationale=_WHY.format("the middle of the quoted 12-20 % for provisioned instances"),
        uncertainty={"dist": "uniform", "low": 0.12, "high": 0.20,
                     "rationale": "the 12-20 % quoted for most provisioned instances"}),
}

_FAMILY = re.compile(r"db\.([a-z]+)(\d+)([a-z-]*)\.")


def savings_plan_eligible(instance_class: str) -> tuple[bool, str]:
    """Whether a Database Savings Plan covers an Aurora instance class, and why.

    ``db.serverless`` (Aurora Serverless v2, Standard or I/O-Optimized) is covered; a
    provisioned class is covered from generation :data:`SAVINGS_PLAN_MIN_GENERATION` (7: db.r7g,
    db.r7i, db.r8g, db.m7g ...), except the burstable ``db.t`` classes.

    Parameters
    ----------
    instance_class : str
        The class (``"db.r7g.large"``, ``"db.serverless"``).

    Returns
    -------
    tuple of (bool, str)
        Covered or not, and the reason in words.

    Raises
    ------
    ParameterTypeError
        If ``instance_class`` is not a string.

    See Also
    --------
    aurora_models.billing.savings_plan_commitment : The commitment a cluster's usage calls for.

    Examples
    --------
    >>> savings_plan_eligible("db.r7g.large")[0], savings_plan_eligible("db.r6g.large")
    (True, (False, 'db.r6g.large is generation 6: Database Savings Plans cover generation 7 and later'))
    >>> savings_plan_eligible("db.serverless")
    (True, 'Aurora Serverless v2 ACU-hours are covered')
    """
    if not isinstance(instance_class, str):
        raise ParameterTypeError(f"`instance_class` must be a string such as 'db.r7g.large', got "
                                 f"{type(instance_class).__name__} {instance_class!r}")
    if instance_class == "db.serverless":
        return True, "Aurora Serverless v2 ACU-hours are covered"
    m = _FAMILY.match(instance_class + ".")
    if m is None:
        return False, f"{instance_class} is not an instance class of the form db.<family>.<size>"
    kind, generation = m.group(1), int(m.group(2))
    if kind == "t":
        return False, f"{instance_class} is burstable: Database Savings Plans do not cover db.t"
    if generation < SAVINGS_PLAN_MIN_GENERATION:
        return False, (f"{instance_class} is generation {generation}: Database Savings Plans "
                       f"cover generation {SAVINGS_PLAN_MIN_GENERATION} and later")
    return True, f"{instance_class} is generation {generation}: covered"
