"""The documentation site (``bash dev.sh docs``, ``docs/build.py``): every public name has its
page, the notebooks are rendered with their committed outputs, nothing is loaded from the
network, and the pages render in headless Chromium offline.

The site is built once per session into ``build/docs`` (where ``bash dev.sh docs`` puts it), or
reused when that build is newer than every source it is made from (``docs/``, ``notebooks/``,
the package); CI builds it just before the tests. The browser part reuses the helpers of
``tests/test_browser.py`` (Debian's chromium through Playwright): it skips where no chromium is on
the PATH, and fails instead under ``CI=true``.
"""

from __future__ import annotations

import fcntl
import html.parser
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_browser import _check_page, _errors, _missing, browser  # noqa: F401 (a fixture)

import aurora_models

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "docs"
HTML = OUT / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PNG = "image/png"


def _sources() -> list[Path]:
    files = [p for p in (ROOT / "docs").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    return files + NOTEBOOKS + list((ROOT / "aurora_models").rglob("*.py"))


def _fresh() -> bool:
    stamp = OUT / "built"
    return stamp.is_file() and (HTML / "index.html").is_file() and \
        stamp.stat().st_mtime >= max(p.stat().st_mtime for p in _sources())


def _docs_tools() -> None:
    """Skip without Sphinx and myst-nb (the `docs` group), except in CI, where it fails."""
    try:
        import myst_nb  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError as exc:
        _missing(f"the documentation tools are not installed (the `docs` group): {exc}")


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's HTML folder (built here when missing or older than its sources; one
    build at a time across pytest-xdist workers)."""
    _docs_tools()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT.parent / "docs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _fresh():
            run = subprocess.run([sys.executable, str(ROOT / "docs" / "build.py"), str(OUT)],
                                 capture_output=True, text=True, timeout=900, cwd=ROOT)
            assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    return HTML


def _build_module():
    spec = importlib.util.spec_from_file_location("docs_build", ROOT / "docs" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _public_names() -> dict[str, list[str]]:
    """``{module: __all__}`` for the package and every public submodule, found here from the
    package itself (not from docs/build.py, whose list this checks)."""
    modules = {"aurora_models": list(aurora_models.__all__)}
    for name in sorted(aurora_models._SUBMODULES):
        mod = importlib.import_module(f"aurora_models.{name}")
        modules[mod.__name__] = list(mod.__all__)
    return modules


def test_every_public_name_has_its_page_and_an_inventory_entry(site):
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", lambda base, uri: uri)
    documented = {name for entries in inventory.data.values() for name in entries} \
        if hasattr(inventory, "data") else {name for entries in inventory.values()
                                            for name in entries}
    public = _public_names()
    assert len(public) > 15 and sum(map(len, public.values())) > 250
    missing_page, missing_entry = [], []
    for module, names in public.items():
        if not (site / "api" / f"{module}.html").is_file():
            missing_page.append(module)
        if module not in documented:
            missing_entry.append(module)
        for name in names:
            full = f"{module}.{name}"
            if not (site / "api" / "generated" / f"{full}.html").is_file():
                missing_page.append(full)
            if full not in documented:
                missing_entry.append(full)
    assert not missing_page, f"public names without a page: {missing_page}"
    assert not missing_entry, f"public names not in objects.inv: {missing_entry}"


def test_a_reference_to_a_name_that_does_not_exist_fails_the_build(tmp_path):
    """The build is nitpicky: docs/conf.py lets a real but undocumented object through as code
    and links a name written relative to its module, but a typo stays an error."""
    _docs_tools()
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.rst").write_text(
        "Title\n=====\n\n.. currentmodule:: aurora_models.quorum\n\n"
        ":func:`event_probability`, :class:`pandas.DataFrame`, "
        ":func:`aurora_models.quorum._model.event_probability`, "
        ":func:`aurora_models.quorum.event_probabilty`\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-n", "-q", "-E",
                          "-c", str(ROOT / "docs"), str(src), str(tmp_path / "html")],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert "reference target not found: aurora_models.quorum.event_probabilty" in warnings[0]


class _Resources(html.parser.HTMLParser):
    """Every ``<script src>``, ``<link href>`` and ``<img src>`` of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for t, key in (("script", "src"), ("link", "href"), ("img", "src")):
            if tag == t and attrs.get(key):
                self.found.append((t, attrs[key]))


