"""The ``aurora-models`` command.

Subcommands compose public functions only; no model lives here.

- ``aurora-models report [--out DIR] [--scenario FILE]``: execute every notebook in a fresh kernel
  and render an HTML page per notebook (assertion cells hidden) plus an index; with
  ``--scenario``, only the case study, run with papermill on the user's scenario file.
- ``aurora-models notebooks --in-place``: re-execute every notebook and store its outputs (run after
  a deliberate change so nbval compares against the new outputs).
- ``aurora-models estimate [SCENARIO]``: every estimate for a scenario file (default: the bundled
  gaming leaderboard); ``--format table|json|csv|markdown``, ``--out DIR`` for plots and a report.
- ``aurora-models scenario init [PATH]``: write a commented scenario template.
- ``aurora-models scenario from-terraform PLAN`` / ``from-cloudformation TEMPLATE --region R``:
  a scenario from the infrastructure code (``terraform show -json`` output, a CloudFormation
  template), its usage from ``--usage FILE``.
- ``aurora-models import-prices OFFER --out BOOK``: AWS's AmazonRDS offer file (CSV or regional
  JSON, on-demand and reserved terms) -> a price book for ``--price-book``.
- ``aurora-models calibrate METRICS... --queries Q --out my.toml``: a scenario fitted to a
  cluster's CloudWatch exports (measured demand, per-operation costs with intervals).
- ``aurora-models reconcile SCENARIO CUR``: the scenario's bill against a Cost and Usage Report
  (CUR 2.0 CSV, gzip CSV or Parquet): model vs actual per line and in total, unmapped lines listed.
- ``aurora-models datasets``: the bundled data with provenance.
- ``aurora-models assumptions [--module M]``: every default and its source or rationale.

Exit codes: 0 success, 1 a notebook failed or a bug (traceback), 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from . import __version__, infra, pricing
from . import scenario as sc  # `scenario` is a path in several commands
from ._optional import check_installed
from ._output import check_out_dir, staged_output, write_file_atomic
from ._params import params_of
from ._registry import assumptions
from ._resources import doc_path, notebooks_root
from .billing import OPTION_LABELS, configured_change, diff_bills
from .data import list_datasets
from .exceptions import BudgetError, UserInputError
from .pricing._book import CONFIDENCE_MEANING
from .scenario._estimate import summary_rows
from .scenario._schema import json_markdown, keys_markdown, schema_text, update_docs
from .scenario._settings import RunSettings
from .sensitivity import analyze, propagate_scenario
from .sensitivity._analysis import (
    _ENV_CONNECT,
    _check_pow2,
    _check_sample_budget,
    check_scheduler_address,
    connect_timeout_s,
)
from .sensitivity._render import render_sensitivity, write_sensitivity
from .sensitivity._rows import assumption_intervals
from .sensitivity._scenario import WORK_PER_EVALUATION, distributions

__all__ = ["main"]

_EXIT_CODES = """\
exit codes:
  0  success (also when the reader of a pipe closes it early, as `| head` does)
  1  a notebook failed (report, notebooks), or an unexpected error: a bug, shown with its
     traceback; please report it
  2  bad usage or input: a bad option, scenario file, value or data file, an unusable path,
     or work beyond the budget; one line names the path or parameter and the reason
     (--debug adds the traceback); or an optional dependency not installed: the line names
     the extra to install (pip install 'aurora-arch-models[report]')
"""


def _find_notebooks(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"`--notebooks` folder not found: {folder}")
    books = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not books:
        raise FileNotFoundError(f"no notebooks (*.ipynb) in {folder}")
    return books


class NotebookFailed(RuntimeError):
    """A notebook cell raised; the message names the notebook and the cell."""


class UsageError(UserInputError, ValueError):
    """A bad command-line value (exit code 2, one line)."""


def _execute(path: Path, timeout_s: int):
    """Run ``path`` top to bottom in a fresh kernel with the notebook's folder as cwd."""
    import tempfile

    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    # IPC sockets in a private folder: the kernel then has no TCP port to warn about.
    sockets = tempfile.mkdtemp(prefix="aurora-kernel-")
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets, "kernel")))
    # record_timing=False: no per-cell timestamps, so a refresh diff shows only real changes.
    client = NotebookClient(nb, km=km, timeout=timeout_s, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells)
                      if c.cell_type == "code" and any(o.get("output_type") == "error"
                                                       for o in c.get("outputs", []))), None)
        where = f"cell {index}" if index is not None else "a cell"
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()  # drop terminal colours
        last = text.splitlines()[-1] if text else type(exc).__name__
        raise NotebookFailed(f"{path.name}: {where} failed: {last}") from None
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=False)
        import shutil

        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def _executed(books: list[Path], timeout_s: int):
    """Execute each notebook with a progress line; yield ``(path, nb, start)``, ``nb`` None on
    failure (the error already printed)."""
    for i, path in enumerate(books, 1):
        start = time.perf_counter()
        print(f"[{i}/{len(books)}] {path.name} ...", end=" ", flush=True)
        try:
            nb = _execute(path, timeout_s)
        except NotebookFailed as exc:
            print("FAILED", flush=True)
            print(f"error: {exc}", file=sys.stderr)
            nb = None
        yield path, nb, start


#: What the HTML report leaves out, by cell tag (DESIGN.md, "Notebooks"): assertion cells, the
#: input of ``hide-input`` cells, and the explorers' widget output (it needs a live kernel).
REPORT_REMOVE = {"remove_cell_tags": ("assert",), "remove_input_tags": ("hide-input",),
                 "remove_all_outputs_tags": ("explorer",)}

#: The notebook whose ``parameters`` cell takes ``SCENARIO_FILE`` (``report --scenario``).
CASE_STUDY = "06_"



def report_title(path: Path, nb) -> tuple[str, str]:
    """The notebook's title, prefixed ``NN ·`` like its file name, and the intro's first sentence."""
    cells = [c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()]
    title = cells[0].source.splitlines()[0].lstrip("# ").strip() if cells else path.stem
    number = path.stem.split("_", 1)[0]
    if number.isdigit() and not title.startswith(number):
        title = f"{number} · {title}"
    intro = ""
    if cells:
        paragraphs = [b.strip() for b in cells[0].source.split("\n\n")[1:] if b.strip()]
        if paragraphs:
            flat = " ".join(paragraphs[0].split())
            intro = re.split(r"(?<=[.?])\s", flat, maxsplit=1)[0]
            if len(intro) > 240:
                intro = intro[:240].rsplit(" ", 1)[0] + " …"
            if intro.count("`") % 2:  # never cut a code span in two
                intro = intro.replace("`", "")
    return title, intro


