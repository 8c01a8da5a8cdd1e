"""Files the package ships besides its modules: the notebooks and the scenario docs.

A wheel carries them inside the package (``aurora_models/_notebooks``, ``aurora_models/_docs``,
beside ``aurora_models/_data``: ``[tool.hatch.build.targets.wheel.force-include]`` in
``pyproject.toml``); a checkout (or an editable install) reads the repository's ``notebooks/``
and ``docs/`` folders, so both serve the same files and a contributor's edits show at once.
Found with :mod:`importlib.resources`, never relative to the working directory.

>>> notebooks_root().joinpath("06_leaderboard_case_study.ipynb").is_file()
True
>>> doc_path("scenario_format.md").name
'scenario_format.md'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ._optional import DISTRIBUTION
from .exceptions import DataError

__all__ = ["doc_path", "notebooks_root"]


def _package_dir() -> Path:
    root = resources.files("aurora_models")
    if not isinstance(root, Path):  # a zip import: notebooks need real files to execute
        raise DataError(f"the package is not installed as files ({root}); reinstall "
                        f"{DISTRIBUTION} with pip")
    return root


def _shipped(inside: str, checkout: str, probe: str) -> Path:
    """``aurora_models/<inside>`` in an installed wheel, else the checkout's ``<checkout>``."""
    here = _package_dir()
    for candidate in (here / inside, here.parent / checkout):
        if any(candidate.glob(probe)):
            return candidate
    raise DataError(f"cannot find the shipped {checkout} (no {inside}/ in the package and no "
                    f"{checkout}/ in the checkout); reinstall {DISTRIBUTION}")


def notebooks_root() -> Path:
    """The folder of the shipped notebooks (executed, with their committed outputs)."""
    return _shipped("_notebooks", "notebooks", "*.ipynb")


def doc_path(name: str) -> Path:
    """A shipped documentation file (``scenario_format.md``, ``scenario.schema.json``)."""
    path = _shipped("_docs", "docs", "scenario_format.md") / name
    if not path.is_file():
        raise DataError(f"no shipped document {name!r} in {path.parent}")
    return path