def test_no_page_loads_a_script_a_style_or_an_image_from_the_network(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 250
    remote, local = [], 0
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, url in parser.found:
            if url.lower().startswith(("http://", "https://", "//")):
                remote.append(f"{page.relative_to(site)}: <{tag}> {url}")
            else:
                local += 1
    assert not remote, "\n".join(remote[:20])
    assert local > 1000  # the theme's scripts and styles on every page, read from _static
    mathjax = site / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.is_file(), "MathJax is not vendored into _static/mathjax"
    assert '_static/mathjax/tex-chtml.js' in (site / "checks.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_is_rendered_with_its_committed_outputs(site, notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    page = (site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
    figures = [o for c in nb["cells"] for o in c.get("outputs", []) if PNG in o.get("data", {})]
    parser = _Resources()
    parser.feed(page)
    images = [url for tag, url in parser.found if tag == "img"]
    assert len(images) == len(figures) > 0
    assert all((site / "notebooks" / url).resolve().is_file() for url in images)
    # a printed line of the committed outputs, as it was stored (the site executes nothing)
    streams = ["".join(o["text"]) for c in nb["cells"] for o in c.get("outputs", [])
               if o["output_type"] == "stream"]
    line = next(s.strip().splitlines()[0] for s in streams if s.strip())
    assert html.escape(line, quote=False) in page or line in page, line
    assert "widget-state+json" not in page and "require.js" not in page


def test_saved_widget_state_is_stripped_from_the_staged_notebook():
    build = _build_module()
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = {"metadata": {"widgets": {build.WIDGET_STATE: {"state": {"abc": {}}}}, "kernelspec": {}},
          "cells": [{"cell_type": "code", "metadata": {}, "source": "explorer()", "outputs": [
              {"output_type": "display_data", "metadata": {},
               "data": {build.WIDGET_VIEW: view, "text/plain": "VBox(children=(...))"}},
              {"output_type": "stream", "name": "stdout", "text": "kept\n"}]}],
          "nbformat": 4, "nbformat_minor": 5}
    out = build.strip_widget_state(nb)
    assert "widgets" not in out["metadata"] and "kernelspec" in out["metadata"]
    first, second = out["cells"][0]["outputs"]
    assert first["data"] == {"text/plain": build.WIDGET_NOTE}
    assert second == nb["cells"][0]["outputs"][1]
    assert build.WIDGET_VIEW in nb["cells"][0]["outputs"][0]["data"]  # the input is untouched


class _Offline:
    """Pages opened by ``_check_page`` in a browser context with the network refused: every
    request that is not for a local file is aborted and recorded."""

    def __init__(self, chromium):
        self.browser = chromium
        self.refused: list[str] = []
        self.contexts = []

    def new_page(self, **options):
        context = self.browser.new_context(offline=True, **options)
        context.route("**/*", self._route)
        self.contexts.append(context)
        return context.new_page()

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def close(self):
        for context in self.contexts:
            context.close()


def test_the_site_renders_offline_in_the_browser(browser, site):  # noqa: F811 (a fixture)
    offline = _Offline(browser)
    try:
        _check_page(offline, (site / "index.html").as_uri())
        api = site / "api" / "generated" / "aurora_models.quorum.event_probability.html"
        _check_page(offline, api.as_uri())
        images = _check_page(offline, (site / "notebooks" / "01_quorum_durability.html").as_uri())
        page = offline.new_page()
        errors = _errors(page)
        page.goto((site / "checks.html").as_uri())
        page.wait_for_function("() => document.querySelector('mjx-container') !== null",
                               timeout=30_000)
        formulas = page.evaluate("() => document.querySelectorAll('mjx-container').length")
    finally:
        offline.close()
    assert not offline.refused, f"requests to the network: {offline.refused}"
    assert len(images) >= 3
    assert all(alt.startswith("Figure: ") for *_, alt in images), images
    assert formulas >= 2  # MathJax, from _static, typeset the page's formulas
    assert not errors, f"checks.html: console errors {errors}"