def report_html(nb, *, title: str | None = None, show_code: bool = True) -> str:
    """The notebook as one HTML page, assertions and widget output removed by tag.

    ``title`` is the page's ``<title>`` (default the notebook's own heading); without
    ``show_code`` only the outputs and the prose are shown. Every figure gets a description
    (the heading it stands under) where the notebook gives none."""
    import copy

    from jinja2 import PackageLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # widget state would pull the widget manager from the web
    # templates/nbconvert/aurora_report.html.j2: JupyterLab's page without scripts from a CDN
    exporter = HTMLExporter(extra_loaders=[PackageLoader("aurora_models", "templates/nbconvert")],
                            template_file="aurora_report.html.j2")
    exporter.register_preprocessor(TagRemovePreprocessor(enabled=True, **REPORT_REMOVE),
                                   enabled=True)
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = exporter.exclude_output_prompt = not show_code
    name = title or report_title(Path("notebook"), nb)[0]
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return _describe_figures(body)


#: nbconvert's text for an image with no description.
_NO_ALT = "No description has been provided for this image"


def _describe_figures(page: str) -> str:
    """Give each undescribed figure the heading it stands under as its alternative text."""
    if _NO_ALT not in page:
        return page
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    heading = None
    for elem in soup.find_all(["h1", "h2", "h3", "img"]):
        if elem.name != "img":
            heading = " ".join(elem.get_text(" ").replace("¶", "").split())
        elif elem.get("alt") == _NO_ALT:
            elem["alt"] = f"Figure: {heading}" if heading else "Figure"
    return str(soup)


def index_html(entries: list[tuple[str, str, str]], lead: str) -> str:
    """The report's index page (``templates/index.html.j2``): one entry per page, ``(href,
    title, intro)``, the title and intro with their `code`, **bold** and *emphasis* spans."""
    # light: the templates load jinja2 only when a report is written
    from ._templates import render_template

    return render_template("index.html.j2", lead=lead, entries=[
        {"href": href, "title": title, "intro": intro} for href, title, intro in entries])


def _execute_scenario(path: Path, scenario: Path, timeout_s: int):
    """Run the case study with papermill, ``SCENARIO_FILE`` set to ``scenario``."""
    import tempfile

    import nbformat
    import papermill

    with tempfile.TemporaryDirectory(prefix="aurora-report-") as tmp:
        out = Path(tmp) / path.name
        try:
            papermill.execute_notebook(
                str(path), str(out), parameters={"SCENARIO_FILE": str(scenario)},
                cwd=str(path.parent), kernel_name="python3", progress_bar=False,
                log_output=False, execution_timeout=timeout_s, report_mode=False)
        except papermill.PapermillExecutionError as exc:
            raise NotebookFailed(f"{path.name}: cell {exc.exec_count} failed: "
                                 f"{exc.ename}: {exc.evalue}") from None
        return nbformat.read(out, as_version=4)


def _kernel_environment() -> None:
    """The environment the notebook kernels inherit: their own plotting backend (a CI image's
    MPLBACKEND=Agg would leave every page without its figures), and no debugger warning about
    frozen modules (older ipykernel/debugpy print it on every start) in the command's output."""
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def _slug(text: str) -> str:
    """A file-name part of a scenario's name: ``My SaaS (EU)`` -> ``my_saas_eu``."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]
    return slug or "scenario"


def _cmd_report(args: argparse.Namespace) -> int:
    check_installed("report", feature="`aurora-models report`")
    if args.notebooks is None:
        args.notebooks = str(notebooks_root())
    _kernel_environment()

    books = _find_notebooks(Path(args.notebooks))
    scenario = None
    if args.scenario:
        scenario = Path(args.scenario).resolve()
        spec = sc.load(scenario)  # a bad file fails here, in one line, before a kernel starts
        books = [b for b in books if b.name.startswith(CASE_STUDY)]
        if not books:
            raise FileNotFoundError(f"no case study ({CASE_STUDY}*.ipynb) in {args.notebooks}")
    check_out_dir(Path(args.out))
    entries, failed = [], []
    with staged_output(args.out) as stage:
        if scenario is None:
            runs = _executed(books, args.timeout)
        else:
            runs = _executed_scenario(books, scenario, args.timeout)
        for path, nb, start in runs:
            if nb is None:
                failed.append(path.name)
                continue
            title, intro = report_title(path, nb)
            name = path.stem + ".html"
            if scenario is not None:  # the page tells the user's system's story, under its name
                title = f"{path.stem.split('_', 1)[0]} · Case study: {spec.name}"
                intro = spec["scenario"]["description"] or intro
                name = f"{path.stem.split('_', 1)[0]}_case_study_{_slug(spec.name)}.html"
            stage.write_text(name, report_html(nb, title=title,
                                               show_code=scenario is None or args.show_code))
            entries.append((name, title, intro))
            print(f"ok ({time.perf_counter() - start:.1f} s)", flush=True)
        lead = ("Every notebook executed in a fresh kernel; assertion cells are hidden."
                if scenario is None else f"The case study executed for {scenario.name}.")
        stage.write_text("index.html", index_html(entries, lead))
    out = Path(args.out)
    print(f"report: {out / 'index.html'} ({len(entries)} of {len(books)} notebooks)")
    print(stage.summary(), file=sys.stderr)
    if failed:
        print(f"error: {len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _executed_scenario(books: list[Path], scenario: Path, timeout_s: int):
    for path in books:
        start = time.perf_counter()
        print(f"[1/1] {path.name} with {scenario.name} ...", end=" ", flush=True)
        try:
            nb = _execute_scenario(path, scenario, timeout_s)
        except NotebookFailed as exc:
            print("FAILED", flush=True)
            print(f"error: {exc}", file=sys.stderr)
            nb = None
        yield path, nb, start


#: The notebooks' cell tags (DESIGN.md, "Notebooks"): reports hide ``assert`` cells, papermill
#: replaces the one ``parameters`` cell, nbval ignores only explorer (widget) output,
#: ``hide-input`` shows a cell's output alone.
CELL_TAGS = ("assert", "parameters", "explorer", "nbval-ignore-output", "hide-input")


def tag_assertion_cells(nb) -> None:
    """Tag every code cell that asserts with ``assert`` (and untag one that no longer does)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = [t for t in cell.metadata.get("tags", []) if t != "assert"]
        if re.search(r"^\s*assert\b", cell.source, re.M):
            tags.insert(0, "assert")
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)


