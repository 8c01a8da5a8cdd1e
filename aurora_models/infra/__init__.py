"""Scenarios from the infrastructure code: Terraform plans and CloudFormation templates.

- :func:`from_terraform` reads ``terraform show -json`` output (planned values with child
  modules; values known only after apply from ``after_unknown``): ``aws_rds_cluster``,
  ``aws_rds_cluster_instance``, ``aws_rds_global_cluster``.
- :func:`from_cloudformation` reads a template (YAML with its short-form tags, or JSON):
  ``AWS::RDS::DBCluster``, ``AWS::RDS::DBInstance``, ``AWS::RDS::GlobalCluster``; parameters from
  their defaults or given values; a Global Database's secondaries from the templates of the
  stacks in the other regions.

Each returns one :class:`Infrastructure` per deployment (a cluster and its Global Database
secondaries): the scenario's ``[cluster]`` and ``[regions]`` keys, with the resource and
attribute each came from, the values unknown before apply and the attributes no scenario key
represents. :meth:`Infrastructure.to_toml` writes the scenario with the usage (``[workload]``
and the volume) from a usage file; without one, the required usage keys are written as
``REQUIRED`` lines to fill in. The CLI is ``aurora-models scenario from-terraform`` and
``aurora-models scenario from-cloudformation``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..exceptions import InfraError
from ._cloudformation import Template
from ._shape import USAGE_ALIASES, ClusterIn, Infrastructure, Unknown, build
from ._terraform import primary_of, read_plan

__all__ = ["USAGE_ALIASES", "InfraError", "Infrastructure", "from_cloudformation",
           "from_terraform"]


def _select(deployments: list[Infrastructure], address: str | None, source: str,
            members: dict[str, list[str]]) -> list[Infrastructure]:
    if not deployments:
        raise InfraError("has no Aurora cluster (no aws_rds_cluster / AWS::RDS::DBCluster with "
                         "an Aurora engine)", source=source)
    if address is None:
        return deployments
    for d in deployments:
        if address == d.address or address in members.get(d.address, ()):
            return [d]
    known = ", ".join(a for d in deployments for a in members.get(d.address, [d.address]))
    raise InfraError(f"names no Aurora cluster of the file (clusters: {known})", source=source,
                     resource=address, attribute="--address")


def from_terraform(plan: str | Path | dict, *, address: str | None = None,
                   primary: str | None = None) -> list[Infrastructure]:
    """The scenario infrastructure of every Aurora deployment in a Terraform JSON plan.

    Parameters
    ----------
    plan : str, Path or dict
        The output of ``terraform show -json PLANFILE`` (a file, or the parsed object); the
        JSON of a state (``terraform show -json``) is read the same way (its ``values``).
    address : str, optional
        Keep only the deployment holding this ``aws_rds_cluster`` address (a primary or a
        secondary, e.g. ``module.db.aws_rds_cluster.this``). Default: every deployment.
    primary : str, optional
        The primary cluster's address in a Global Database, when the plan does not tell it.

    Returns
    -------
    list of Infrastructure
        One per standalone cluster or Global Database (the primary with its secondaries), in
        the plan's order.

    Raises
    ------
    InfraError
        One line naming the file, the resource address and the attribute: no Aurora cluster,
        an engine or instance class unknown before apply, a non-Aurora engine, a cluster with
        no instance, mixed instance kinds, an unknown region.

    See Also
    --------
    from_cloudformation : The same from a CloudFormation template.
    Infrastructure.to_toml : The scenario file.

    Notes
    -----
    Read per ``aws_rds_cluster``: ``engine`` (``aurora-mysql``/``aurora-postgresql``),
    ``engine_version``, ``engine_mode`` (``provisioned``), ``storage_type`` (``aurora-iopt1``:
    I/O-Optimized), ``serverlessv2_scaling_configuration`` (min/max ACU),
    ``backup_retention_period``, ``backtrack_window`` (seconds) and
    ``global_cluster_identifier``; per ``aws_rds_cluster_instance``, ``instance_class``
    (``db.serverless`` for Serverless v2) of the cluster its ``cluster_identifier`` names (its
    value, else the configuration's reference). The region is the resource's provider's
    ``region`` (an aliased provider such as ``aws.eu`` for another region; a variable is read
    from the plan's ``variables``), else the region in its ARN or availability zones.

    Clusters sharing a global cluster (a reference to the ``aws_rds_global_cluster``, or the
    same ``global_cluster_identifier``) are one Global Database. Its primary is the cluster the
    global cluster's ``source_db_cluster_identifier`` names, else the one member that sets
    ``master_username`` (a secondary joins without its own credentials, as in the provider's
    documented example), else ``primary`` must say.

    Examples
    --------
    >>> from aurora_models import infra
    >>> plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
    ...     {"address": "aws_rds_cluster.db", "mode": "managed", "type": "aws_rds_cluster",
    ...      "values": {"cluster_identifier": "orders", "engine": "aurora-postgresql",
    ...                 "engine_version": "16.4", "storage_type": "aurora-iopt1",
    ...                 "availability_zones": ["eu-west-1a", "eu-west-1b"]}},
    ...     {"address": "aws_rds_cluster_instance.w", "mode": "managed",
    ...      "type": "aws_rds_cluster_instance",
    ...      "values": {"cluster_identifier": "orders", "instance_class": "db.r6g.large"}}]}}}
    >>> (found,) = infra.from_terraform(plan)
    >>> found.keys()["cluster.storage"], found.keys()["regions.primary"]
    ('io-optimized', 'eu-west-1')
    """
    clusters, globals_, membership, meta, notes, src, pl = read_plan(plan)
    if primary is not None and primary not in clusters:
        raise InfraError(f"names no aws_rds_cluster of the plan (clusters: "
                         f"{', '.join(clusters) or 'none'})", source=src, resource=primary,
                         attribute="--primary")
    groups: dict[str, list[str]] = {}
    for a in clusters:
        groups.setdefault(membership.get(a, a), []).append(a)
    deployments, members = [], {}
    for group, names in groups.items():
        if group in clusters or len(names) == 1:  # standalone, or the only member here
            first, rest = names[0], names[1:]
        else:
            first = primary_of(names, group, clusters, globals_, meta, pl, src,
                               primary if primary in names else None)
            rest = [n for n in names if n != first]
        infra = build(clusters[first], [clusters[n] for n in rest], source=src, notes=notes)
        deployments.append(infra)
        members[infra.address] = [first, *rest]
    return _select(deployments, address, src, members)


def from_cloudformation(template: str | Path | dict, *, region: str,
                        parameters: dict[str, Any] | None = None,
                        secondaries: Sequence[tuple[str, str | Path | dict]] | None = None,
                        logical_id: str | None = None) -> list[Infrastructure]:
    """The scenario infrastructure of every Aurora deployment in a CloudFormation template.

    Parameters
    ----------
    template : str, Path or dict
        The template file (YAML with short-form tags such as ``!Ref``, or JSON) or its parsed
        long form.
    region : str
        The AWS region code of the stack (a template names no region): ``AWS::Region``.
    parameters : dict, optional
        Parameter values, ``{"Name": "value"}``; the others take their ``Default``.
    secondaries : list of (str, template), optional
        A Global Database's secondaries: ``(region, template)`` for each stack in another
        region (the same template may be given for several regions); its DB clusters whose
        ``GlobalClusterIdentifier`` resolves to the primary's global cluster join it.
    logical_id : str, optional
        Keep only the deployment holding this ``AWS::RDS::DBCluster`` logical id.

    Returns
    -------
    list of Infrastructure
        One per cluster of ``template`` (with its secondaries when it is a Global Database's
        primary).

    Raises
    ------
    InfraError
        One line naming the file, the logical id and the property: no Aurora cluster, an
        engine or instance class that cannot be resolved, a non-Aurora engine, a condition
        that cannot be evaluated, a parameter value outside its AllowedValues.

    See Also
    --------
    from_terraform : The same from a Terraform plan.
    Infrastructure.to_toml : The scenario file.

    Notes
    -----
    Intrinsics are resolved from the parameters, the pseudo parameters ``AWS::Region``,
    ``AWS::Partition``, ``AWS::URLSuffix`` and ``AWS::NoValue``, the ``Mappings`` and the
    ``Conditions``; ``AWS::AccountId``, ``AWS::StackName``, ``Fn::GetAtt`` and
    ``Fn::ImportValue`` cannot be known from a template and are listed as unknown. A
    ``DBInstance`` belongs to the cluster its ``DBClusterIdentifier`` names (``!Ref Cluster``
    or the cluster's ``DBClusterIdentifier``). In the primary's template a ``DBCluster`` whose
    ``GlobalClusterIdentifier`` names a global cluster is the primary (a secondary region's
    stack is a separate template).

    Examples
    --------
    >>> from aurora_models import infra
    >>> template = {"Parameters": {"MaxAcu": {"Type": "Number", "Default": "64"}},
    ...             "Resources": {
    ...     "Db": {"Type": "AWS::RDS::DBCluster", "Properties": {
    ...         "Engine": "aurora-mysql", "ServerlessV2ScalingConfiguration": {
    ...             "MinCapacity": 0.5, "MaxCapacity": {"Ref": "MaxAcu"}}}},
    ...     "Writer": {"Type": "AWS::RDS::DBInstance", "Properties": {
    ...         "DBClusterIdentifier": {"Ref": "Db"}, "DBInstanceClass": "db.serverless"}}}}
    >>> (found,) = infra.from_cloudformation(template, region="us-east-1",
    ...                                      parameters={"MaxAcu": "32"})
    >>> found.keys()["cluster.capacity"], found.keys()["cluster.max_acu"]
    ('serverless', 32.0)
    """
    main = Template(template, region=region, parameters=parameters)
    clusters = main.clusters()
    others: list[tuple[Template, dict[str, ClusterIn]]] = []
    for s_region, s_template in secondaries or []:
        t = Template(s_template, region=s_region, parameters=parameters)
        others.append((t, t.clusters()))
    unused = set(main.unused_parameters).intersection(*(t.unused_parameters for t, _ in others))
    notes = [f"parameter {p} is given but no template declares it" for p in sorted(unused)]
    deployments, members = [], {}
    for logical, c in clusters.items():
        key = main.global_key(logical)
        secs: list[ClusterIn] = []
        if key is not None and not isinstance(key, Unknown):
            for t, cs in others:
                for s_logical, sc in cs.items():
                    s_key = t.global_key(s_logical)
                    if s_key == key or (isinstance(s_key, str) and isinstance(key, str)
                                        and s_key.split("#")[-1] == key.split("#")[-1]):
                        sc.address = f"{Path(t.source).name}[{t.region}]:{s_logical}"
                        secs.append(sc)
        elif isinstance(key, Unknown) and others:
            raise InfraError(f"cannot be resolved ({key.why}): the secondaries cannot be "
                             "matched to it", source=main.source, resource=logical,
                             attribute="GlobalClusterIdentifier")
        infra = build(c, secs, source=main.source, notes=notes)
        deployments.append(infra)
        members[infra.address] = [logical, *(s.address for s in secs)]
    return _select(deployments, logical_id, main.source, members)
