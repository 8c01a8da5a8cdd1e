"""Aurora against the RDS alternatives for one workload: cost, downtime, failover, reads."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import pricing
from .._numeric import bracketed_root
from .._numeric import normal_cdf as ndtr
from .._params import Rule, declared, param
from .._validate import (
    check_bool,
    check_choice,
    check_int_range,
    check_positive,
    check_probability,
)
from ..exceptions import ParameterTypeError, ParameterValueError
from ..queueing import mmc_response_sf
from ..units import HOURS_PER_MONTH, MINUTES_PER_YEAR
from ._downtime import StorageUnavailability, annual_downtime, storage_unavailability
from ._params import (
    DEPLOYMENTS,
    DIRECT_CLIENT,
    ENGINES,
    MAX_REPLICAS,
    ClientConfig,
    Deployment,
    FailureRates,
)
from ._readers import _latency_ms, parse_objective

__all__ = ["Workload", "decision_table", "failover_time_s", "read_capacity_per_s"]

CONSTRAINTS = ("engine", "serverless", "global database", "annual downtime", "failover time",
               "read latency")


def _objective(name: str, value) -> str:
    try:
        parse_objective(value)
    except ValueError:
        raise ParameterValueError(f"`{name}` must be 'mean' or a percentile 'pNN' with 0 < NN < 100 "
                         f"(e.g. 'p99', 'p99.9'), got {value!r}") from None
    return value


def _reachable(v) -> str | None:
    # With exponential service no number of readers beats the mean service time (objective
    # 'mean') or -ln(1 - q) service times (percentile q) on an idle reader.
    q = parse_objective(v["read_objective"])
    s_ms, target = v["read_service_time_ms"], v["read_latency_objective_ms"]
    floor = s_ms if q is None else -math.log1p(-q) * s_ms
    if target <= floor:
        what = "the mean" if q is None else f"{v['read_objective']}: {-math.log1p(-q):.4g} x"
        return (f"`read_latency_objective_ms` must exceed {floor:.4g} ms ({what} "
                f"`read_service_time_ms` = {s_ms:g} ms; with exponential service no number of "
                f"readers does better), got {target:g}")
    return None


#: The read latency objective is above what an idle reader can deliver.
OBJECTIVE_REACHABLE = Rule("objective_reachable",
                           ("read_latency_objective_ms", "read_objective", "read_service_time_ms"),
                           _reachable)

#: RDS engines a workload can migrate from, as the price list names them (licence-included).
MIGRATION_SOURCES = ("none", "mysql", "postgresql", "oracle-se2", "sqlserver-ex", "sqlserver-web",
                     "sqlserver-se", "sqlserver-ee")
LICENCES = ("licence-included", "byol")


def _byol_sold(v) -> str | None:
    if v["licence"] == "byol" and v["migrating_from"] != "oracle-se2":
        return (f"`licence` must be 'licence-included' for `migrating_from` = "
                f"{v['migrating_from']!r} (the price list sells BYOL for Oracle SE2 only), "
                f"got 'byol'")
    return None


#: Bring-your-own-licence is priced for Oracle SE2 only.
BYOL_SOLD = Rule("byol_sold", ("licence", "migrating_from"), _byol_sold)


def rds_engine_of(migrating_from: str, licence: str = "licence-included") -> str | None:
    """The price list's RDS engine for a migration source (None: the Aurora engine's own)."""
    if migrating_from == "none":
        return None
    return migrating_from + ("-byol" if licence == "byol" else "")


def engine_family(migrating_from: str) -> str | None:
    """The availability model's engine name of a migration source."""
    if migrating_from == "none":
        return None
    return migrating_from.split("-")[0]