def strip_widget_state(nb) -> None:
    """Drop saved widget state: its model ids are new on every run, so a refresh would rewrite
    ~30 KB per notebook; an explorer is live only in a running kernel anyway."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code" and "explorer" in cell.metadata.get("tags", []):
            cell.outputs = [o for o in cell.get("outputs", [])
                            if "application/vnd.jupyter.widget-view+json"
                            not in o.get("data", {})]


def _cmd_notebooks(args: argparse.Namespace) -> int:
    _kernel_environment()

    if not args.in_place:
        print("nothing to do: pass --in-place to re-execute and store outputs", file=sys.stderr)
        return 2
    check_installed("report", feature="`aurora-models notebooks`")
    import nbformat

    books = _find_notebooks(Path(args.notebooks))
    if args.only:
        books = [b for b in books if any(s in b.name for s in args.only)]
    for path, nb, start in _executed(books, args.timeout):
        if nb is None:
            return 1
        tag_assertion_cells(nb)
        strip_widget_state(nb)
        nbformat.write(nb, path)
        print(f"stored ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


#: Width of the terminal tables (`assumptions`, `datasets`).
TABLE_WIDTH = 100


def _print_frame(frame, fmt: str, *, head: tuple[str, ...] = (), body: tuple[str, ...] = ()) -> None:
    """CSV, JSON, or a readable listing no wider than TABLE_WIDTH: per row, the ``head``
    columns on one line, then each ``body`` column wrapped and indented under it."""
    if fmt == "csv":
        print(frame.to_csv(index=False), end="")
        return
    if fmt == "json":
        print(frame.to_json(orient="records", indent=2, default_handler=str))
        return
    import textwrap

    out = []
    for row in frame.to_dict(orient="records"):
        line = "  ".join(str(row[c]) for c in head if str(row[c]) not in ("", "nan"))
        out.append(textwrap.shorten(line, TABLE_WIDTH, placeholder=" ..."))
        for c in body:
            text = str(row[c])
            if text in ("", "nan", "None"):
                continue
            out += textwrap.wrap(f"{c}: {text}", TABLE_WIDTH, initial_indent="    ",
                                 subsequent_indent="      ")
    print("\n".join(out))


def _cmd_datasets(args: argparse.Namespace) -> int:
    _print_frame(list_datasets(), args.format, head=("name", "path"),
                 body=("description", "source", "date", "licence", "provenance"))
    return 0


def _cmd_assumptions(args: argparse.Namespace) -> int:
    frame = assumptions(args.module)
    frame["value"] = frame["value"].map(str)
    _print_frame(frame, args.format, head=("name", "value", "unit", "kind"),
                 body=("source", "range", "scenario_key", "uncertainty"))
    return 0


def _progress_bar(enabled: bool):
    """A tiny stderr progress bar (no dependency); None when disabled."""
    if not enabled:
        return None

    def tick(step: str, i: int, n: int) -> None:
        done = int(20 * i / n)
        end = "\n" if i >= n else ""
        print(f"\r[{'#' * done}{'.' * (20 - done)}] {i}/{n} {step:<22}", end=end,
              file=sys.stderr, flush=True)

    return tick


def _cmd_estimate(args: argparse.Namespace) -> int:
    for flag in ("trials", "seed"):  # the rules of the file's own keys, declared once
        value = getattr(args, flag)
        if value is not None:
            try:
                params_of(RunSettings)[flag].check(value, name=f"--{flag}")
            except ValueError as exc:
                raise UsageError(str(exc)) from None
    if args.out:
        check_out_dir(Path(args.out))  # a bad --out fails now, not after the work
    if args.bill and args.format not in ("csv", "json", "table"):
        raise UsageError(f"`--bill` prints the bill lines as csv, json or table, got --format "
                         f"{args.format}")
    if args.bill and args.uncertainty is not None:
        raise UsageError("`--uncertainty` adds intervals to the summary rows; `--bill` prints "
                         "the bill lines, which have none (drop one of the two)")
    spec = _with_price_book(sc.load(args.scenario), args.price_book)
    if args.uncertainty is not None:  # the budget of the draws, before any work

        _check_pow2("--uncertainty", args.uncertainty)
        _check_sample_budget("estimate", "--uncertainty", args.uncertainty, args.uncertainty,
                             len(distributions(spec)), WORK_PER_EVALUATION)
    tick = _progress_bar(args.progress or sys.stderr.isatty())
    try:
        result = sc.estimate(spec, n_trials=args.trials, seed=args.seed, progress=tick)
    except BudgetError as exc:
        raise _renamed(exc, {"n_trials": "--trials"}) from None
    if tick:
        tick("done", 1, 1)
    intervals = None
    if args.uncertainty is not None:
        prop = propagate_scenario(spec, n=args.uncertainty, seed=args.seed,
                                  param_name="--uncertainty")
        intervals = assumption_intervals(prop, summary_rows(result.to_dict()), spec)
    text = (sc.render_bill(result, args.format) if args.bill
            else sc.render(result, args.format, uncertainty=intervals))
    if args.out:
        written = sc.write_report(result, args.out, uncertainty=intervals)
        names = ", ".join(p.name for p in written)
        print(f"wrote {len(written)} files to {args.out}: {names}", file=sys.stderr)
    sys.stdout.write(text)
    return 0


def _renamed(exc: BaseException, names: dict[str, str]) -> UsageError:
    """``exc``'s one line with the API's parameter names replaced by the command's flags."""
    msg = str(exc)
    for old, new in names.items():
        msg = msg.replace(f"`{old}`", f"`{new}`")
    return UsageError(msg)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    if args.seed is not None:
        try:
            params_of(RunSettings)["seed"].check(args.seed, name="--seed")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.n is not None and args.n < 2:
        raise UsageError(f"`--n` must be an integer >= 2, got {args.n}")
    if args.connect_timeout is not None:
        connect_timeout_s(args.connect_timeout)
    scheduler = args.scheduler
    if scheduler is not None:
        try:
            scheduler = check_scheduler_address(scheduler, name="--scheduler")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.out:
        check_out_dir(Path(args.out))
    spec = sc.load(args.scenario)
    tick = _progress_bar(args.progress or sys.stderr.isatty())
    previous = os.environ.get(_ENV_CONNECT)
    if args.connect_timeout is not None:  # for this call only (the Client is made inside)
        os.environ[_ENV_CONNECT] = repr(float(args.connect_timeout))
    try:
        result = analyze(spec, method=args.method, n=args.n, outputs=args.outputs or None,
                         seed=args.seed, executor=scheduler,
                         progress=None if tick is None else
                         (lambda done, total: tick("evaluations", done, total)))
    except UserInputError as exc:
        raise _renamed(exc, {"n": "--n", "executor": "--scheduler", "outputs": "--outputs",
                             "seed": "--seed", "rng": "--seed"}) from None
    finally:
        if previous is None:
            os.environ.pop(_ENV_CONNECT, None)
        else:
            os.environ[_ENV_CONNECT] = previous
    if args.out:
        written = write_sensitivity(result, args.out)
        print(f"wrote {len(written)} files to {args.out}: "
              f"{', '.join(p.name for p in written)}", file=sys.stderr)
    sys.stdout.write(render_sensitivity(result, args.format))
    return 0


