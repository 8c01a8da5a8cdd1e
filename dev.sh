#!/usr/bin/env bash
# One entry point for the Quick start, CI and contributors. It creates (or reuses) a virtual
# environment in .venv, installs the package with the tested versions in constraints.txt, then runs
# the requested job. Works where the system Python refuses global installs (PEP 668).
#
#   bash dev.sh run        install, then run the main job (`aurora-models estimate` on the bundled scenario)
#   bash dev.sh report     install, then execute every notebook into an HTML report (build/report/)
#   bash dev.sh test       install, then run the test suite (unit tests, doctests, nbval)
#   bash dev.sh lint       install, then ruff check and mypy (the package)
#   bash dev.sh notebooks  install, then re-execute every notebook in place (refresh stored outputs)
#   bash dev.sh docs       install, then build the documentation site into build/docs/html
#                          (Sphinx, warnings are errors; the notebooks with their committed outputs)
#   bash dev.sh setup      install only
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  # Reinstall only when the package metadata or the tested versions changed.
  if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ constraints.txt -nt "$STAMP" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # the analyst's extras (notebooks = report, widgets, distributed, fast, JupyterLab) and the
    # contributors' tools (the PEP 735 group `dev`: test, reference, lint, docs; pip >= 25.1)
    "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[notebooks]" --group dev
    touch "$STAMP"
  fi
}

job=${1:-run}
shift || true
case "$job" in
  setup) setup ;;
  run) setup; "$VENV/bin/aurora-models" estimate "$@" ;;
  report) setup; "$VENV/bin/aurora-models" report "$@" ;;
  test) setup; "$VENV/bin/python" -m pytest "$@" ;;
  lint) setup; "$VENV/bin/ruff" check .; "$VENV/bin/mypy" ;;
  notebooks) setup; "$VENV/bin/aurora-models" notebooks --in-place "$@" ;;
  docs) setup; "$VENV/bin/python" docs/build.py "$@" ;;
  *) echo "usage: bash dev.sh [run|report|test|lint|notebooks|docs|setup]" >&2; exit 2 ;;
esac