@declared("workload")
@dataclass(frozen=True, kw_only=True)
class Workload:
    """What a workload needs, for :func:`decision_table`.

    Parameters
    ----------
    name : str
        Label.
    engine : str
        One of ``'mysql'``, ``'postgresql'``, ``'mariadb'``, ``'oracle'``, ``'sqlserver'``,
        ``'db2'`` (Aurora offers MySQL and PostgreSQL only).
    instance_class : str
        Instance class of every instance (its vCPUs are the workers per reader).
    storage_gib : float
        Database size, GiB.
    io_millions_per_month : float
        Aurora Standard I/O requests per month, millions.
    reads_per_s : float
        Read queries per second.
    read_service_time_ms : float
        Mean service time of one read on one vCPU, ms.
    read_latency_objective_ms : float
        Target for the read latency (mean or the percentile of ``read_objective``), ms.
    read_objective : str
        ``'mean'`` or ``'pNN'``.
    max_annual_downtime_minutes : float
        Expected client-observed writer downtime allowed per year (inf: no limit).
    max_failover_s : float
        Allowed P90 client-observed outage after a writer failure, s (inf: no limit).
    needs_serverless, needs_global : bool
        Require an on-demand capacity option / a Global Database.
    """

    __rules__ = (OBJECTIVE_REACHABLE, BYOL_SOLD)

    name: str = "workload"
    engine: str = "mysql"
    instance_class: str = "db.r6g.large"
    storage_gib: float = 100.0
    io_millions_per_month: float = 0.0
    reads_per_s: float = 0.0
    read_service_time_ms: float = param(
        5.0, "ms", low=0.0, low_open=True, high=60_000.0, scenario="workload.read_service_time_ms",
        user_input=True, doc="mean service time of one read on one vCPU")
    read_latency_objective_ms: float = param(
        50.0, "ms", low=0.0, low_open=True, high=3_600_000.0,
        scenario="workload.read_latency_objective_ms", user_input=True,
        doc="target read latency (mean or the percentile of read_objective)")
    read_objective: str = param("mean", type="custom", checker=_objective,
                                scenario="workload.read_objective", user_input=True,
                                doc="'mean' or a percentile 'pNN' (e.g. 'p99', 'p99.9')",
                                json_schema_extra={"type": "string",
                                                   "pattern": r"^(mean|p\d+(\.\d+)?)$"})
    max_annual_downtime_minutes: float = param(
        math.inf, "minutes/year", low=0.0, low_open=True, allow_inf=True, high=MINUTES_PER_YEAR,
        scenario="workload.max_annual_downtime_minutes", user_input=True,
        doc="expected writer downtime allowed per year (inf: no objective; at most a year, "
            "525,600 minutes)")
    max_failover_s: float = param(
        math.inf, "s", low=0.0, low_open=True, allow_inf=True, high=86_400.0,
        scenario="workload.max_failover_s", user_input=True,
        doc="allowed P90 client-observed outage after a writer failure (inf: no objective; at "
            "most a day)")
    needs_serverless: bool = False
    needs_global: bool = False
    migrating_from: str = param(
        "none", choices=MIGRATION_SOURCES, scenario="workload.migrating_from", user_input=True,
        doc="the RDS engine the workload runs on today: its RDS rows are priced at that "
            "engine's own licence-included (or BYOL) rates; a SQL Server edition makes Aurora "
            "PostgreSQL with Babelfish the Aurora option ('none': the Aurora engine's RDS "
            "counterpart)")
    licence: str = param(
        "licence-included", choices=LICENCES, scenario="workload.licence", user_input=True,
        doc="licence model of the migrated-from engine ('byol': Oracle SE2 only)")

    def __post_init__(self) -> None:
        check_choice("engine", self.engine, ENGINES)
        for name in ("storage_gib", "io_millions_per_month", "reads_per_s"):
            object.__setattr__(self, name, float(check_positive(name, getattr(self, name),
                                                                allow_zero=True)))
        check_bool("needs_serverless", self.needs_serverless)
        check_bool("needs_global", self.needs_global)


def _uniform_sum_cdf(x, a: float, b: float):
    """CDF of ``U(0, a) + U(0, b)`` at ``x`` (a, b >= 0), piecewise quadratic."""
    x = np.asarray(x, dtype=float)
    if a == 0.0 and b == 0.0:
        return (x >= 0.0).astype(float)
    if a == 0.0 or b == 0.0:
        return np.clip(x / (a + b), 0.0, 1.0)

    def g(y):
        return np.maximum(y, 0.0) ** 2

    return np.clip((g(x) - g(x - a) - g(x - b) + g(x - a - b)) / (2.0 * a * b), 0.0, 1.0)


