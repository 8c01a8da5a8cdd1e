"""Sphinx configuration of the documentation site. Build it with ``bash dev.sh docs``
(``docs/build.py`` stages the sources and runs Sphinx with this folder as the configuration)."""

from __future__ import annotations

from pathlib import Path

import aurora_models

project = "aurora-models"
author = "aurora-models developers"
copyright = "aurora-models developers, MIT licence"
release = version = aurora_models.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    # MathJax 3 shipped inside a wheel, copied into _static/mathjax; sets mathjax_path to it, so
    # no page loads a script from a CDN
    "sphinx-mathjax-offline",
]

# absolute: autosummary reads templates_path relative to the source folder (build/docs/src)
templates_path = [str(Path(__file__).resolve().parent / "_templates")]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# -- the API reference -----------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types, in words
autodoc_member_order = "bysource"
numpydoc_show_class_members = False  # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()  # validation is a test of its own, not the build
numpydoc_xref_param_type = False

# -- notebooks: rendered with their committed outputs, never executed here (nbval executes and
# checks them); docs/build.py removed any saved widget state from the staged copies
nb_execution_mode = "off"
nb_ipywidgets_js: dict[str, dict[str, str]] = {}  # no require.js / widget manager from a CDN
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dollarmath_allow_digits = False  # "$5/$6" is money, not maths
myst_heading_anchors = 3

# -- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"aurora-models {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "header_links_before_dropdown": 3,  # the scenario format and schema under "More"
    "show_toc_level": 2,
    "navbar_end": ["theme-switcher"],
    "footer_start": ["copyright"],
    "footer_end": [],
    "secondary_sidebar_items": ["page-toc"],
}
# the theme follows the reader's system setting (unset, its script logs a console error)
html_context = {"default_mode": "auto"}
# pages without sub-pages: no empty navigation column
html_sidebars = {page: [] for page in ("index", "checks", "schema", "scenario_format")}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None


# -- cross-references --------------------------------------------------------------------------
# The build is nitpicky (-n, warnings are errors): a reference to a name that does not exist is an
# error. Two kinds of reference Sphinx alone would reject are resolved here instead:
# - a short name written relative to the module or class being documented (``:mod:`markov``` in
#   the package's docstring, ``:meth:`to_dict``` in a class): linked to the page that documents
#   ``aurora_models.markov`` / ``Class.to_dict``;
# - a real object the site does not document (a private helper, a dataclass field without a
#   docstring, pandas or the standard library: no inventory is fetched, the build is offline):
#   shown as code, unlinked.
# Anything else (a typo, a renamed function) still fails the build.


def _documented_modules(docname: str) -> list[str]:
    """The modules that define what an API page documents: ``CHUNK`` in the docstring of
    ``aurora_models.sensitivity.evaluate`` lives in ``sensitivity._analysis``; a module's page
    (whose summary lines quote every name's docstring) looks in each name's own module."""
    import importlib

    dotted = docname.rsplit("/", 1)[-1]
    if not dotted.startswith("aurora_models"):
        return []
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
        if i == len(parts):  # a module's page
            homes = (getattr(getattr(obj, n, None), "__module__", None)
                     for n in getattr(obj, "__all__", ()))
            return list(dict.fromkeys(m for m in homes if isinstance(m, str)))
        home = getattr(obj, "__module__", None)
        return [home] if isinstance(home, str) else []
    return []


def _candidates(target: str, modules: list[str], cls: str | None) -> list[str]:
    target = target.lstrip("~.")
    out = []
    for module in modules:
        parts = module.split(".")
        if cls:
            out.append(f"{module}.{cls}.{target}")
        out += [".".join([*parts[:i], target]) for i in range(len(parts), 0, -1)]
    out += [target, f"aurora_models.{target}"]
    return list(dict.fromkeys(out))


def _exists(dotted: str) -> bool:
    """Whether ``dotted`` names a real object: a module, then attributes (the last may be a
    dataclass field without a default, which is no class attribute)."""
    import importlib

    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        except Exception:  # a module that fails to import is no target
            return False
        for j, attr in enumerate(parts[i:], start=i):
            if not hasattr(obj, attr):
                return j == len(parts) - 1 and attr in getattr(obj, "__dataclass_fields__", {})
            obj = getattr(obj, attr)
        return True
    return False


def _resolve_missing(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target, module, cls = node["reftarget"], node.get("py:module"), node.get("py:class")
    domain = env.get_domain("py")
    modules = ([module] if module else []) + _documented_modules(node["refdoc"])
    candidates = _candidates(target, modules, cls)
    for full in candidates:
        if full == target:
            continue
        if full in domain.objects or full in domain.modules:
            ref = domain.resolve_any_xref(env, node["refdoc"], app.builder, full, node, contnode)
            if ref:
                return ref[0][1]
    if any(_exists(full) for full in candidates):
        return contnode
    return None


def _no_inherited_data_doc(app, what, name, obj, options, lines):
    """A module constant (``write_path.TABLE4``, a DataFrame) has no docstring of its own; autodoc
    would show its type's (pandas' DataFrame docstring, with pandas' cross-references)."""
    if what == "data" and lines and type(obj).__doc__ and \
            "\n".join(lines).strip() == __import__("inspect").cleandoc(type(obj).__doc__).strip():
        lines.clear()


def _describe_figures(app, doctree):
    """A notebook's figure has no description of its own (myst-nb uses its file name as the
    alternative text): give it the heading it stands under, as ``aurora-models report`` does."""
    from docutils import nodes

    for image in doctree.findall(nodes.image):
        if image.get("alt") not in (None, "", image.get("uri")):
            continue
        section = image.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        title = section.next_node(nodes.title) if section is not None else None
        image["alt"] = f"Figure: {title.astext()}" if title is not None else "Figure"


def setup(app):
    app.connect("doctree-read", _describe_figures)
    app.connect("missing-reference", _resolve_missing)
    # before numpydoc (priority 500) reformats the docstring
    app.connect("autodoc-process-docstring", _no_inherited_data_doc, priority=100)
