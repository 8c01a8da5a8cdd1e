"""End-to-end tests of the `aurora-models` command (in a subprocess, as a user runs it)."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "aurora_models.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem} title")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def books(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    notebook(folder / "01_good.ipynb", "x = 6 * 7\nprint(x)")
    return folder


def test_report_renders_each_notebook_and_an_index(books, tmp_path):
    out = tmp_path / "report"
    result = run("report", "--notebooks", str(books), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "[1/1] 01_good.ipynb ... ok" in result.stdout
    page = (out / "01_good.html").read_text()
    assert "42" in page
    index = (out / "index.html").read_text()
    assert 'href="01_good.html"' in index and "01_good title" in index


def test_report_names_the_failing_notebook_and_cell(books, tmp_path):
    notebook(books / "02_bad.ipynb", "a = 1", "raise RuntimeError('boom')")
    result = run("report", "--notebooks", str(books), "--out", str(tmp_path / "r"))
    assert result.returncode == 1
    assert "02_bad.ipynb: cell 2 failed" in result.stderr and "boom" in result.stderr
    assert (tmp_path / "r" / "01_good.html").exists()  # the others still render


def test_notebooks_in_place_stores_outputs(books):
    result = run("notebooks", "--in-place", "--notebooks", str(books))
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(books / "01_good.ipynb", as_version=4)
    assert nb.cells[1].outputs[0]["text"] == "42\n"
    assert nb.cells[1].execution_count == 1


def test_missing_notebook_folder_is_a_usage_error(tmp_path):
    result = run("report", "--notebooks", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "`--notebooks` folder not found" in result.stderr


def test_datasets_and_assumptions_listings():
    result = run("datasets", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {"interregion_rtt", "elb_request_count"} <= {r["name"] for r in rows}
    assert all(r["licence"] and r["source"] for r in rows)
    result = run("assumptions", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("name,value,unit,kind,source,module,range,"
                                             "scenario_key,uncertainty")


def test_version_and_usage():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("aurora-models ")
    assert run().returncode == 2