def _with_price_book(spec, path):
    """The scenario priced from ``--price-book FILE`` (it wins over ``[pricing] offer_file``)."""
    if path is None:
        return spec
    if not Path(path).is_file():
        raise UsageError(f"`--price-book` must be a price file, got {path!r} (no such file)")
    return spec.replace(pricing__offer_file=str(path))


def _cmd_diff(args: argparse.Namespace) -> int:
    costs = []
    for path in (args.base, args.new):
        spec = _with_price_book(sc.load(path), args.price_book)
        r = sc.estimate(spec, n_trials=100, seed=args.seed, only=("cost",))
        costs.append(r.sections["cost"])
    head_row = configured_change(*costs)
    frame = diff_bills(costs[0]["bills"], costs[1]["bills"], changed_only=not args.all)

    def label(option):
        return OPTION_LABELS.get(option, option)

    same = head_row["base_option"] == head_row["new_option"]
    moved = (label(head_row["base_option"]) if same else
             f"{label(head_row['base_option'])} -> {label(head_row['new_option'])}")

    def usd(x):
        return f"{'+' if x > 0.005 else '-' if x < -0.005 else ' '}${abs(x):,.2f}"

    headline = (f"configured ({moved}): ${head_row['base_usd']:,.0f} -> "
                f"${head_row['new_usd']:,.0f}, {usd(head_row['delta_usd']).strip()}/month "
                f"({usd(head_row['delta_12_months_usd']).strip()} over 12 months)")
    if args.format == "csv":  # the configured bill's change first, as a row of its own
        import pandas as pd

        first = pd.DataFrame([{"option": "configured", "region": "", "line": moved,
                               "base_usd": head_row["base_usd"], "new_usd": head_row["new_usd"],
                               "delta_usd": head_row["delta_usd"],
                               "base_12_months_usd": head_row["base_12_months_usd"],
                               "new_12_months_usd": head_row["new_12_months_usd"],
                               "delta_12_months_usd": head_row["delta_12_months_usd"]}])
        out = pd.concat([first, frame], ignore_index=True)
        sys.stdout.write(out.to_csv(index=False, lineterminator="\n"))
        return 0
    if args.format == "json":
        import json

        doc = {"base": args.base, "new": args.new, "configured": head_row,
               "changed_only": not args.all, "rows": frame.to_dict(orient="records")}
        sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False) + "\n")
        return 0
    cells = [(label(r.option), r.region, r.line, f"${r.base_usd:,.2f}",
              f"${r.new_usd:,.2f}", usd(r.delta_usd), usd(r.delta_12_months_usd))
             for r in frame.itertuples()]
    head = ("option", "region", "line", "base/month", "new/month", "delta/month",
            "delta/12 months")
    hidden = "" if args.all else " (unchanged lines and options hidden; --all shows them)"
    if args.format == "markdown":
        out = [f"# diff: {args.base} -> {args.new}", "", f"**{headline}**", "",
               f"Per option and line{hidden}:", "", "| " + " | ".join(head) + " |",
               "|" + " --- |" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |"
                for cell in cells]
    else:
        w = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
        out = [f"diff: {args.base} -> {args.new} (per month; 12 months bills the growth)", "",
               headline, "", f"per option and line{hidden}:"]
        out += ["  ".join(f"{c[i]:<{w[i]}}" if i < 3 else f"{c[i]:>{w[i]}}"
                          for i in range(len(head))).rstrip() for c in [head, *cells]]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _cmd_reconcile(args: argparse.Namespace) -> int:
    # light: the CUR reader (pyarrow for Parquet only) is not part of the default commands
    from .cur import read_cur, reconcile

    cur = read_cur(args.cur)  # a bad file fails before the estimate's work
    spec = _with_price_book(sc.load(args.scenario), args.price_book)
    result = sc.estimate(spec, n_trials=100, seed=args.seed, only=("cost",))
    rec = reconcile(result, cur, option=args.option)
    frame = rec.to_frame()
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
        return 0
    if args.format == "json":
        import json

        doc = {"scenario": args.scenario, "cur": args.cur, **rec.to_dict()}
        sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False, default=str) + "\n")
        return 0

    def usd(x):
        return f"{'-' if x < -0.005 else ''}${abs(x):,.2f}"

    def rel(x):
        return "" if x != x else f"{x:+.1%}"

    def qty(x):
        return "" if x != x else f"{x:,.4g}"

    head = ("region", "kind", "bill lines", "unit", "model qty", "actual qty", "model",
            "actual", "actual - model", "rel")
    cells: list[tuple[str, ...]] = [
        (str(r["region"]), str(r["kind"]), str(r["line_ids"] or r["usage_types"]),
         str(r["unit"]), qty(r["model_quantity"]), qty(r["actual_quantity"]),
         usd(r["model_usd"]), usd(r["actual_usd"]), usd(r["difference_usd"]),
         rel(r["relative_difference"])) for r in frame.to_dict(orient="records")]
    title = (f"reconcile: {args.scenario} ({OPTION_LABELS.get(rec.option, rec.option)}) vs "
             f"{args.cur}, {rec.period_start} to {rec.period_end} ({rec.period_hours:g} h; the "
             f"model's 730-hour month scaled by {rec.scale:.4f} on hourly lines)")
    notes = [f"{len(rec.unmapped)} unmapped line{'s' if len(rec.unmapped) != 1 else ''} "
             f"({usd(rec.actual_unmapped_usd)}), listed above as kind `unmapped`"]
    notes += [f"  line {u['line']}: {u['usage_type']} ({u['reason']})"
              for u in rec.unmapped.to_dict(orient="records")]
    if len(rec.other_charges):
        notes.append(f"other charges (tax, credits, fees; not usage): "
                     f"{usd(rec.other_charges_usd)}")
    if rec.other_products:
        notes.append(f"{rec.other_products} line{'s' if rec.other_products != 1 else ''} of "
                     "other services left aside")
    if args.format == "markdown":
        out = [f"# {title}", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |"
                for cell in cells]
        out += ["", *[f"- {n.strip()}" for n in notes]]
    else:
        w = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
        out = [title, ""]
        out += ["  ".join(f"{c[i]:<{w[i]}}" if i < 4 else f"{c[i]:>{w[i]}}"
                          for i in range(len(head))).rstrip() for c in [head, *cells]]
        out += ["", *notes]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _cmd_prices(args: argparse.Namespace) -> int:
    import fnmatch

    try:
        book = (pricing.load(args.region, engine=args.engine) if args.price_book is None
                else pricing.load(args.region, engine=args.engine, path=args.price_book))
    except ValueError as exc:  # an unknown region or engine: the message lists the valid ones
        raise UsageError(str(exc).replace("`region`", "`--region`").replace(
            "`engine`", "`--engine`")) from None
    frame = book.to_frame()
    if args.instance_class:
        pattern = args.instance_class if any(c in args.instance_class for c in "*?[") \
            else f"*{args.instance_class}*"
        if not pattern.startswith(("db.", "*")):
            pattern = "*" + pattern
        frame = frame[frame["instance_class"].map(
            lambda c: bool(c) and fnmatch.fnmatch(c, pattern))]
        if frame.empty:
            raise UsageError(f"`--class` {args.instance_class!r} matches no class of the "
                             f"{book.region} {book.engine} price book")
    sources = frame["source"].value_counts()
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
        return 0
    if args.format == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2) + "\n")
        return 0
    print(f"{book.region} {book.engine}: {len(frame)} prices as of {book.as_of}; source: "
          f"{sources.index[0] if len(sources) else 'n/a'}"
          + (f" (+{len(sources) - 1} other sources: --format csv)" if len(sources) > 1 else ""))
    if book.missing:
        print(f"missing here: {', '.join(book.missing)}")
    show = frame[["item", "instance_class", *(["term"] if "term" in frame else []), "vcpu",
                  "memory_gib", "usd", "unit", "confidence"]]
    print(show.to_string(index=False, na_rep=""))

    print("\ncolumns: item (the billed dimension), instance_class (for instance-hours), vcpu and "
          "memory_gib (the class's size), usd per unit (AWS's price unit: GB-month means "
          "GiB-month), confidence:")
    for level in sorted(set(show["confidence"]), key=list(CONFIDENCE_MEANING).index):
        print(f"  {level}: {CONFIDENCE_MEANING[level]}")
    return 0


