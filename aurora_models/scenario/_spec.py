"""Scenario files: TOML -> a validated :class:`Scenario`, with errors that name the key and line."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .._validate import (
    check_choice,
    check_int_range,
    check_multiple_of,
    check_nonnegative,
    check_positive,
    check_probability,
    check_range,
)

__all__ = ["Scenario", "ScenarioError", "default_path", "load", "loads", "template_text"]

REQUIRED = object()


class ScenarioError(ValueError):
    """A scenario file is malformed or holds an invalid value.

    The message is one line: ``FILE:LINE: `table.key` must be ..., got ...``.
    """

    def __init__(self, message: str, *, source: str = "", line: int | None = None,
                 key: str = "") -> None:
        self.source, self.line, self.key, self.detail = source, line, key, message
        where = f"{source}:{line}: " if line is not None else (f"{source}: " if source else "")
        super().__init__(where + message)


def _regions() -> list[str]:
    from ..data import load_interregion_rtt

    return list(load_interregion_rtt().index)


def _region(name: str, value: Any) -> str:
    codes = _regions()
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a region code string, got {type(value).__name__} "
                        f"{value!r}")
    if value not in codes:
        raise ValueError(f"`{name}` must be a known AWS region code (one of the {len(codes)} of "
                         f"the latency data, e.g. 'us-east-1', 'eu-west-1'), got {value!r}")
    return value


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, got {type(value).__name__} {value!r}")
    return value


def _num(check):
    """Wrap a numeric check so that a string or bool is a TypeError naming the key."""

    def run(name: str, value: Any):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"`{name}` must be a number, got {type(value).__name__} {value!r}")
        return float(check(name, value))

    return run


def _int(low, high):
    def run(name: str, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise TypeError(f"`{name}` must be an integer in [{low}, {high}], got float {value!r}")
        return check_int_range(name, value, low, high)

    return run


def _choice(options):
    return lambda name, value: check_choice(name, _str(name, value), options)


def _acu(low):
    def run(name, value):
        x = _num(lambda n, v: check_range(n, v, low, 256.0))(name, value)
        return float(check_multiple_of(name, x, 0.5))

    return run


def _regions_list(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"`{name}` must be a list of region codes, got {type(value).__name__} "
                        f"{value!r}")
    if len(value) > 10:
        raise ValueError(f"`{name}` must hold at most 10 regions, got {len(value)}")
    return tuple(_region(f"{name}[{i}]", v) for i, v in enumerate(value))


def _events(name: str, value: Any) -> tuple[tuple[float, float, float], ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"`{name}` must be a list of tables {{start_hour, duration_hours, "
                        f"factor}}, got {type(value).__name__}")
    out = []
    for i, ev in enumerate(value):
        if isinstance(ev, tuple) and len(ev) == 3:
            ev = dict(zip(("start_hour", "duration_hours", "factor"), ev, strict=True))
        if not isinstance(ev, dict):
            raise TypeError(f"`{name}[{i}]` must be a table {{start_hour, duration_hours, "
                            f"factor}}, got {type(ev).__name__} {ev!r}")
        unknown = set(ev) - {"start_hour", "duration_hours", "factor", "name"}
        if unknown:
            raise ValueError(f"`{name}[{i}]` has unknown key(s) {', '.join(sorted(unknown))}")
        missing = {"start_hour", "duration_hours", "factor"} - set(ev)
        if missing:
            raise ValueError(f"`{name}[{i}]` is missing {', '.join(sorted(missing))}")
        start = _num(check_nonnegative)(f"{name}[{i}].start_hour", ev["start_hour"])
        dur = _num(check_positive)(f"{name}[{i}].duration_hours", ev["duration_hours"])
        factor = _num(check_positive)(f"{name}[{i}].factor", ev["factor"])
        out.append((start, dur, factor))
    return tuple(out)


def _objective(name: str, value: Any) -> str:
    from ..availability._readers import parse_objective

    try:
        parse_objective(_str(name, value))
    except ValueError:
        raise ValueError(f"`{name}` must be 'mean' or a percentile 'pNN' with 0 < NN < 100 "
                         f"(e.g. 'p99', 'p99.9'), got {value!r}") from None
    return value


def _trace(name: str, value: Any) -> str:
    from ..data import list_datasets

    names = [n for n in list_datasets()["name"] if n in
             ("elb_request_count", "nyc_taxi_30min", "rds_cpu_utilization")]
    return check_choice(name, _str(name, value), names)


# (table, key) -> (checker, default). REQUIRED marks keys a scenario must give.
SPEC: dict[str, dict[str, tuple[Any, Any]]] = {
    "scenario": {
        "name": (_str, "scenario"),
        "description": (_str, ""),
        "horizon_hours": (_num(lambda n, v: check_range(n, v, 1.0, 87_600.0)), 8760.0),
        "trials": (_int(100, 10_000_000), 20_000),
        "seed": (_int(0, 2**63 - 1), 2024),
    },
    "cluster": {
        "engine": (_choice(["mysql", "postgresql"]), "mysql"),
        "capacity": (_choice(["serverless", "provisioned"]), REQUIRED),
        "instance_class": (_str, "db.r6g.2xlarge"),
        "min_acu": (_acu(0.0), 0.5),
        "max_acu": (_acu(1.0), 128.0),
        "replicas": (_int(0, 15), REQUIRED),
        "storage": (_choice(["standard", "io-optimized"]), "standard"),
        "volume_gib": (_num(lambda n, v: check_range(n, v, 1.0, 262_144.0)), REQUIRED),
        "acu_per_vcpu": (_num(check_positive), 4.0),
    },
    "regions": {
        "primary": (_region, REQUIRED),
        "secondaries": (_regions_list, ()),
    },
    "workload": {
        "source": (_choice(["synthetic", "trace"]), "synthetic"),
        "trace": (_trace, "elb_request_count"),
        "writes_per_s": (_num(check_nonnegative), REQUIRED),
        "reads_per_s": (_num(check_nonnegative), REQUIRED),
        "days": (_num(lambda n, v: check_range(n, v, 1.0, 31.0)), 7.0),
        "step_s": (_num(lambda n, v: check_range(n, v, 1.0, 3600.0)), 60.0),
        "daily_amplitude": (_num(check_probability), 0.6),
        "weekly_amplitude": (_num(check_probability), 0.0),
        "noise_cv": (_num(check_nonnegative), 0.05),
        "events": (_events, ()),
        "base_acu": (_num(check_nonnegative), 1.0),
        "vcpu_ms_per_write": (_num(check_positive), 0.5),
        "vcpu_ms_per_read": (_num(check_positive), 0.2),
        "io_per_write": (_num(check_nonnegative), 1.0),
        "io_per_read": (_num(check_nonnegative), 0.02),
        "read_service_time_ms": (_num(check_positive), 0.2),
        "read_latency_objective_ms": (_num(check_positive), 5.0),
        "read_objective": (_objective, "p99"),
        # Availability objectives for the Aurora-vs-RDS decision (inf: no objective).
        "max_failover_s": (_num(lambda n, v: check_positive(n, v, allow_inf=True)), math.inf),
        "max_annual_downtime_minutes": (_num(lambda n, v: check_positive(n, v, allow_inf=True)),
                                        math.inf),
    },
    "failures": {
        "copy_failure_rate_per_year": (_num(check_nonnegative), None),
        "az_outage_rate_per_year": (_num(check_nonnegative), None),
        "az_outage_hours": (_num(check_positive), None),
        "instance_failure_rate_per_year": (_num(check_nonnegative), None),
        "maintenance_events_per_year": (_num(check_nonnegative), None),
    },
    "pricing": {
        "region": (_str, None),
        "headroom": (_num(check_nonnegative), None),
        "reserved_discount": (_num(lambda n, v: check_range(n, v, 0.0, 1.0,
                                                            high_inclusive=False)), None),
    },
}


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A validated scenario: ``values[table][key]`` for every key of the format (defaults
    filled in; ``None`` means "the model's default"), where it came from, and its key lines.

    Examples
    --------
    >>> s = loads('[cluster]\\ncapacity = "serverless"\\nreplicas = 2\\nvolume_gib = 200\\n'
    ...           '[regions]\\nprimary = "us-east-1"\\n'
    ...           '[workload]\\nwrites_per_s = 100\\nreads_per_s = 1000\\n')
    >>> s["cluster"]["replicas"], s["scenario"]["trials"]
    (2, 20000)
    >>> loads('[cluster]\\nreplicas = 16\\n', source="x.toml")
    Traceback (most recent call last):
    ...
    aurora_models.scenario._spec.ScenarioError: x.toml:2: `cluster.replicas` must be an integer in [0, 15], got 16
    """

    values: dict[str, dict[str, Any]]
    source: str = "<string>"
    text: str = field(default="", repr=False)

    def __getitem__(self, table: str) -> dict[str, Any]:
        return self.values[table]

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.values["scenario"]["name"]

    def replace(self, **changes) -> Scenario:
        """A copy with ``table__key=value`` overrides, validated like the file.

        >>> s = load().replace(scenario__trials=500)
        >>> s["scenario"]["trials"]
        500
        """
        raw = {t: dict(v) for t, v in self.values.items()}
        for name, value in changes.items():
            table, _, key = name.partition("__")
            if table not in SPEC or key not in SPEC[table]:
                raise ValueError(f"`{name}` is not a scenario key (use table__key)")
            raw[table][key] = value
        raw = {t: {k: v for k, v in kv.items() if v is not None} for t, kv in raw.items()}
        return _validate(raw, source=self.source, text=self.text)