_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def failover_time_s(deployment: Deployment, *, q: float = 0.9,
                    client: ClientConfig = DIRECT_CLIENT) -> float:
    """The ``q`` quantile of the client-observed outage after a writer failure, seconds.

    Parameters
    ----------
    deployment : Deployment
    q : float
        Quantile in (0, 1) (default the P90 the decision table compares with
        ``Workload.max_failover_s``).
    client : ClientConfig
        DNS TTL, retry interval, RDS Proxy.

    Notes
    -----
    The outage is the model of :func:`annual_downtime` for one writer failure:
    ``X = D + U_dns + U_retry`` with ``D`` the server-side lognormal (failover with a standby,
    replacement without), ``U_dns ~ U(0, TTL)``, ``U_retry ~ U(0, retry)``; through RDS Proxy a
    failover is ``(1 - reduction) X`` (AWS's *best-case* "up to" cut, see :class:`ClientConfig`)
    and a replacement is ``D`` alone. The quantile solves
    ``P(X <= t) = E[F_D(t - U_dns - U_retry)] = q`` (Gauss-Legendre over the two uniforms,
    24 x 24 nodes; the sum-of-uniforms CDF in closed form when ``D`` is fixed), bracketed by
    ``t_q(D)`` and ``t_q(D) + TTL + retry``.

    Examples
    --------
    >>> from aurora_models.availability import AURORA, RDS_MULTI_AZ_INSTANCE
    >>> round(failover_time_s(AURORA), 1), round(failover_time_s(RDS_MULTI_AZ_INSTANCE), 1)
    (63.1, 123.1)
    """
    if not isinstance(deployment, Deployment):
        raise ParameterTypeError("`deployment` must be a Deployment, got "
                        f"{type(deployment).__name__}")
    if not isinstance(client, ClientConfig):
        raise ParameterTypeError(f"`client` must be a ClientConfig, got {type(client).__name__}")
    q = float(check_probability("q", q))
    if not 0.0 < q < 1.0:
        raise ParameterValueError(f"`q` must be in (0, 1), got {q!r}")
    dur = deployment.failover if deployment.has_standby else deployment.recovery
    if client.proxy and not deployment.has_standby:
        return dur.quantile(q)
    a, b = client.dns_ttl_s, client.retry_interval_s
    factor = 1.0 - client.reduction(deployment.family) if client.proxy else 1.0
    lo, hi = dur.quantile(q), dur.quantile(q) + a + b
    if hi == lo:
        return factor * lo
    if dur.sigma == 0.0:
        def cdf(t):
            return float(_uniform_sum_cdf(t - dur.median_s, a, b))
    else:
        u1 = 0.5 * a * (_GL_X + 1.0)
        u2 = 0.5 * b * (_GL_X + 1.0)
        w = np.outer(_GL_W, _GL_W).ravel() / 4.0
        u = (u1[:, None] + u2[None, :]).ravel()

        def cdf(t):
            x = np.maximum(t - u, 1e-300)
            return float(w @ ndtr(np.log(x / dur.median_s) / dur.sigma))
    t = bracketed_root(lambda t: cdf(t) - q, lo, hi, xtol=1e-12 * hi, rtol=1e-12)
    return factor * float(t)


def read_capacity_per_s(read_servers: int, service_time_ms: float, latency_objective_ms: float,
                        *, workers_per_reader: int = 2, objective: str = "mean") -> float:
    """The most reads per second ``read_servers`` M/M/k readers serve within the objective.

    0 when the objective cannot be met even on idle readers.

    Examples
    --------
    >>> round(read_capacity_per_s(1, 10.0, 13.3333333333, workers_per_reader=2), 3)
    100.0
    """
    q = parse_objective(objective)
    s = float(check_positive("service_time_ms", service_time_ms))
    target = float(check_positive("latency_objective_ms", latency_objective_ms))
    n = check_int_range("read_servers", read_servers, 1, 10**6)  # a technical bound only
    k = check_int_range("workers_per_reader", workers_per_reader, 1, 10**6)
    if _latency_ms(1e-12, s, k, n, q) >= target:
        return 0.0
    top = n * k * 1000.0 / s
    mu = 1000.0 / s

    if q is None:
        def f(lam):
            return min(_latency_ms(lam, s, k, n, q), 1e12) - target
    else:
        # A percentile objective is met while P(T > target) <= 1 - q: one root in the load,
        # with the response-time tail in closed form (no quantile solve inside).
        def f(lam):
            if lam >= top:
                return 1.0
            return float(mmc_response_sf(target / 1000.0, k, lam / n, mu)) - (1.0 - q)

    hi = 0.5 * top
    while f(hi) < 0:  # step towards saturation until the objective is missed
        nxt = 0.5 * (hi + top)
        if nxt == hi:  # met up to saturation (an objective beyond any queueing delay)
            return float(hi)
        hi = nxt
    return float(bracketed_root(f, 1e-12, hi, xtol=1e-9 * top, rtol=1e-12))