def _cmd_import_prices(args: argparse.Namespace) -> int:
    engine = {"aurora-mysql": "Aurora MySQL", "aurora-postgresql": "Aurora PostgreSQL"}[
        args.engine]
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"`--out` must be the path of a file, got {args.out!r} (a folder)")
    book = pricing.import_offer_file(args.offer, args.region, output_path=out, engine=engine)
    reserved = book[book["item"] == pricing.RESERVED_ITEM]
    on_demand = book[book["item"] != pricing.RESERVED_ITEM]
    as_of = book["as_of"].iloc[0] if len(book) else "unknown"
    print(f"wrote {out}: {len(book)} prices for {book.attrs['region']} ({args.engine}, offer "
          f"file published {as_of}): {len(on_demand)} on-demand, {len(reserved)} reserved "
          f"rates ({reserved['instance_class'].nunique()} classes, terms "
          f"{', '.join(t for t in pricing.RESERVED_TERMS if t in set(reserved['term'])) or 'none'})")
    counts = book.attrs["skipped_counts"]
    print(f"skipped {sum(counts.values())} rows:" if counts else "skipped no rows")
    for reason, n in counts.items():
        print(f"  {n:>8}  {reason}")
    print(f"use it: aurora-models estimate SCENARIO --price-book {out} (or [pricing] offer_file)")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    import pandas as pd

    from . import calibration  # light: pandas work only this command needs

    out = Path(args.out)
    if out.is_dir() or out.suffix != ".toml":
        raise UsageError(f"`--out` must be the path of a .toml file, got {args.out!r}")
    base = sc.load(args.base) if args.base else None
    frame = calibration.read_metrics(args.metrics, queries=args.queries, period_s=args.period)
    cal = calibration.calibrate(frame, base=base, engine=args.engine, writer=args.writer,
                                instance_class=args.instance_class, max_acu=args.max_acu,
                                level=args.level)
    calibration.write_scenario(cal, out)  # loads it back: a file that would not load fails here
    level = f"{cal.level:.0%}"
    print(f"measured {cal.window} from {len(cal.files)} file(s), {cal.period_s} s period\n")
    rows = []
    for f in cal.inputs:
        shown = f"{f.value:.6g}" if isinstance(f.value, float) else str(f.value)
        interval = (f"[{f.low:.4g}, {f.high:.4g}]" if f.se is not None else "")
        rows.append((f.key, shown, f.unit, interval))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{'key':<{w[0]}}  {'value':>{w[1]}}  {'unit':<{w[2]}}  {level} interval")
    for key, shown, unit, interval in rows:
        print(f"{key:<{w[0]}}  {shown:>{w[1]}}  {unit:<{w[2]}}  {interval}")
    if len(cal.checks):
        print("\nchecks (compared, not fitted):")
        for c in cal.checks.to_dict("records"):
            model = "" if pd.isna(c["model"]) else f", model {c['model']:.4g}"
            measured = "" if pd.isna(c["measured"]) else f"{c['measured']:.4g}"
            print(f"  {c['check']}: {measured} {c['unit']}{model}")
    demand = out.with_name(out.stem + ".demand.csv")
    print(f"\nwrote {out} and {demand} ([provenance] says where each value came from)")
    print(f"next: aurora-models estimate {out} --uncertainty")
    return 0


