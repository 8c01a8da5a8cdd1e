"""The notebooks are tests: nbval must catch a changed stored output, and every notebook must be
committed executed top to bottom in one kernel, without errors, warnings or volatile reprs."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(ROOT / "pyproject.toml"),
         "--rootdir", str(ROOT), str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_a_changed_stored_output_fails_nbval(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "00_data_tour.ipynb", as_version=4)
    changed = False
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and "us-east-1 -> eu-west-1" in out["text"]:
                out["text"] = out["text"].replace("69.6 ms", "96.6 ms")
                changed = True
    assert changed, "the RTT line of 00_data_tour.ipynb was not found; update this test"
    copy = tmp_path / "00_data_tour.ipynb"
    nbformat.write(nb, copy)
    result = nbval(copy)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "96.6 ms" in result.stdout and "69.6 ms" in result.stdout  # nbval shows the diff


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), \
        "not executed top to bottom in one fresh kernel (run `bash dev.sh notebooks`)"
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# ")
    for cell in code:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"stored error: {out.get('ename')}"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), \
                f"stderr output: {''.join(out['text'])[:200]}"
            text = "".join(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"at 0x[0-9a-f]+>", text), f"volatile repr: {text[:120]}"
        source = "".join(cell["source"])
        assert "matplotlib.use(" not in source
    assert any("assert " in "".join(c["source"]) for c in code), "no assertion cell"


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_the_cell_tag_convention(path):
    """DESIGN.md, "Notebooks": ``assert`` on every assertion cell, one ``parameters`` cell of
    literal settings first among the code cells, ``nbval-ignore-output`` only on explorers."""
    import ast

    from aurora_models.cli import CELL_TAGS

    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code:
        source = "".join(cell["source"])
        assert _tags(cell) <= set(CELL_TAGS), _tags(cell) - set(CELL_TAGS)
        asserts = bool(re.search(r"^\s*assert\b", source, re.M))
        assert asserts == ("assert" in _tags(cell)), source[:120]
        if "nbval-ignore-output" in _tags(cell):
            assert "explorer" in _tags(cell), "only explorer output may escape nbval"
    params = [c for c in code if "parameters" in _tags(c)]
    assert len(params) == 1, "exactly one `parameters` cell"
    assert params[0] is code[0], "the `parameters` cell comes before every other code cell"
    for node in ast.parse("".join(params[0]["source"])).body:
        assert isinstance(node, ast.Assign), ast.dump(node)[:80]
        ast.literal_eval(node.value)  # literal settings only: papermill writes literals