def _rds_book(w: Workload, pb):
    """The price book the RDS rows use: the migrated-from engine's own (licence-included or
    BYOL) in the Aurora book's region, else the Aurora book (its engine's RDS prices)."""
    engine = rds_engine_of(w.migrating_from, w.licence)
    if engine is None:
        return pb

    return pricing.load(pb.region, engine=f"rds-{engine}")


def _monthly_cost(dep: Deployment, w: Workload, pb) -> tuple[float, str, str]:
    """Monthly cost, the class priced, and the basis of the price (list price or assumption)."""
    if dep.family == "aurora":
        return (dep.instances * pb.instance_hour_usd(w.instance_class) * HOURS_PER_MONTH
                + w.storage_gib * pb.storage_gb_month_usd()
                + w.io_millions_per_month * pb.io_per_million_usd,
                w.instance_class, f"{pb.engine} list price")
    d = dep.pricing_deployment
    book = _rds_book(w, pb)
    # a licensed engine is sold on fewer classes (Oracle and SQL Server licence-included run on
    # m5/m6i/r5/r6i): the nearest class it sells
    cls = (w.instance_class if book.has("rds_instance_hour", w.instance_class)
           else book.nearest_classes(w.instance_class, 1)[0])
    engine = book.engine if book.kind == "rds" else f"rds-{book.engine.removeprefix('aurora-')}"
    basis = (f"ASSUMPTION: {engine} Single-AZ x rds_multi_az_cluster_factor (not in the price "
             f"list)" if d == "multi-az-cluster" else f"{engine} list price")
    if d == "multi-az-cluster" and not book.has("rds_multi_az_cluster_factor"):
        # the factor (an assumption row) lives in the Aurora book
        factor = pb._deployment_factor(d)
        return (factor * (book.rds_instance_hour_usd(cls) * HOURS_PER_MONTH
                          + w.storage_gib * book.rds_storage_gb_month_usd()), cls, basis)
    return (book.rds_instance_hour_usd(cls, d) * HOURS_PER_MONTH
            + w.storage_gib * book.rds_storage_gb_month_usd(d), cls, basis)


def _evaluate(dep, w, k, rates, client, storage, pb):
    downtime = annual_downtime(dep, rates=rates, client=client, storage=storage).mean.value
    fo = failover_time_s(dep, client=client)
    q = parse_objective(w.read_objective)
    lat = _latency_ms(w.reads_per_s, w.read_service_time_ms, k, dep.read_servers, q)
    cap = read_capacity_per_s(dep.read_servers, w.read_service_time_ms,
                              w.read_latency_objective_ms, workers_per_reader=k,
                              objective=w.read_objective)
    fails = []
    # For SQL Server, Aurora PostgreSQL with Babelfish is the Aurora option (priced from an
    # Aurora PostgreSQL book).
    babelfish = (dep.family == "aurora" and w.engine == "sqlserver"
                 and pb.engine == "aurora-postgresql")
    supported = w.engine in dep.engines or babelfish
    if not supported:
        fails.append("engine")
    if w.needs_serverless and not dep.serverless:
        fails.append("serverless")
    if w.needs_global and dep.cross_region != "global database":
        fails.append("global database")
    if downtime > w.max_annual_downtime_minutes:
        fails.append("annual downtime")
    if fo > w.max_failover_s:
        fails.append("failover time")
    if lat > w.read_latency_objective_ms:
        fails.append("read latency")
    cost, priced_class, basis = _monthly_cost(dep, w, pb)
    return {
        "deployment": dep.name + (" (PostgreSQL + Babelfish)" if babelfish else ""),
        "replicas": dep.replicas, "instances": dep.instances,
        "monthly_cost_usd": cost, "priced_class": priced_class, "price_basis": basis,
        "annual_downtime_minutes": downtime,
        "failover_p90_s": fo,
        "read_capacity_per_s": cap,
        "read_latency_ms": lat,
        "serverless": dep.serverless, "cross_region": dep.cross_region,
        "engine_supported": supported,
        "fails_on": ", ".join(fails),
    }


