"""Scenario files and the architect's entry point: one TOML file -> every estimate.

- :func:`load` / :func:`loads` read and validate a scenario (default: the bundled gaming
  leaderboard, :func:`default_path`); errors are :class:`ScenarioError` naming key and line.
- :func:`estimate` runs every model on it and returns a :class:`ScenarioResult`
  (``to_dict()`` is the documented JSON schema, ``SCHEMA_VERSION``).
- Rendering for the CLI: :func:`render` (table, markdown, csv, json) and :func:`write_report`
  (PNG plots, ``estimate.json`` and a one-page HTML report, written all at once); plots
  :func:`plot_capacity`, :func:`plot_costs`, :func:`plot_downtime` take ``ax=None``.

The format is documented in ``docs/scenario_format.md``.
"""

from ._estimate import (
    SCHEMA_VERSION,
    ScenarioResult,
    demand_series,
    estimate,
    estimate_batch,
    summary_rows,
)
from ._render import (
    FORMATS,
    plot_capacity,
    plot_costs,
    plot_downtime,
    render,
    render_bill,
    write_report,
)
from ._schema import json_schema
from ._spec import Scenario, ScenarioError, default_path, load, loads, rules, spec, template_text

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "default_path",
    "demand_series",
    "estimate",
    "estimate_batch",
    "json_schema",
    "load",
    "loads",
    "plot_capacity",
    "plot_costs",
    "plot_downtime",
    "render",
    "render_bill",
    "rules",
    "spec",
    "summary_rows",
    "template_text",
    "write_report",
]
