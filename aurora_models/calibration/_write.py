"""The calibrated scenario as a file: TOML with its ``[uncertainty]`` and ``[provenance]``, and
the measured demand beside it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..exceptions import ParameterValueError
from ..scenario import Scenario, loads, spec
from ._fit import Calibration, FittedInput

__all__ = ["scenario_text", "write_scenario"]

#: Keys of the base scenario that a measured workload does not read (the synthetic shape).
_UNUSED_WHEN_MEASURED = ("workload.trace", "workload.daily_amplitude",
                         "workload.weekly_amplitude", "workload.noise_cv", "workload.events")


def _toml(v: Any) -> str:
    """One TOML value (the scenario format's types: strings, booleans, numbers, arrays)."""
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, tuple) and hasattr(v, "_asdict"):  # a named tuple: an inline table
        return _toml(v._asdict())
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(e)}" for k, e in v.items()) + " }"
    raise ParameterValueError(f"cannot write {type(v).__name__} {v!r} to TOML")


def _quoted(key: str) -> str:
    return json.dumps(key)


def _measured(f: FittedInput) -> bool:
    return f.kind != "given"  # a held value has a provenance too: what it was held for


def _provenance(f: FittedInput, cal: Calibration) -> dict[str, Any]:
    out: dict[str, Any] = {"source": f.source}
    if f.method:
        out["method"] = f.method
    if f.metrics:
        out["metrics"] = list(dict.fromkeys(f.metrics))
    out["files"] = [Path(p).name for p in cal.files]
    out["window"] = cal.window
    out["period_s"] = cal.period_s
    out["n"] = int(f.n)
    if f.se is not None:
        out["estimate"] = float(f.value)
        out["interval"] = [float(f.low), float(f.high)]  # type: ignore[arg-type]
    if f.note:
        out["note"] = f.note
    return out


def _uncertainty(f: FittedInput, cal: Calibration) -> dict[str, Any] | None:
    if f.key == "cluster.acu_per_vcpu":
        return {"dist": "fixed", "value": float(f.value),
                "rationale": "held at the value the Serverless v2 CPU was converted with: "
                             "only acu_per_vcpu x vCPU-ms is measured"}
    if f.se is None or not f.se > 0:
        return None
    return {"dist": "normal", "mean": float(f.value), "sd": float(f.se),
            "rationale": f"measured ({cal.window}, {f.n} points): {cal.level:.0%} interval "
                         f"[{f.low:.4g}, {f.high:.4g}], the fit's sampling error only (not a "
                         f"change of the workload)"}


def scenario_text(cal: Calibration, demand_file: str) -> str:
    """The calibrated scenario's TOML text.

    Parameters
    ----------
    cal : Calibration
        From :func:`~aurora_models.calibration.calibrate`.
    demand_file : str
        The measured demand's path as the scenario names it (relative to the scenario file).

    Returns
    -------
    str
        A scenario file: the base's keys, the measured ones over them (each marked), the fits'
        distributions in ``[uncertainty]`` and their sources in ``[provenance]``.

    See Also
    --------
    write_scenario : Writes it and the demand series.

    Examples
    --------
    >>> from aurora_models import calibration
    >>> cal = calibration.calibrate(calibration.example_metrics(), writer="shop-writer")
    >>> text = calibration.scenario_text(cal, "shop.demand.csv")
    >>> '[provenance]' in text and 'source = "measured"' in text
    True
    """
    base = cal.base
    fitted = {f.key: f for f in cal.inputs}
    values: dict[str, dict[str, Any]] = {t: {} for t in spec()}
    for key in sorted(base.given):
        t, _, k = key.partition(".")
        if key in _UNUSED_WHEN_MEASURED:
            continue
        v = base[t][k]
        values[t][k] = list(v) if isinstance(v, tuple) else v
    values["scenario"]["name"] = f"{base.name} (calibrated)"
    values["scenario"]["description"] = (f"calibrated from CloudWatch metrics, {cal.window}")
    for key, f in fitted.items():
        t, _, k = key.partition(".")
        values[t][k] = f.value
    values["workload"]["demand_file"] = demand_file
    lines = ["# aurora-models scenario calibrated from a cluster's CloudWatch metrics",
             "# (`aurora-models calibrate`).",
             f"# Measured window: {cal.window}; files: "
             f"{', '.join(Path(p).name for p in cal.files)}.",
             "# Keys marked `measured` come from the metrics ([provenance] says how, "
             "[uncertainty] holds",
             "# their fitted distributions); the others are the base scenario's "
             f"({Path(base.source).name}).", ""]
    for t in spec():
        if not values[t]:
            continue
        lines.append(f"[{t}]")
        for k in spec()[t]:  # the format's order
            if k not in values[t]:
                continue
            key = f"{t}.{k}"
            fi = fitted.get(key)
            comment = ""
            if key == "workload.demand_file":
                comment = "  # measured: the request rates replayed (source = \"measured\")"
            elif fi is not None and fi.kind == "held":
                comment = "  # held (see [provenance])"
            elif fi is not None and _measured(fi):
                comment = "  # measured" + (f": {fi.low:.4g} to {fi.high:.4g} ({cal.level:.0%})"
                                            if fi.se is not None else "")
            lines.append(f"{k} = {_toml(values[t][k])}{comment}")
        lines.append("")
    unc = {k: dict(v) for k, v in base.uncertainty.items() if k not in fitted}
    for f in cal.inputs:
        u = _uncertainty(f, cal)
        if u is not None:
            unc[f.key] = u
    if unc:
        lines.append("[uncertainty]")
        lines += [f"{_quoted(k)} = {_toml(v)}" for k, v in unc.items()]
        lines.append("")
    prov = {k: dict(v) for k, v in base.provenance.items() if k not in fitted}
    prov.update({f.key: _provenance(f, cal) for f in cal.inputs if _measured(f)})
    prov["workload.demand_file"] = {"source": "the measured request rates (see "
                                              "workload.source)", "files": [demand_file]}
    lines.append("[provenance]")
    lines += [f"{_quoted(k)} = {_toml(v)}" for k, v in prov.items()]
    return "\n".join(lines) + "\n"


def write_scenario(cal: Calibration, path: str | Path) -> Scenario:
    """Write the calibrated scenario and its measured demand beside it, and load it back.

    Parameters
    ----------
    cal : Calibration
        From :func:`~aurora_models.calibration.calibrate`.
    path : str or Path
        The scenario file to write (``my.toml``); the demand goes to ``my.demand.csv`` in the
        same directory.

    Returns
    -------
    Scenario
        The written file, loaded and validated (a calibration that does not load is an error
        here, not at the user's next ``estimate``).

    See Also
    --------
    calibrate : Fits the inputs.
    scenario_text : The text alone.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from aurora_models import calibration
    >>> cal = calibration.calibrate(calibration.example_metrics(), writer="shop-writer")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     s = calibration.write_scenario(cal, pathlib.Path(d) / "shop.toml")
    ...     s["workload"]["source"], s.provenance["workload.io_per_write"]["metrics"][0]
    ('measured', 'VolumeReadIOPs')
    """
    path = Path(path)
    demand = path.with_name(path.stem + ".demand.csv")
    frame = cal.demand.copy()
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(demand, index=False, float_format="%.10g")
    text = scenario_text(cal, demand.name)
    path.write_text(text, encoding="utf-8")
    return loads(text, source=str(path), base_dir=path.parent)
