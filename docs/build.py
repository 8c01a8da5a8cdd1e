"""Build the documentation site: ``python docs/build.py [OUT]`` (``bash dev.sh docs``).

The Sphinx sources are staged in ``OUT/src`` (default ``build/docs``), so nothing is written into
the checkout's ``docs/`` or ``notebooks/``:

- every page of ``docs/`` (``*.md``, ``scenario.schema.json``), copied;
- ``notebooks/*.ipynb``, copied with their committed outputs and any saved widget state removed
  (the site is static: no widget manager, nothing loaded from a CDN); nothing is executed;
- ``api/*.rst``: one page per public module (``aurora_models`` and every module or subpackage not
  starting with ``_``, as :func:`aurora_models._public_submodules` finds them), listing exactly its
  ``__all__`` with autosummary, which writes one page per name.

Then ``sphinx-build -W --keep-going -n`` (warnings are errors, nitpicky: every cross-reference
must resolve) writes ``OUT/html``. ``docs/conf.py`` is the configuration (``-c docs``).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
#: the pages of docs/ that are sources of the site (build.py and conf.py are not)
PAGE_SUFFIXES = (".md", ".json")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: what a rendered page shows in place of an explorer (a live widget needs a kernel)
WIDGET_NOTE = ("[interactive explorer: open the notebook in JupyterLab to use it; "
               "aurora_models.widgets has the functions behind it]")


def public_modules() -> list[str]:
    """``aurora_models`` and its public submodules, sorted (the API reference's pages)."""
    import aurora_models

    return ["aurora_models", *sorted(f"aurora_models.{m}" for m in aurora_models._SUBMODULES)]


def public_names(module: str) -> list[str]:
    """The names ``module`` exports: its ``__all__``, which every public module defines."""
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None)
    if names is None:
        raise SystemExit(f"error: {module} has no __all__: the API reference lists exactly "
                         "__all__, so a public module must define it")
    return list(names)


def api_page(module: str) -> str:
    """The reStructuredText of one module's API page: its docstring, then one entry per name."""
    title = f"``{module}``"
    names = public_names(module)
    lines = [title, "=" * len(title), "", f".. automodule:: {module}", "   :no-members:", "",
             f".. currentmodule:: {module}", "", ".. autosummary::", "   :toctree: generated",
             "   :nosignatures:", ""]
    lines += [f"   {name}" for name in sorted(names, key=str.lower)]
    return "\n".join(lines) + "\n"


def api_index(modules: list[str]) -> str:
    lines = ["API reference", "=============", "",
             "Every public name: ``aurora_models.__all__`` and the ``__all__`` of each public "
             "module (one not starting with ``_``). Each name has its own page.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    lines += [f"   {m}" for m in modules]
    return "\n".join(lines) + "\n"


def strip_widget_state(nb: dict) -> dict:
    """A copy of notebook ``nb`` (nbformat 4 JSON) without saved widget state: no
    ``metadata.widgets``, and each widget view output replaced by a one-line note (a live
    widget needs a kernel; a static page would need a widget manager from a CDN)."""
    nb = copy.deepcopy(nb)
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        outputs = cell.get("outputs")
        if not outputs:
            continue
        for out in outputs:
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                out["data"] = {"text/plain": WIDGET_NOTE}
                out.get("metadata", {}).pop(WIDGET_VIEW, None)
        cell.get("metadata", {}).pop("widgets", None)
    return nb


def _write(path: Path, text: str) -> None:
    """Write only when the text changed, so Sphinx rebuilds only what changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def stage(src: Path) -> None:
    """Lay the site's sources out in ``src``."""
    src.mkdir(parents=True, exist_ok=True)
    for page in sorted(DOCS.iterdir()):
        if page.suffix in PAGE_SUFFIXES and page.is_file():
            _write(src / page.name, page.read_text(encoding="utf-8"))
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        stripped = strip_widget_state(json.loads(nb.read_text(encoding="utf-8")))
        _write(src / "notebooks" / nb.name, json.dumps(stripped, indent=1, ensure_ascii=False)
               + "\n")
    modules = public_modules()
    _write(src / "api" / "index.rst", api_index(modules))
    for m in modules:
        _write(src / "api" / f"{m}.rst", api_page(m))
    # pages of modules or notebooks that no longer exist would be built (and linked) still
    keep = {f"{m}.rst" for m in modules} | {"index.rst", "generated"}
    for old in (src / "api").iterdir():
        if old.name not in keep:
            old.unlink()
    names = {f"{m}.{n}.rst" for m in modules for n in public_names(m)}
    generated = src / "api" / "generated"
    if generated.is_dir():
        for old in generated.iterdir():
            if old.name not in names:
                old.unlink()
    books = {nb.name for nb in NOTEBOOKS.glob("*.ipynb")}
    for old in (src / "notebooks").iterdir():
        if old.name not in books:
            old.unlink()


def build(out: Path, *, clean: bool = False) -> Path:
    """Stage the sources in ``out/src`` and build the HTML into ``out/html``; warnings are errors.
    Returns the HTML folder."""
    if clean and out.exists():
        shutil.rmtree(out)
    src, html = out / "src", out / "html"
    stage(src)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q", "-E",
           "-c", str(DOCS), "-d", str(out / "doctrees"), str(src), str(html)]
    run = subprocess.run(cmd, cwd=ROOT)
    if run.returncode:
        raise SystemExit(f"error: the documentation build failed (exit {run.returncode}): "
                         "every warning above is an error")
    (out / "built").write_text("ok\n", encoding="utf-8")
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "build" / "docs"),
                        help="output folder (default build/docs): sources in OUT/src, HTML in "
                             "OUT/html")
    parser.add_argument("--clean", action="store_true", help="start from an empty OUT")
    args = parser.parse_args(argv)
    html = build(Path(args.out).resolve(), clean=args.clean)
    print(f"docs: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