def _cmd_scenario_init(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory; give the path of a file",
                                str(target))
    if target.exists() and not args.force:
        raise FileExistsError(errno.EEXIST, "already exists; pass --force to overwrite it",
                              str(target))
    write_file_atomic(target, sc.template_text())
    print(f"wrote {target}: edit it, then run `aurora-models estimate {target}`")
    return 0


#: Usage values that let an infrastructure-only scenario be validated before it is written.
_PLACEHOLDER_USAGE = {"cluster": {"volume_gib": 1}, "workload": {"writes_per_s": 0,
                                                                 "reads_per_s": 0}}


def _write_infra(found: list, args: argparse.Namespace, source: str, flag: str) -> int:
    """Write each deployment's scenario (stdout for one without ``--out``)."""
    if len(found) > 1 and args.out is None:
        names = ", ".join(d.address for d in found)
        raise UsageError(f"{source} holds {len(found)} Aurora deployments ({names}): pick one "
                         f"with {flag} or write one scenario each with --out DIR")
    targets: list[Path | None]
    if args.out is None:
        targets = [None]
    elif len(found) > 1 or Path(args.out).is_dir():
        folder = Path(args.out)
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"`--out` must be a folder for {len(found)} scenarios, got "
                             f"{args.out!r} (a file)")
        targets = [folder / f"{_slug(d.name)}.toml" for d in found]
    else:
        targets = [Path(args.out)]
    texts = []
    for d, target in zip(found, targets, strict=True):
        where = str(target) if target is not None else "<stdout>"
        if target is not None and target.exists() and not args.force:
            raise FileExistsError(errno.EEXIST, "already exists; pass --force to overwrite it",
                                  str(target))
        text = d.to_toml(args.usage)
        # validated before anything is written: with placeholders where no usage was given
        checked = text if args.usage else d.to_toml(_PLACEHOLDER_USAGE, usage_source="-")
        sc.loads(checked, source=where)
        texts.append((d, target, text))
    for d, target, text in texts:
        for line in (*d.unknown, *d.unsupported):
            print(f"note: {line}", file=sys.stderr)
        if target is None:
            sys.stdout.write(text)
        else:
            write_file_atomic(target, text)
            todo = "" if args.usage else " (fill in its REQUIRED usage lines first)"
            print(f"wrote {target}: {d.address}; run `aurora-models estimate {target}`{todo}",
                  file=sys.stderr)
    return 0


def _cmd_scenario_from_terraform(args: argparse.Namespace) -> int:
    found = infra.from_terraform(args.plan, address=args.address, primary=args.primary)
    return _write_infra(found, args, args.plan, "--address")


def _key_value(text: str, flag: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"`{flag}` must be KEY=VALUE, got {text!r}")
    return key, value


def _cmd_scenario_from_cloudformation(args: argparse.Namespace) -> int:
    parameters = dict(_key_value(p, "--parameter") for p in args.parameter or [])
    secondaries = [_key_value(s, "--secondary") for s in args.secondary or []]
    found = infra.from_cloudformation(args.template, region=args.region, parameters=parameters,
                                      secondaries=secondaries, logical_id=args.logical_id)
    return _write_infra(found, args, args.template, "--logical-id")


def _cmd_scenario_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return 0