def decision_table(workload: Workload, *, deployments=DEPLOYMENTS, price_book=None,
                   rates: FailureRates | None = None, client: ClientConfig = DIRECT_CLIENT,
                   storage: StorageUnavailability | None = None):
    """Each deployment's cost, downtime, failover time and read capacity for ``workload``, and
    the cheapest one that meets every objective.

    Parameters
    ----------
    workload : Workload
        Objectives and load.
    deployments : sequence of Deployment
        Candidates (default the four presets). An Aurora candidate is re-sized: the fewest
        replicas (0-15) that meet the downtime, failover and read objectives.
    price_book : PriceBook, optional
        Prices (default ``pricing.load()``, us-east-1); costs come only from it.
    rates, client
        As for :func:`annual_downtime`.
    storage : StorageUnavailability, optional
        Aurora storage write unavailability; None asks the quorum model for a volume of
        ``workload.storage_gib`` (:func:`storage_unavailability`).

    Returns
    -------
    pandas.DataFrame
        One row per deployment, sorted by monthly cost: ``deployment, replicas, instances,
        monthly_cost_usd, annual_downtime_minutes, failover_p90_s, read_capacity_per_s,
        read_latency_ms, serverless, cross_region, engine_supported, fails_on, meets_objectives,
        recommended``. ``attrs["recommendation"]`` names the winner (None if nothing qualifies);
        ``attrs["binding_constraints"]`` lists the objectives that ruled out every cheaper
        option (when nothing qualifies, every objective some deployment misses).

    Notes
    -----
    Monthly cost = 730 h x instance-hour price (RDS: the deployment's price, which bills its
    standbys) + storage GiB x GB-month price + (Aurora Standard) I/O millions x price per
    million. Read capacity: the deployment's read servers (Aurora replicas, the Multi-AZ
    cluster's two readable standbys, else the writer) as M/M/k queues, k = the class's vCPUs.
    Writes are not queued on the readers; RDS read replicas are not added.

    Examples
    --------
    >>> from aurora_models.availability import Workload, decision_table, StorageUnavailability
    >>> w = Workload(engine="oracle", reads_per_s=50.0)
    >>> t = decision_table(w, storage=StorageUnavailability(p_unavailable=0.0,
    ...                                                     events_per_year=0.0))
    >>> t.attrs["recommendation"]
    'RDS Single-AZ'
    """
    import pandas as pd

    if not isinstance(workload, Workload):
        raise ParameterTypeError(f"`workload` must be a Workload, got {type(workload).__name__}")
    pb = pricing.load() if price_book is None else price_book
    classes = pb.instance_classes().set_index("instance_class")
    if workload.instance_class not in classes.index:
        raise ParameterValueError(f"`instance_class` must be one of {', '.join(classes.index)}, got "
                         f"{workload.instance_class!r}")
    k = int(classes.loc[workload.instance_class, "vcpu"])  # type: ignore[arg-type]  # an int column (pandas-stubs: any scalar)
    if storage is None:
        storage = storage_unavailability(volume_gib=max(workload.storage_gib, 1.0))
    rows = []
    for dep in deployments:
        if not isinstance(dep, Deployment):
            raise ParameterTypeError(f"`deployments` must hold Deployment objects, got {type(dep).__name__}")
        if dep.family == "aurora":
            best = None
            for n in range(MAX_REPLICAS + 1):
                row = _evaluate(dep.with_replicas(n), workload, k, rates, client, storage, pb)
                perf = {"annual downtime", "failover time", "read latency"}
                if not perf & set(row["fails_on"].split(", ")):
                    best = row
                    break
            if best is None:  # nothing meets the performance objectives: show one replica
                best = _evaluate(dep.with_replicas(1), workload, k, rates, client, storage, pb)
            rows.append(best)
        else:
            rows.append(_evaluate(dep, workload, k, rates, client, storage, pb))
    frame = pd.DataFrame(rows).sort_values("monthly_cost_usd", kind="stable", ignore_index=True)
    frame["meets_objectives"] = frame["fails_on"] == ""
    frame["recommended"] = False
    binding: list[str] = []
    rec = None
    if frame["meets_objectives"].any():
        i = int(frame.index[frame["meets_objectives"]][0])
        frame.loc[i, "recommended"] = True
        rec = str(frame.loc[i, "deployment"])
        ruled_out: pd.Series | list[str] = frame.loc[:i - 1, "fails_on"] if i > 0 else []
    else:  # nothing qualifies: every objective that some deployment misses is binding
        ruled_out = frame["fails_on"]
    for f in ruled_out:
        binding += [c for c in f.split(", ") if c and c not in binding]
    frame.attrs.update(workload=workload.name, recommendation=rec,
                       binding_constraints=[c for c in CONSTRAINTS if c in binding])
    return frame
