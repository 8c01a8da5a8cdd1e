"""AWS usage types of Aurora: the one home of the usage-type -> price-item mapping.

The offer-file importer (:func:`~aurora_models.pricing.import_offer_file`) reads prices by these
names, and the Cost and Usage Report reader (:mod:`aurora_models.cur`) reads a bill's lines by
the same names: one table, two readers. Sources and confidence of every name are in
``data/pricing/aurora_usage_types.md``.
"""

from __future__ import annotations

import re

__all__ = ["AURORA_USAGE", "REGION_PREFIXES", "UsageType", "base_usage", "parse_usage_type"]

#: Aurora's usage types without a region prefix -> the price book's item.
AURORA_USAGE = {
    "Aurora:ServerlessV2Usage": "acu_hour",
    "Aurora:ServerlessV2IOOptimizedUsage": "acu_hour_io_optimized",
    "Aurora:StorageUsage": "storage_gb_month",
    "Aurora:IO-OptimizedStorageUsage": "storage_gb_month_io_optimized",
    "Aurora:StorageIOUsage": "io_per_million",
    "Aurora:BackupUsage": "backup_gb_month",
    # ASSUMED name (no AWS page or offer file seen): after the CloudWatch metric
    # AuroraGlobalDBReplicatedWriteIO; the importer matches these rows by product family instead
    "Aurora:GlobalDBReplicatedWriteIO": "global_write_io_per_million",
}

#: The usage-type prefix of each region (us-east-1 bills Aurora without one). ``EU`` is
#: eu-west-1's. Confidence per prefix: ``data/pricing/aurora_usage_types.md``.
REGION_PREFIXES = {
    "USE1": "us-east-1", "USE2": "us-east-2", "USW1": "us-west-1", "USW2": "us-west-2",
    "CAN1": "ca-central-1", "EU": "eu-west-1", "EUW2": "eu-west-2", "EUW3": "eu-west-3",
    "EUC1": "eu-central-1", "EUN1": "eu-north-1", "EUS1": "eu-south-1", "APN1": "ap-northeast-1",
    "APN2": "ap-northeast-2", "APN3": "ap-northeast-3", "APS1": "ap-southeast-1",
    "APS2": "ap-southeast-2", "APS3": "ap-south-1", "APE1": "ap-east-1", "SAE1": "sa-east-1",
    "MES1": "me-south-1", "AFS1": "af-south-1",
}

_PREFIX = re.compile(r"^[A-Z]{2,4}\d?-(?=[A-Z])")
_INSTANCE = re.compile(r"^(InstanceUsage|InstanceUsageIOOptimized):(db\.\S+)$")
# <from>-<to>-AWS-Out-Bytes: data transfer out of a region to another region
_TRANSFER = re.compile(r"^([A-Z]{2,4}\d?)-([A-Z]{2,4}\d?)-AWS-Out-Bytes$")


def base_usage(usage: str) -> str:
    """Remove a usage type's region prefix.

    Parameters
    ----------
    usage : str
        A usage type as AWS writes it (``"EUW2-Aurora:StorageUsage"``).

    Returns
    -------
    str
        The usage type without its prefix (us-east-1 has none for Aurora).

    See Also
    --------
    parse_usage_type : The region and the price item as well.

    Examples
    --------
    >>> base_usage("EUW2-Aurora:StorageUsage"), base_usage("Aurora:StorageUsage")
    ('Aurora:StorageUsage', 'Aurora:StorageUsage')
    """
    return _PREFIX.sub("", usage, count=1)


class UsageType(tuple):
    """A parsed usage type: ``(region, item, instance_class)``.

    ``region`` is None for an unknown prefix; ``item`` is a price-book item
    (``"acu_hour"``, ``"instance_hour"``, ``"transfer"``...) or None for a usage type that is
    not Aurora's; ``instance_class`` is set for instance hours, and for ``"transfer"`` holds the
    destination region.
    """

    __slots__ = ()

    def __new__(cls, region: str | None, item: str | None, instance_class: str | None = None):
        return super().__new__(cls, (region, item, instance_class))

    @property
    def region(self) -> str | None:
        """The region code, or None for an unknown prefix."""
        return self[0]

    @property
    def item(self) -> str | None:
        """The price item, or None when the usage type is not Aurora's."""
        return self[1]

    @property
    def instance_class(self) -> str | None:
        """The instance class of instance hours (the destination region of a transfer)."""
        return self[2]


def parse_usage_type(usage: str) -> UsageType:
    """Read a usage type: its region (from the prefix) and the price item it bills.

    Parameters
    ----------
    usage : str
        A usage type as a bill or an offer file writes it.

    Returns
    -------
    UsageType
        ``(region, item, instance_class)``: ``InstanceUsage:db.*`` is ``instance_hour``,
        ``InstanceUsageIOOptimized:db.*`` ``instance_hour_io_optimized`` (name assumed),
        ``<from>-<to>-AWS-Out-Bytes`` ``transfer`` (``instance_class`` is then the destination
        region); the Aurora names of :data:`AURORA_USAGE`; ``item`` None otherwise.

    See Also
    --------
    base_usage : The usage type without its prefix.

    Examples
    --------
    >>> tuple(parse_usage_type("EU-InstanceUsage:db.r6g.large"))
    ('eu-west-1', 'instance_hour', 'db.r6g.large')
    >>> tuple(parse_usage_type("Aurora:ServerlessV2Usage"))
    ('us-east-1', 'acu_hour', None)
    >>> tuple(parse_usage_type("XYZ9-Aurora:StorageUsage"))
    (None, 'storage_gb_month', None)
    """
    t = _TRANSFER.match(usage)
    if t:
        return UsageType(REGION_PREFIXES.get(t.group(1)), "transfer",
                         REGION_PREFIXES.get(t.group(2)))
    m = _PREFIX.match(usage)
    region = "us-east-1" if m is None else REGION_PREFIXES.get(m.group(0)[:-1])
    base = base_usage(usage)
    inst = _INSTANCE.match(base)
    if inst:
        item = "instance_hour" if inst.group(1) == "InstanceUsage" else "instance_hour_io_optimized"
        return UsageType(region, item, inst.group(2))
    return UsageType(region, AURORA_USAGE.get(base))