def _cmd_scenario_docs(args: argparse.Namespace) -> int:
    if args.update is None and not args.full:
        sys.stdout.write(keys_markdown() + "\n\n" + json_markdown() + "\n")
        return 0
    if args.full:
        sys.stdout.write(doc_path("scenario_format.md").read_text(encoding="utf-8"))
        return 0
    update_docs(args.update)
    print(f"updated the generated sections (keys, JSON output) of {args.update}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback of an input error too (exit code 2)")
    parser = argparse.ArgumentParser(prog="aurora-models", description=__doc__.splitlines()[0],
                                     epilog=_EXIT_CODES, parents=[common],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        """A subcommand with the common options and the exit codes."""
        return _add(name, parents=[common], epilog=_EXIT_CODES,
                    formatter_class=argparse.RawDescriptionHelpFormatter, **kw)

    rep = add_parser("report", help="execute every notebook and render an HTML report")
    rep.add_argument("--out", default="build/report", help="output folder (default build/report)")
    rep.add_argument("--notebooks", default=None,
                     help="notebook folder (default: the notebooks shipped with the package)")
    rep.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    rep.add_argument("--scenario", default=None, metavar="FILE",
                     help="render only the case study, executed with papermill for this "
                          "scenario file (the committed notebook is not touched)")
    rep.add_argument("--show-code", action="store_true",
                     help="with --scenario: also show the code cells (hidden by default)")
    rep.set_defaults(func=_cmd_report)

    nbs = add_parser("notebooks", help="re-execute notebooks and store their outputs")
    nbs.add_argument("--in-place", action="store_true", help="store the new outputs in the files")
    nbs.add_argument("--notebooks", default="notebooks", help="notebook folder (default notebooks)")
    nbs.add_argument("--only", nargs="*", help="only notebooks whose name contains one of these")
    nbs.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    nbs.set_defaults(func=_cmd_notebooks)

    ds = add_parser("datasets", help="list the bundled data sets with provenance")
    ds.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ds.set_defaults(func=_cmd_datasets)

    asm = add_parser("assumptions", help="list every default with its source or rationale")
    asm.add_argument("--module", default=None, help="only this model module")
    asm.add_argument("--format", choices=["table", "csv", "json"], default="table")
    asm.set_defaults(func=_cmd_assumptions)

    est = add_parser("estimate", help="every estimate for a scenario file (default: the "
                                          "bundled gaming leaderboard)")
    est.add_argument("scenario", nargs="?", default=None,
                     help="scenario TOML file (default: the bundled leaderboard scenario)")
    est.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    est.add_argument("--out", default=None, help="also write PNG plots, estimate.json and "
                                                 "report.html into this folder")
    est.add_argument("--trials", type=int, default=None, help="Monte Carlo trials (>= 100)")
    est.add_argument("--seed", type=int, default=None, help="random seed")
    est.add_argument("--progress", action="store_true",
                     help="show a progress bar on stderr (default: only on a terminal)")
    est.add_argument("--bill", action="store_true",
                     help="print every bill line (option, region, line, quantity, unit price, "
                          "amount) instead of the summary")
    est.add_argument("--price-book", default=None, metavar="FILE",
                     help="price file to use instead of the bundled snapshot")
    est.add_argument("--uncertainty", type=int, nargs="?", const=32, default=None, metavar="N",
                     help="also propagate the assumptions' distributions: every row gains its "
                          "median and 90 %% interval over N quasi-random draws (a power of 2, "
                          "default 32), labelled apart from the Monte Carlo interval")
    est.set_defaults(func=_cmd_estimate)

    sen = add_parser("sensitivity", help="rank the uncertain assumptions by their global "
                                             "sensitivity (Morris screening or Sobol indices)")
    sen.add_argument("scenario", nargs="?", default=None,
                     help="scenario TOML file (default: the bundled leaderboard scenario)")
    sen.add_argument("--method", choices=["morris", "sobol"], default="morris")
    sen.add_argument("--n", type=int, default=None,
                     help="Morris trajectories (default 8) or Sobol base samples, a power of 2 "
                          "(default 64)")
    sen.add_argument("--outputs", nargs="*", default=None,
                     help="only these outputs (default all; e.g. bill_serverless_standard "
                          "downtime_minutes_per_year)")
    sen.add_argument("--seed", type=int, default=None, help="seed (default the scenario's)")
    sen.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run the evaluations on a dask cluster (tcp://host:8786)")
    sen.add_argument("--connect-timeout", type=float, default=None, metavar="S",
                     help="seconds to wait for the scheduler (default 5; or "
                          "AURORA_MODELS_CONNECT_TIMEOUT_S)")
    sen.add_argument("--progress", action="store_true",
                     help="show a progress bar on stderr (default: only on a terminal)")
    sen.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    sen.add_argument("--out", default=None, help="also write sensitivity.csv/json, a plot per "
                                                 "output and report.html into this folder")
    sen.set_defaults(func=_cmd_sensitivity)

    dif = add_parser("diff", help="per option and per line, the monthly and 12-month bill "
                                      "change from BASE to NEW")
    dif.add_argument("base", help="base scenario TOML file")
    dif.add_argument("new", help="new scenario TOML file")
    dif.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    dif.add_argument("--all", action="store_true",
                     help="also show the lines and options that did not change")
    dif.add_argument("--seed", type=int, default=None, help="random seed (default: each file's)")
    dif.add_argument("--price-book", default=None, metavar="FILE",
                     help="price file to use instead of the bundled snapshot")
    dif.set_defaults(func=_cmd_diff)

    rcn = add_parser("reconcile", help="the scenario's bill against a Cost and Usage Report "
                                       "(CUR 2.0): model vs actual per line and in total")
    rcn.add_argument("scenario", help="scenario TOML file")
    rcn.add_argument("cur", help="CUR 2.0 export: CSV, .csv.gz or .parquet (the cur extra)")
    rcn.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    rcn.add_argument("--option", default=None,
                     help="deployment option to reconcile (default: the configured one)")
    rcn.add_argument("--seed", type=int, default=None, help="random seed (default: the file's)")
    rcn.add_argument("--price-book", default=None, metavar="FILE",
                     help="price file to use instead of the bundled snapshot")
    rcn.set_defaults(func=_cmd_reconcile)

    prc = add_parser("prices", help="what the price book holds (as-of date and source)")
    prc.add_argument("--region", default="us-east-1", help="AWS region (default us-east-1)")
    prc.add_argument("--engine", default="aurora-mysql",
                     help="aurora-mysql (default), aurora-postgresql or an RDS engine")
    prc.add_argument("--class", dest="instance_class", default=None, metavar="PATTERN",
                     help="only instance classes matching PATTERN (glob or substring)")
    prc.add_argument("--format", choices=["table", "csv", "json"], default="table")
    prc.add_argument("--price-book", default=None, metavar="FILE",
                     help="price file to read instead of the bundled snapshot")
    prc.set_defaults(func=_cmd_prices)

    imp = add_parser("import-prices", help="read AWS's AmazonRDS offer file (CSV or "
                                                "regional JSON) into a price book, on-demand "
                                                "and reserved")
    imp.add_argument("offer", metavar="OFFER",
                     help="the Price List offer file: AmazonRDS index.csv (all regions or one) "
                          "or a regional index.json (needs the `offers` extra)")
    imp.add_argument("--region", default=None,
                     help="region to keep (required for the all-region file; a regional file's "
                          "region is read from it)")
    imp.add_argument("--engine", choices=["aurora-mysql", "aurora-postgresql"],
                     default="aurora-mysql",
                     help="engine whose rows win when both Aurora engines price an item")
    imp.add_argument("--out", required=True, metavar="FILE",
                     help="the price book to write (atomically), for --price-book")
    imp.set_defaults(func=_cmd_import_prices)

    cal = add_parser("calibrate", help="fit a scenario to a cluster's CloudWatch exports "
                                       "(measured demand; I/O, CPU and capacity per operation "
                                       "with intervals)")
    cal.add_argument("metrics", nargs="+", metavar="METRICS",
                     help="get-metric-data result pages (JSON), get-metric-statistics outputs "
                          "(JSON, with --period) and plain CSVs (timestamp, metric, statistic, "
                          "period_s, value[, unit, dimensions])")
    cal.add_argument("--queries", default=None, metavar="FILE",
                     help="the --metric-data-queries file the get-metric-data pages came from")
    cal.add_argument("--period", type=int, default=None, metavar="S",
                     help="the --period of get-metric-statistics outputs, seconds")
    cal.add_argument("--out", required=True, metavar="FILE.toml",
                     help="the scenario to write (its demand goes to FILE.demand.csv beside it)")
    cal.add_argument("--base", default=None, metavar="SCENARIO",
                     help="scenario whose other keys (regions, failures, pricing, objectives) "
                          "are kept (default: the bundled one)")
    cal.add_argument("--engine", choices=["mysql", "postgresql"], default=None,
                     help="the cluster's engine (default: the base scenario's)")
    cal.add_argument("--writer", default=None, metavar="ID",
                     help="the writer's DBInstanceIdentifier (needed with several instances)")
    cal.add_argument("--instance-class", default=None, metavar="CLASS",
                     help="a provisioned cluster's class (default: the base scenario's)")
    cal.add_argument("--max-acu", type=float, default=None, metavar="ACU",
                     help="a Serverless v2 cluster's max ACU (default: measured from "
                          "ServerlessDatabaseCapacity / ACUUtilization, else the base's)")
    cal.add_argument("--level", type=float, default=0.9,
                     help="two-sided level of the reported intervals (default 0.9)")
    cal.set_defaults(func=_cmd_calibrate)

    scn = add_parser("scenario", help="scenario files")
    scn_sub = scn.add_subparsers(dest="scenario_command", required=True)
    init = scn_sub.add_parser("init", help="write a commented scenario template", parents=[common])
    init.add_argument("path", nargs="?", default="scenario.toml",
                      help="where to write it (default scenario.toml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(func=_cmd_scenario_init)
    usage_help = ("usage TOML: [workload] (and other tables) plus the [cluster] keys the "
                  "infrastructure does not say (volume_gib, ...), or a base scenario; infracost's "
                  "storage_gb, backtrack_window_hrs, snapshot_export_size_gb at its top. Without "
                  "it the REQUIRED usage keys are written as lines to fill in")
    out_help = ("write the scenario here (default stdout); a folder: one scenario per "
                "deployment, named after its cluster")
    tf = scn_sub.add_parser("from-terraform", parents=[common],
                            help="a scenario from a Terraform plan (`terraform show -json` "
                                 "output): aws_rds_cluster, aws_rds_cluster_instance, "
                                 "aws_rds_global_cluster")
    tf.add_argument("plan", help="the JSON plan: terraform show -json PLANFILE > plan.json")
    tf.add_argument("--address", default=None,
                    help="only the deployment holding this aws_rds_cluster address")
    tf.add_argument("--primary", default=None, metavar="ADDRESS",
                    help="the primary cluster of a Global Database, when the plan does not "
                         "tell it")
    tf.add_argument("--usage", default=None, metavar="FILE", help=usage_help)
    tf.add_argument("--out", default=None, metavar="PATH", help=out_help)
    tf.add_argument("--force", action="store_true", help="overwrite existing files")
    tf.set_defaults(func=_cmd_scenario_from_terraform)
    cfn = scn_sub.add_parser("from-cloudformation", parents=[common],
                             help="a scenario from a CloudFormation template (YAML or JSON): "
                                  "AWS::RDS::DBCluster, DBInstance, GlobalCluster")
    cfn.add_argument("template", help="the template file (YAML with !Ref/!Sub/... or JSON)")
    cfn.add_argument("--region", required=True,
                     help="the stack's region (AWS::Region; a template names none)")
    cfn.add_argument("--parameter", action="append", metavar="KEY=VALUE",
                     help="a parameter value (repeatable; others take their Default)")
    cfn.add_argument("--secondary", action="append", metavar="REGION=TEMPLATE",
                     help="a Global Database secondary stack: its region and template "
                          "(repeatable; the same template may serve several regions)")
    cfn.add_argument("--logical-id", default=None,
                     help="only the deployment holding this AWS::RDS::DBCluster logical id")
    cfn.add_argument("--usage", default=None, metavar="FILE", help=usage_help)
    cfn.add_argument("--out", default=None, metavar="PATH", help=out_help)
    cfn.add_argument("--force", action="store_true", help="overwrite existing files")
    cfn.set_defaults(func=_cmd_scenario_from_cloudformation)
    sch = scn_sub.add_parser("schema", help="print the JSON Schema of scenario files (derived "
                                            "from the parameter declarations)")
    sch.set_defaults(func=_cmd_scenario_schema)
    doc = scn_sub.add_parser("docs", help="print the generated sections of docs/scenario_format.md (keys, JSON output)")
    doc_mode = doc.add_mutually_exclusive_group()
    doc_mode.add_argument("--update", metavar="FILE", default=None,
                          help="rewrite the generated sections of FILE instead")
    doc_mode.add_argument("--full", action="store_true",
                          help="print the whole scenario format guide (docs/scenario_format.md, "
                               "shipped with the package)")
    doc.set_defaults(func=_cmd_scenario_docs)
    return parser


_PATH_ERRORS = (FileNotFoundError, FileExistsError, NotADirectoryError, IsADirectoryError,
                PermissionError)
_ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                       errno.ENAMETOOLONG, errno.ELOOP, errno.EISDIR, errno.ENOTDIR, errno.EEXIST,
                       errno.ENOENT}


def _user_error(exc: BaseException) -> str | None:
    """The one-line message of a user error, or None when ``exc`` is a bug."""
    if isinstance(exc, UserInputError):
        return str(exc)
    if isinstance(exc, OSError) and (isinstance(exc, _PATH_ERRORS) or exc.filename is not None
                                     or exc.errno in _ENVIRONMENT_ERRNOS):
        if exc.filename is not None:
            reason = (exc.strerror or str(exc)).rstrip(".")
            return f"{exc.filename}: {reason[:1].lower() + reason[1:]}"
        return str(exc)
    return None


def _one_line(text: str) -> str:
    """A message as one printable line (control characters shown escaped)."""
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in flat)


def _quiet_broken_pipe() -> int:
    """The reader of stdout left (``| head``): stop quietly, and keep the exit flush quiet too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``aurora-models`` console script (exit codes: see ``--help``).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 success, 2 an input error (reported in one line on stderr).

    Examples
    --------
    >>> from aurora_models.cli import main
    >>> main(["assumptions", "--module", "units", "--format", "csv"])
    name,value,unit,kind,source,module,range,scenario_key,uncertainty
    units.hours_per_month,730.0,hours,cited,"AWS pricing pages and calculator bill a month as 730 hours (8,760 / 12)",units,,,
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        code = int(args.func(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        message = _user_error(exc)
        if message is None:
            raise  # a bug: the traceback is the report (exit code 1)
        if debug:
            traceback.print_exc()
        print(f"error: {_one_line(message)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
