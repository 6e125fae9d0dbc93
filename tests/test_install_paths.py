"""The learner's and the instructor's install paths, run as documented in fresh virtual environments.

Learner (README "Locally", docs/environment.md, chapter 00): ``python3 -m venv .venv``, on a laptop without an
NVIDIA GPU PyTorch's CPU build (``--index-url https://download.pytorch.org/whl/cpu``), ``pip install -r
requirements.txt``, ``jupyter lab``. Instructor (docs/grading.md, README): one ``pip install "dlcourse[grade] @
git+<repository>"``, then ``dlcourse grade``.

Two substitutions, and only these: this machine cannot reach download.pytorch.org (nor GitHub), so the CPU step
is played by PyTorch from this machine's disk (``venvs.torch_layer``: torch, torchvision and their dependencies,
nothing else), and the repository URL is a ``git+file://`` URL of a clean clone. Every other command runs as
written, in the clone. ``jupyter lab`` starts a server, so the test runs ``jupyter lab --version`` and executes a
chapter with ``jupyter nbconvert --execute``, both from the venv. Slow (package installs): marked ``slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import venvs

from dlcourse import cli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbconventions  # noqa: E402

pytestmark = [pytest.mark.slow]

CPU_TORCH = "pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu"
LOCAL_STEPS = ["python3 -m venv .venv", f".venv/bin/{CPU_TORCH}", ".venv/bin/pip install -r requirements.txt",
               ".venv/bin/jupyter lab"]


def test_the_documents_show_the_same_steps():
    """README and docs/environment.md show the steps the test runs; chapter 00 names them; requirements.txt
    brings JupyterLab, with lower bounds only."""
    for doc in ("README.md", "docs/environment.md"):
        text = (ROOT / doc).read_text()
        for step in LOCAL_STEPS:
            assert step in text, f"{doc} lacks {step!r}"
    ch00 = json.loads((ROOT / "chapters" / "00_how_to_use.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in ch00["cells"] if c["cell_type"] == "markdown")
    for step in (CPU_TORCH, "pip install -r requirements.txt", "jupyter lab"):
        assert step in text, f"chapter 00 lacks {step!r}"
    reqs = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    reqs = [r for r in reqs if r and not r.startswith("-")]
    assert any(r.startswith("jupyterlab") for r in reqs)
    assert all("==" not in r and "<" not in r for r in reqs), reqs
    for doc in ("docs/grading.md", "README.md"):
        assert cli.GRADE_INSTALL in (ROOT / doc).read_text()
    assert f"git+{nbconventions.repository_url()}" in cli.GRADE_INSTALL


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    if os.environ.get("DLCOURSE_SKIP_INSTALL_TESTS"):
        pytest.skip("DLCOURSE_SKIP_INSTALL_TESTS is set")
    d = tmp_path_factory.mktemp("install")
    return d, venvs.clone(d / "clone"), venvs.torch_layer(d / "torch-layer")


def test_learner_path_local_steps_as_documented(base):
    d, clone, layer = base
    venv = clone / ".venv"
    # python3 -m venv .venv (with this Python: the PyTorch on disk is built for it)
    py = venvs.fresh_venv(venv, layer)
    env = venvs.clean_env(venv, JUPYTER_DATA_DIR=d / "jupyter-data", DLCOURSE_PRESET="smoke", DLCOURSE_HEADLESS="1")
    # (the CPU wheel index step: played by torch_layer) then, as written:
    venvs.run([venv / "bin" / "pip", "install", "-q", "-r", "requirements.txt"], cwd=clone, env=env, timeout=1800)
    version = venvs.run([venv / "bin" / "jupyter", "lab", "--version"], cwd=clone, env=env, timeout=300).stdout
    print("jupyter lab", version.strip())
    assert version.strip()[0].isdigit()
    out = d / "executed"
    venvs.run([venv / "bin" / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--output-dir", out,
               "--ExecutePreprocessor.timeout=600", "chapters/01_tensors.ipynb"], cwd=clone, env=env, timeout=900)
    nb = json.loads((out / "01_tensors.ipynb").read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    # the package came from the clone (requirements.txt installs it), torch from the layer, nothing is broken
    where = venvs.run([py, "-c", "import dlcourse, torch; print(dlcourse.__file__); print(torch.__file__)"],
                      cwd=d, env=env).stdout.split()
    assert where[0].startswith(str(clone)) and where[1].startswith(str(layer))
    venvs.run([py, "-m", "pip", "check"], cwd=d, env=env)


def test_instructor_path_one_install_command_then_grade(base):
    d, clone, layer = base
    venv = d / "instructor-venv"
    venvs.fresh_venv(venv, layer)
    env = venvs.clean_env(venv)
    url = f"git+file://localhost{clone}"  # stands for git+https://github.com/…: the documented command, else as written
    command = cli.GRADE_INSTALL.replace(f"git+{cli.REPOSITORY_URL}", url)
    assert command.startswith('pip install "dlcourse[grade] @ git+file://')
    venvs.run(["bash", "-c", command.replace("pip", str(venv / "bin" / "pip"), 1)], cwd=d, env=env, timeout=1800)
    subs = d / "submissions" / "alice"
    subs.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "submissions" / "correct.ipynb", subs / "01_tensors.ipynb")
    r = venvs.run([venv / "bin" / "dlcourse", "grade", d / "submissions", "--json", d / "grades.json"], cwd=d,
                  env=env, timeout=600)
    print(r.stdout)
    row = json.loads((d / "grades.json").read_text())[0]
    assert (row["student"], row["assignment"], row["score"], row["status"]) == ("alice/01_tensors", "01", 7.0, "ok")
