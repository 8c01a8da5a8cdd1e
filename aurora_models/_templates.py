"""The HTML the package writes, from the jinja2 templates shipped with it
(``aurora_models/templates``, package data): the estimate report, the sensitivity page, the
report index and the notebook reprs (``_repr_html_``). Autoescaping is on: every value is
escaped by jinja, the templates alone write markup."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
from markupsafe import Markup, escape

__all__ = ["environment", "inline_md", "render_template", "repr_html"]


@functools.cache
def environment() -> jinja2.Environment:
    """The one environment: templates from the package, autoescape on, an undefined name an
    error (a template never prints an empty string for a typo)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("aurora_models", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["inline_md"] = inline_md
    return env


def render_template(name: str, /, **context: Any) -> str:
    """Template ``name`` (in ``aurora_models/templates``) rendered with ``context``."""
    return environment().get_template(name).render(**context)


def inline_md(text: str) -> Markup:
    """``text`` escaped, its `code`, **bold** and *emphasis* spans rendered (no raw Markdown
    in the report index): the template filter ``inline_md``."""
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text)))
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return Markup(re.sub(r"(?<![*\w])\*([^*\s][^*]*)\*(?!\*)", r"<em>\1</em>", out))


def repr_html(title: str, *, facts: Sequence[tuple[str, str]] = (),
              grids: Sequence[Mapping[str, Any]] = (), line_tables: Sequence[Any] = ()) -> str:
    """A result's ``_repr_html_`` (``templates/repr.html.j2``): a title, its key figures as
    ``(label, text)`` pairs, then tables (``{head, rows, numeric, caption}``) and
    :class:`~aurora_models._section.LineTable` s."""
    return render_template("repr.html.j2", title=title, facts=list(facts),
                           grids=[{"caption": "", "numeric": (), **g} for g in grids],
                           line_tables=list(line_tables))
