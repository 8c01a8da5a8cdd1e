"""Imports that show the structure (issue 24 item 2): the package's layers, read from its code.

Every import of the package's own modules, at module level or inside a function, is an edge of
the import graph (read with :mod:`ast`, nothing is imported). The layers, lowest first, are
those of DESIGN.md; an import never runs up this order, two families never import each other
both ways, and the graph has no circle at all (inside a layer either: ``pricing/``'s modules
included). A function-level import of the package's own modules is allowed only where it keeps
``import aurora_models`` or the default ``estimate`` light, and each one says so on its line
or the line above (``# light:``); the list of them is checked here so that none is added by
accident.

The registry (``_registry.FAMILIES``) names the family manifests as strings and imports them at
call time: that is the plugin seam (a test or a plugin extends ``FAMILIES``), not an import
statement, and it is the one place a lower layer reaches a higher one.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "aurora_models"

#: The layers, lowest first (DESIGN.md, "Layout"). A module's layer is that of its longest
#: listed prefix; a family's manifest (``<family>._section``) adapts the family to the scenario
#: (it reads the cluster and adds bill lines), so it sits above ``billing``.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (examples: the example data's generator scripts, which import nothing of the package)
    ("foundation", ("exceptions", "_optional", "_resources", "_validate", "_numeric", "_rng",
                    "_budget", "_output", "results", "_sweep", "_format", "_templates",
                    "examples")),
    ("declarations", ("_assumptions", "units", "_distributions", "_params", "_section",
                      "_registry")),
    ("shared maths", ("markov", "queueing")),
    ("data", ("data", "cloudwatch")),
    ("pricing", ("pricing",)),
    ("model families", ("quorum", "write_path", "serverless", "global_db", "availability",
                        "users")),
    ("cluster", ("cluster",)),
    ("billing", ("billing",)),
    # the year: month-by-month bills (it bills with the billing layer, beside it)
    ("planning", ("planning",)),
    ("family manifests", tuple(f"{f}._section" for f in ("quorum", "serverless", "global_db",
                                                          "availability", "users",
                                                          "planning"))),
    ("scenario", ("scenario",)),
    # scenarios written from Terraform plans and CloudFormation templates (issue 27)
    ("infrastructure in", ("infra",)),
    ("sensitivity", ("sensitivity",)),
    # your own system in: scenarios fitted to a cluster's metrics
    ("calibration", ("calibration",)),
    # your own system in: the bill reconciled against a Cost and Usage Report
    ("cur", ("cur",)),
    # aurora_models/__init__.py (the curated names, ``__version__``) beside the front ends
    ("front ends and the public API", ("widgets", "plotting", "cli", "")),
)
FAMILIES = ("quorum", "write_path", "serverless", "global_db", "availability", "users")
MARK = "# light:"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)  # "" is the package itself


def _is_module(name: str) -> bool:
    base = PACKAGE.joinpath(*name.split(".")) if name else PACKAGE
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _edges():
    """(importer, imported, line, function-level?, marked light?) for every own import."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = _module_name(path)
        package = me if path.name == "__init__.py" else me.rpartition(".")[0]
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        function_level = {id(n) for f in ast.walk(tree)
                          if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                          for n in ast.walk(f)}
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".") if package else []
                    base = base[:len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                elif (node.module or "").split(".")[0] == "aurora_models":
                    stem = node.module.partition(".")[2]
                else:
                    continue
                for alias in node.names:
                    sub = f"{stem}.{alias.name}" if stem else alias.name
                    targets.append(sub if _is_module(sub) else stem)
            elif isinstance(node, ast.Import):
                targets = [a.name.partition(".")[2] for a in node.names
                           if a.name.split(".")[0] == "aurora_models"]
            if not targets:
                continue
            here = lines[node.lineno - 1] + "\n" + (lines[node.lineno - 2]
                                                     if node.lineno > 1 else "")
            for t in dict.fromkeys(targets):
                out.append((me, t, node.lineno, id(node) in function_level, MARK in here))
    return out


EDGES = _edges()


def _layer(module: str) -> int:
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".") or p == "") and len(p) > best:
                best, rank = len(p), i
    return rank


def _where(module: str, line: int) -> str:
    return f"aurora_models/{module.replace('.', '/') or '__init__'}.py:{line}"


def test_every_module_has_a_layer():
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    unplaced = sorted(m for m in modules
                      if m and _layer(m) == len(LAYERS) - 1 and m.split(".")[0] not in LAYERS[-1][1])
    assert not unplaced, f"modules in no layer (add them to LAYERS): {unplaced}"


def test_no_import_runs_up_the_layers():
    up = [f"{_where(a, line)}: {LAYERS[_layer(a)][0]} `{a}` imports {LAYERS[_layer(b)][0]} `{b}`"
          for a, b, line, _, _ in EDGES if _layer(b) > _layer(a)]
    assert not up, "imports that run up the layers:\n" + "\n".join(up)


def _family(module: str) -> str | None:
    head = module.split(".")[0]
    return head if head in FAMILIES else None


def test_no_two_families_import_each_other_both_ways():
    pairs = defaultdict(list)
    for a, b, line, _, _ in EDGES:
        fa, fb = _family(a), _family(b)
        if fa and fb and fa != fb:
            pairs[fa, fb].append(_where(a, line))
    both = [f"{x} <-> {y}: {pairs[x, y]} / {pairs[y, x]}" for x, y in pairs
            if (y, x) in pairs and x < y]
    assert not both, "families importing each other both ways:\n" + "\n".join(both)


def _graph() -> nx.DiGraph:
    """Modules and packages as nodes; importing a module first runs its packages' __init__,
    so a package depends on what its __init__ imports and a module on its package."""
    g = nx.DiGraph()
    for a, b, _, _, _ in EDGES:
        if a != b:
            g.add_edge(a, b)
    return g


def test_the_import_graph_has_no_circle():
    g = _graph()
    # A submodule importing its own package's __init__ (``from .. import quorum`` inside
    # quorum/) is a circle too: the package imports the submodule to build its namespace.
    cycles = list(nx.simple_cycles(g))
    shown = ["  " + " -> ".join(c + c[:1]) for c in sorted(cycles, key=len)[:20]]
    assert not cycles, f"{len(cycles)} import circles, shortest first:\n" + "\n".join(shown)


def test_no_circle_inside_pricing():
    g = _graph().subgraph([n for n in _graph() if n.startswith("pricing")])
    assert nx.is_directed_acyclic_graph(g), list(nx.simple_cycles(g))


def test_function_level_imports_say_why():
    """A function-level import of the package's own modules keeps something light and says
    so (``# light: ...`` on its line or the one above); every other import is at module level."""
    silent = [f"{_where(a, line)}: `{b}`" for a, b, line, fn, marked in EDGES
              if fn and not marked]
    assert not silent, ("function-level imports without a `# light:` reason (move them to "
                        "module level):\n" + "\n".join(silent))


def test_the_checker_sees_both_kinds_of_import():
    """The test above cannot pass vacuously: it reads module-level and function-level edges."""
    kinds = {fn for *_, fn, _ in EDGES}
    assert kinds == {True, False}
    assert ("billing._bill", "pricing") in {(a, b) for a, b, *_ in EDGES}