def line_of(text: str, table: str, key: str | None = None) -> int | None:
    """1-based line of ``key`` inside ``[table]`` (or of the header itself), None if absent.

    tomllib reports no positions, so the source text is scanned: the table header, then the
    first ``key =`` line before the next header.
    """
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*(#.*)?$")
    any_header = re.compile(r"^\s*\[")
    start = next((i for i, ln in enumerate(lines) if header.match(ln)), None)
    if start is None:
        # dotted keys at top level, e.g. ``cluster.replicas = 2``
        if key is not None:
            dotted = re.compile(r"^\s*" + re.escape(table) + r"\s*\.\s*" + re.escape(key) + r"\s*=")
            for i, ln in enumerate(lines):
                if dotted.match(ln):
                    return i + 1
        return None
    if key is None:
        return start + 1
    pat = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for i in range(start + 1, len(lines)):
        if any_header.match(lines[i]):
            break
        if pat.match(lines[i]):
            return i + 1
    return start + 1


def _validate(raw: dict, *, source: str, text: str) -> Scenario:
    def fail(msg: str, table: str, key: str | None = None) -> ScenarioError:
        line = line_of(text, table, key) if text else None
        if line is None and text:
            line = 1  # the table is absent: point at the file's start
            msg += f" (the file has no [{table}] table)"
        return ScenarioError(msg, source=source, line=line,
                             key=f"{table}.{key}" if key else table)

    for table in raw:
        if table not in SPEC:
            raise fail(f"unknown table [{table}] (known: "
                       f"{', '.join('[' + t + ']' for t in SPEC)})", table)
        if not isinstance(raw[table], dict):
            raise fail(f"`{table}` must be a table [{table}], got {type(raw[table]).__name__}",
                       table)
    values: dict[str, dict[str, Any]] = {}
    for table, keys in SPEC.items():
        given = raw.get(table, {})
        for key in given:
            if key not in keys:
                raise fail(f"unknown key `{table}.{key}` (known keys of [{table}]: "
                           f"{', '.join(keys)})", table, key)
        values[table] = {}
        for key, value in given.items():
            try:
                values[table][key] = keys[key][0](f"{table}.{key}", value)
            except (TypeError, ValueError) as exc:
                raise fail(str(exc), table, key) from None
    for table, keys in SPEC.items():
        for key, (_, default) in keys.items():
            if key not in values[table]:
                if default is REQUIRED:
                    raise fail(f"missing required key `{table}.{key}`", table)
                values[table][key] = default
    # Cross-key rules.
    cl, reg, wl = values["cluster"], values["regions"], values["workload"]
    if cl["min_acu"] > cl["max_acu"]:
        raise fail(f"`cluster.min_acu` must be at most `cluster.max_acu` ({cl['max_acu']:g}), "
                   f"got {cl['min_acu']:g}", "cluster", "min_acu")
    if reg["primary"] in reg["secondaries"]:
        raise fail(f"`regions.secondaries` must not contain the primary region "
                   f"{reg['primary']!r}", "regions", "secondaries")
    if len(set(reg["secondaries"])) != len(reg["secondaries"]):
        raise fail("`regions.secondaries` must not repeat a region", "regions", "secondaries")
    from .. import pricing

    pb_region = values["pricing"]["region"] or reg["primary"]
    known = pricing.known_regions()
    if pb_region not in known:
        table, key = ("pricing", "region") if values["pricing"]["region"] else ("regions",
                                                                                "primary")
        raise fail(f"`{table}.{key}` has no price book: `pricing.region` must be one of "
                   f"{', '.join(map(repr, known))}, got {pb_region!r}", table, key)
    classes = list(pricing.load(pb_region).instance_classes()["instance_class"])
    if cl["instance_class"] not in classes:
        raise fail(f"`cluster.instance_class` must be a class of the {pb_region} price book "
                   f"(e.g. 'db.r6g.2xlarge'), got {cl['instance_class']!r}",
                   "cluster", "instance_class")
    # The latency objective must be reachable on an idle reader (exponential service): above
    # the service time for the mean, above -ln(1 - q) service times for a percentile.
    from ..availability._readers import parse_objective

    q = parse_objective(wl["read_objective"])
    s_ms, target = wl["read_service_time_ms"], wl["read_latency_objective_ms"]
    floor = s_ms if q is None else -math.log1p(-q) * s_ms
    if target <= floor:
        what = ("the mean" if q is None else
                f"{wl['read_objective']}: {-math.log1p(-q):.4g} x")
        raise fail(f"`workload.read_latency_objective_ms` must exceed {floor:.4g} ms ({what} "
                   f"`workload.read_service_time_ms` = {s_ms:g} ms; with exponential service no "
                   f"number of readers does better), got {target:g}", "workload", "read_latency_objective_ms")
    horizon_h = wl["days"] * 24.0
    for i, (start, dur, _) in enumerate(wl["events"]):
        if start + dur > horizon_h + 1e-9:
            raise fail(f"`workload.events[{i}]` ends at hour {start + dur:g}, after the "
                       f"{horizon_h:g} h of `workload.days`", "workload", "events")
    return Scenario(values=values, source=source, text=text)


def loads(text: str, *, source: str = "<string>") -> Scenario:
    """Parse and validate scenario TOML text.

    Raises
    ------
    ScenarioError
        Malformed TOML, an unknown table or key, a missing required key, a value of the wrong
        type or out of range; the message names the file, the line and the key.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            line = int(m.group(1))
            bad = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
            k = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*=", bad)
            what = f" in `{k.group(1)}`" if k else ""
            raise ScenarioError(f"malformed TOML{what}: {msg[:m.start()].strip()} "
                                f"(column {m.group(2)})", source=source, line=line) from None
        raise ScenarioError(f"malformed TOML: {msg}", source=source) from None
    return _validate(raw, source=source, text=text)


def default_path():
    """The bundled leaderboard scenario (a file inside the installed package)."""
    return resources.files("aurora_models").joinpath("scenarios", "leaderboard.toml")


def template_text() -> str:
    """The commented template written by ``aurora-models scenario init`` (the bundled file)."""
    return default_path().read_text(encoding="utf-8")


def load(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario file (default: the bundled leaderboard scenario).

    Examples
    --------
    >>> s = load()
    >>> s.name, s["regions"]["primary"]
    ('Gaming leaderboard', 'us-east-1')
    """
    if path is None:
        return loads(template_text(), source="leaderboard.toml")
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"scenario file not found: {p}")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason})", source=str(p)) from None
    return loads(text, source=str(p))
