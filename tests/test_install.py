"""The package as a user gets it (issue 23): the built wheel, installed by pip with its `report`
extra into a fresh virtual environment outside the checkout, serves every command from an empty
folder. The missing-extra paths (a one-line exit 2 naming the extra, an ImportError from the API)
are checked in process below, without installing anything.

The install comes from the package registry through pip with the tested versions
(``constraints.txt``); pip's cache makes it quick after ``dev.sh setup``.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from aurora_models import MissingDependencyError, UserInputError, cli
from aurora_models._optional import DISTRIBUTION, EXTRAS, install_hint

ROOT = Path(__file__).resolve().parents[1]


def test_the_distribution_name_is_ours_and_every_hint_uses_it():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["name"] == DISTRIBUTION == "aurora-arch-models"
    assert meta["scripts"] == {"aurora-models": "aurora_models.cli:main"}
    extras = meta["optional-dependencies"]
    assert set(EXTRAS) | {"notebooks"} == set(extras)
    assert not any("jupyterlab" in r for r in extras["report"])  # a report needs no JupyterLab
    assert not any("numba" in r for r in meta["dependencies"])  # the compiled kernel is `fast`
    # `notebooks` is the union an analyst installs
    assert {r for e in EXTRAS for r in extras[e]} <= set(extras["notebooks"])
    # every install hint in the sources names the distribution, never the unrelated project
    texts = [p.read_text(encoding="utf-8") for p in
             [*ROOT.joinpath("aurora_models").rglob("*.py"), ROOT / "README.md", ROOT / "dev.sh"]]
    assert not any("aurora-models[" in t or "aurora_models[" in t for t in texts)
    assert "pip install 'aurora-arch-models[report]'" in (ROOT / "README.md").read_text()


def _no_module(monkeypatch, missing):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == missing else real(name, *a))


def test_report_without_its_extra_is_one_line_exit_2_naming_the_extra(monkeypatch, capsys,
                                                                     tmp_path):
    _no_module(monkeypatch, "papermill")
    assert cli.main(["report", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err == ("error: `aurora-models report` needs papermill, which is not installed: "
                   "pip install 'aurora-arch-models[report]'\n")
    assert not (tmp_path / "r").exists()


def test_an_explorer_without_ipywidgets_raises_an_import_error_with_the_hint(monkeypatch):
    from aurora_models import widgets

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` then fails
    with pytest.raises(ImportError, match=r"pip install 'aurora-arch-models\[widgets\]'$") as err:
        widgets.quorum_explorer()
    assert isinstance(err.value, MissingDependencyError) and isinstance(err.value, UserInputError)
    assert err.value.extra == "widgets" and err.value.name == "ipywidgets"
    assert install_hint("widgets") in str(err.value)


def test_a_scheduler_address_without_distributed_names_the_extra(monkeypatch):
    from aurora_models.sensitivity import _analysis

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match=r"\[distributed\]'$"):
        _analysis._as_executor("tcp://127.0.0.1:8786")


# --- the wheel in a fresh environment ---------------------------------------------------------

USER_SESSION = textwrap.dedent("""
    set -eu
    aurora-models estimate --trials 500 > estimate.txt
    aurora-models estimate --trials 500 --out est > /dev/null 2> est.txt
    aurora-models scenario init x.toml > init.txt
    aurora-models estimate x.toml --format json --trials 500 > x.json
    aurora-models scenario docs --full > scenario_format.md
    aurora-models prices --region eu-west-1 --class 'db.r6g.*' > prices.txt
    aurora-models sensitivity --n 2 --outputs bill_serverless_standard > sensitivity.txt
    aurora-models report --out r > report.txt
    python -c "import aurora_models; print(aurora_models.__file__)" > where.txt
    python - > explorer.txt <<'EOF'
    from aurora_models import widgets
    view = widgets.quorum_view(write_quorum=4, read_quorum=3)
    box = widgets.quorum_explorer()
    print(sorted(view), type(box).__name__, len(box.controls))
    EOF
    ls
""")


@pytest.mark.slow
def test_the_wheel_with_its_report_extra_serves_every_command_from_an_empty_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(wheels), str(ROOT)], check=True)
    wheel = next(wheels.glob("aurora_arch_models-*-py3-none-any.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    install = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(ROOT / "constraints.txt"), f"{wheel}[report]"],
        capture_output=True, text=True, env=env)
    assert install.returncode == 0, install.stderr[-3000:]
    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run(["bash", "-c", USER_SESSION], cwd=empty, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    read = lambda name: (empty / name).read_text()  # noqa: E731

    assert read("estimate.txt").startswith("Gaming leaderboard (leaderboard.toml): 500 trials")
    # the report's page from the templates the wheel carries (package data)
    page = read("est/report.html")
    assert "<h2>Summary</h2>" in page and "Bills, line by line" in page and "<style>body{" in page
    assert "report.html" in read("est.txt")
    assert json.loads(read("x.json"))["schema_version"]
    assert "aurora-models scenario docs --full" in read("x.toml")  # the template's pointer works
    assert read("scenario_format.md").startswith("# Scenario files")
    assert "db.r6g.large" in read("prices.txt")
    assert "bill_serverless_standard" in read("sensitivity.txt")
    pages = sorted(p.name for p in (empty / "r").iterdir())
    assert pages == sorted(["index.html", *(p.stem + ".html" for p in
                                            ROOT.glob("notebooks/*.ipynb"))])
    n = len(pages) - 1
    assert f"({n} of {n} notebooks)" in read("report.txt")
    assert read("explorer.txt").splitlines()[-1] == "['event probabilities', 'tolerance'] VBox 7"
    where = Path(read("where.txt").strip())
    assert where.is_relative_to(venv) and not where.is_relative_to(ROOT)
    # only what the session wrote (`ls`: an output folder keeps its versions and lock hidden)
    assert sorted(done.stdout.split()) == sorted(
        ["estimate.txt", "est", "est.txt", "init.txt", "x.toml", "x.json", "scenario_format.md", "prices.txt",
         "sensitivity.txt", "r", "report.txt", "where.txt", "explorer.txt"])
    # the wheel carries its licence and notices
    dist = next((venv / "lib").glob("python3*/site-packages/aurora_arch_models-*.dist-info"))
    assert {p.name for p in (dist / "licenses").iterdir()} == {"LICENSE", "NOTICE"}
    # and its PEP 561 marker: a type checker reads the installed package's annotations
    assert (dist.parent / "aurora_models" / "py.typed").is_file()
    record = (dist / "RECORD").read_text().splitlines()
    assert any(line.startswith("aurora_models/py.typed,") for line in record)
