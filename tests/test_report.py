"""`aurora-models report`: assertion cells hidden by tag, a styled index, and the case study
rendered for a user's scenario with papermill (issue 16)."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from aurora_models.cli import index_html, report_html, report_title

ROOT = Path(__file__).resolve().parents[1]
CASE_STUDY = ROOT / "notebooks" / "06_leaderboard_case_study.ipynb"
PROVISIONED = ROOT / "tests" / "fixtures" / "scenarios" / "provisioned_frankfurt.toml"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "aurora_models.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def _cell(source, *tags, outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
    return cell


def test_report_html_hides_assertions_and_widget_output_by_tag_not_by_deletion():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 09 · Title"),
                _cell("print('shown-source')", outputs=["shown-output\n"]),
                _cell("assert 1 + 1 == 2  # hidden-check", "assert", outputs=["hidden-out\n"]),
                _cell("Markdown('x')  # hidden-input", "hide-input", outputs=["kept-output\n"]),
                _cell("widgets.quorum_explorer()", "explorer", "nbval-ignore-output",
                      outputs=["widget-repr\n"])]
    page = report_html(nb)
    assert "shown-source" in page and "shown-output" in page
    assert "hidden-check" not in page and "hidden-out" not in page
    assert "hidden-input" not in page and "kept-output" in page
    assert "quorum_explorer" in page and "widget-repr" not in page
    assert [c.metadata.get("tags") for c in nb.cells][2] == ["assert"]  # the input is untouched
    assert not re.search(r"""(src|href)=["']https?://|import\(["']https?://""", page)  # no CDN


def test_report_titles_are_numbered_and_the_index_renders_code_spans():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "# Case study: `rds.global_db_rpo`\n\nFirst sentence here. Second sentence.")]
    title, intro = report_title(Path("06_case.ipynb"), nb)
    assert title == "06 · Case study: `rds.global_db_rpo`"
    assert intro == "First sentence here."
    nb.cells[0].source = "# 04 · Already numbered"
    assert report_title(Path("04_x.ipynb"), nb) == ("04 · Already numbered", "")
    page = index_html([("06_case.html", title, intro + " Why **six copies**?")], "lead <text>")
    assert "<code>rds.global_db_rpo</code>" in page and "`" not in page
    assert "<strong>six copies</strong>" in page and "**" not in page
    assert "<style>" in page and "lead &lt;text&gt;" in page
    assert page.count("<li>") == 1


def test_every_notebook_title_is_numbered_like_its_file():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        first = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
        assert first.startswith(f"# {path.name[:2]} · "), path.name


def test_report_scenario_renders_the_case_study_for_a_provisioned_cluster_elsewhere(tmp_path):
    before = hashlib.sha256(CASE_STUDY.read_bytes()).hexdigest()
    out = tmp_path / "mine"
    result = run("report", "--scenario", str(PROVISIONED), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert hashlib.sha256(CASE_STUDY.read_bytes()).hexdigest() == before  # committed run intact
    name = "06_case_study_provisioned_order_service_in_frankfurt.html"  # the user's system's
    assert sorted(p.name for p in out.iterdir()) == [name, "index.html"]
    page = (out / name).read_text()
    assert "<title>06 · Case study: Provisioned order service in Frankfurt</title>" in page
    assert "sc.estimate(SCENARIO)" not in page  # the code cells are hidden by default
    assert "leaderboard" not in page.lower().split("scenario_file", 1)[1]
    # the user's scenario, not the bundled one: its name, region and cluster in the story
    assert "Provisioned order service in Frankfurt" in page
    assert "eu-central-1" in page and "provisioned capacity" in page
    assert "Gaming leaderboard" not in page.split("</h1>", 1)[1].split("SCENARIO_FILE", 1)[1]
    assert "eu-west-1 secondary" not in page
    assert "CLI agrees with the Python API" not in page  # an assertion cell: hidden
    assert "is the cheapest option at $" in page  # the decision prose, written from the results
    index = (out / "index.html").read_text()
    assert "06 · Case study" in index and "provisioned_frankfurt.toml" in index


def test_report_scenario_rejects_a_bad_file_before_running_anything(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[cluster]\ncapacity = "quantum"\n')
    result = run("report", "--scenario", str(bad), "--out", str(tmp_path / "r"))
    assert result.returncode == 2
    assert "capacity" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("name", ["SCENARIO_FILE"])
def test_case_study_parameters_cell_takes_the_scenario_file(name):
    nb = nbformat.read(CASE_STUDY, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert f"{name} = None" in params.source


def test_papermill_runs_a_copy_with_other_parameters_and_leaves_the_committed_notebook(tmp_path):
    """The README's recipe: an executed copy outside notebooks/, N_TRIALS replaced in it only."""
    papermill = pytest.importorskip("papermill")
    source = ROOT / "notebooks" / "01_quorum_durability.ipynb"
    before = source.read_bytes()
    copy = tmp_path / "01_5000.ipynb"
    papermill.execute_notebook(str(source), str(copy), parameters={"N_TRIALS": 5000},
                               cwd=str(source.parent), kernel_name="python3",
                               progress_bar=False)
    assert source.read_bytes() == before
    nb = nbformat.read(copy, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "N_TRIALS = 5000" in injected.source
    table = next(o["data"]["text/plain"] for c in nb.cells if "conv = []" in c.source
                 for o in c.outputs if o.output_type == "execute_result")
    assert [line.split()[1] for line in table.splitlines()[1:]] == ["1000", "5000", "5000"]
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)


def test_a_report_page_is_titled_its_figures_described_and_code_hidden_on_request():
    import base64

    png = base64.b64encode(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
    nb = nbformat.v4.new_notebook()
    fig = _cell("plt.show()  # the-plot-code")
    fig.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png,
                                                                 "text/plain": "<Figure>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# 06 · Case study"),
                nbformat.v4.new_markdown_cell("## Capacity and cost"), fig]
    page = report_html(nb, title="06 · Case study: SaaS on Aurora MySQL", show_code=False)
    assert "<title>06 · Case study: SaaS on Aurora MySQL</title>" in page
    assert 'alt="Figure: Capacity and cost"' in page
    assert "the-plot-code" not in page and "Capacity and cost" in page
    assert "the-plot-code" in report_html(nb)  # the full report shows the code


def test_a_scenario_report_is_named_after_the_scenario():
    from aurora_models.cli import _slug

    assert _slug("SaaS on Aurora MySQL (EU)") == "saas_on_aurora_mysql_eu"
    assert _slug("***") == "scenario"
