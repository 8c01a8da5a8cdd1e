"""A real browser: headless Chromium (Debian's package, driven by Playwright for Python with the
system browser; no browser is downloaded) against JupyterLab on 127.0.0.1 and the HTML reports.

- Notebook 01: run all cells, move the quorum explorer's write-quorum control, and the displayed
  probabilities change to what :func:`aurora_models.widgets.quorum_view` computes.
- Notebook 03: the same for the cost explorer's capacity mode.
- ``estimate --out`` and ``report``: the pages render without console errors, every image loaded.

Skips when no browser is present, except in CI (``CI=true``), where it fails instead. The
notebooks run on copies in a temporary folder, so the committed outputs are never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from aurora_models import widgets

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
TOKEN = "aurora-browser-test"


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    _missing("no chromium on PATH (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (the test extra)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 over copies of notebooks 01 and 03, with isolated settings."""
    work = tmp_path_factory.mktemp("lab")
    for name in ("01_quorum_durability.ipynb", "03_serverless_cost.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, work / name)
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / ".cfg"),
               JUPYTER_RUNTIME_DIR=str(work / ".rt"),
               JUPYTERLAB_SETTINGS_DIR=str(work / ".settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(work / ".ws"))
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={work}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False",
         "--allow-root"],  # CI runs as root
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pytest.fail("JupyterLab did not start: " + (work / "lab.log").read_text()[-2000:])
        if proc.poll() is not None:
            pytest.fail("JupyterLab exited: " + (work / "lab.log").read_text()[-2000:])
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _run_all(browser, base: str, name: str):
    """Open notebook ``name`` in JupyterLab, wait for its kernel, run every cell."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # a workspace of its own: otherwise JupyterLab restores the previous test's notebook
    page.goto(f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={TOKEN}")
    page.wait_for_function(
        "(name) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.path === name"
        " && w.sessionContext.session && w.sessionContext.session.kernel;"
        " return k && k.status === 'idle'; }", arg=name, timeout=60_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return page


def _explorer(page, title: str):
    box = page.locator(".widget-vbox", has=page.locator(f"h3:text-is('{title}')")).last
    box.wait_for(timeout=60_000)
    box.scroll_into_view_if_needed()
    return box


def _wait_for_text(box, text: str, timeout_s: float = 30.0) -> str:
    deadline = time.monotonic() + timeout_s
    shown = box.inner_text()
    while text not in shown and time.monotonic() < deadline:
        time.sleep(0.2)
        shown = box.inner_text()
    return shown


def test_quorum_explorer_in_jupyterlab_reacts_to_the_write_quorum(browser, lab):
    page = _run_all(browser, lab, "01_quorum_durability.ipynb")
    box = _explorer(page, "Quorum layout explorer")
    before = widgets.quorum_view(write_quorum=4, read_quorum=3)["event probabilities"]
    after = widgets.quorum_view(write_quorum=5, read_quorum=3)["event probabilities"]
    p4 = f"{before['P(in a year), one group'].iloc[0]:,.4g}"
    p5 = f"{after['P(in a year), one group'].iloc[0]:,.4g}"
    assert p4 != p5
    assert p4 in _wait_for_text(box, p4)
    slider = box.locator(".widget-slider", has=page.locator(".widget-label:text-is('write quorum')"))
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    shown = _wait_for_text(box, p5)
    assert p5 in shown and p4 not in shown, shown[:800]
    page.close()


def test_cost_explorer_in_jupyterlab_reacts_to_the_capacity_mode(browser, lab):
    page = _run_all(browser, lab, "03_serverless_cost.ipynb")
    box = _explorer(page, "Cost explorer")
    lines = widgets.cost_view(capacity="provisioned")["bill lines"]
    first = lines["line"].iloc[0]
    assert "provisioned" in first or "db." in first
    assert first not in box.inner_text()
    box.locator(".widget-dropdown", has=page.locator("label:text-is('capacity')")).locator(
        "select").select_option("provisioned")
    shown = _wait_for_text(box, first)
    assert first in shown, shown[:800]
    assert f"{lines['amount_usd'].iloc[0]:,.4g}" in shown
    page.close()


def _check_page(browser, url: str, *, fits: bool = False) -> None:
    """Load ``url``: no console error, every image loaded and described; with ``fits``, nothing
    wider than a 1,280 px window (no table overflows it)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _errors(page)
    page.goto(url)
    page.wait_for_load_state("load")
    images = page.evaluate("() => Array.from(document.images).map(i => [i.complete,"
                           " i.naturalWidth, (i.getAttribute('src') || '').slice(0, 40),"
                           " i.getAttribute('alt') || ''])")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.close()
    broken = [src for ok, w, src, _ in images if not (ok and w > 0)]
    undescribed = [src for *_, src, alt in images
                   if not alt or alt.startswith("No description")]
    assert not errors, f"{url}: console errors {errors}"
    assert not broken, f"{url}: images not loaded {broken}"
    assert not undescribed, f"{url}: images without a description {undescribed}"
    if fits:
        assert width <= 1280, f"{url}: {width} px wide in a 1,280 px window"
    return images


def test_estimate_report_and_notebook_report_render_in_the_browser(browser, tmp_path):
    est = tmp_path / "estimate"
    run = subprocess.run([sys.executable, "-m", "aurora_models.cli", "estimate", "--out",
                          str(est)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    images = _check_page(browser, (est / "report.html").as_uri(), fits=True)
    assert len(images) >= 3  # capacity, cost, downtime
    books = tmp_path / "books"
    books.mkdir()
    for name in ("00_data_tour.ipynb", "01_quorum_durability.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, books / name)
    rep = tmp_path / "report"
    run = subprocess.run([sys.executable, "-m", "aurora_models.cli", "report", "--notebooks",
                          str(books), "--out", str(rep)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    _check_page(browser, (rep / "index.html").as_uri())
    for page in ("00_data_tour.html", "01_quorum_durability.html"):
        assert len(_check_page(browser, (rep / page).as_uri())) >= 1
