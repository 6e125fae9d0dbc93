"""A Colab-like install: the setup cell installs dlcourse into an environment holding only what Colab preinstalls.

This catches what breaks d2l on every Colab change (d2l-en #2546, #2250): a dependency the package forgot, an
exact pin that fights Colab's preinstalled versions, or a setup cell that hard-codes something.

Steps: a fresh virtualenv with only Colab's preinstalled stack (torch, torchvision, numpy, pandas, matplotlib,
ipywidgets, ipykernel, tqdm, at the versions this machine installs), a clean ``git clone`` of this repository,
the notebooks' own setup cell run as on Colab (``google.colab`` present) with the URL pointing at that clone
(``git+file://``), then chapter 01 and a training chapter executed with nbclient in that environment's kernel.
Slow (a PyTorch install): run with ``pytest -m colab``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from venvs import clone, run

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbconventions  # noqa: E402

pytestmark = [pytest.mark.colab, pytest.mark.slow]
COLAB_PREINSTALLED = ["torch", "torchvision", "numpy", "pandas", "matplotlib", "ipywidgets", "ipykernel", "tqdm"]
TRAINING_CHAPTER = "11_softmax_regression.ipynb"


@pytest.fixture(scope="module")
def colab_env(tmp_path_factory):
    if os.environ.get("DLCOURSE_SKIP_COLAB_TEST"):
        pytest.skip("DLCOURSE_SKIP_COLAB_TEST is set")
    base = tmp_path_factory.mktemp("colab")
    repo = clone(base / "clone")  # the committed state, as Colab would fetch it from the repository
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    # Colab ships a current pip; the pip bundled with Python 3.11.7 (23.2) cannot install a
    # `name @ git+file://` reference, which is how this test points the setup cell at the clone.
    run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], timeout=600)
    # same torch as the test environment, so the install comes from the local wheel cache, not a download
    import torch
    import torchvision

    pins = {"torch": torch.__version__.split("+")[0], "torchvision": torchvision.__version__.split("+")[0]}
    reqs = [f"{p}=={pins[p]}" if p in pins else p for p in COLAB_PREINSTALLED]
    run([str(py), "-m", "pip", "install", "-q", *reqs], timeout=1800)
    return repo, py, base


def test_setup_cell_installs_dlcourse_and_chapters_run(colab_env):
    clone, py, base = colab_env
    setup = nbconventions.setup_cell_source(f"file://{clone}")
    assert f"git+file://{clone}" in setup
    # run the setup cell as Colab would: google.colab is importable and already imported
    fake = base / "fake_colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake.parent / "__init__.py").write_text("")
    script = f"import sys; sys.path.insert(0, {str(fake.parent.parent)!r}); import google.colab\n{setup}\n"
    run([str(py), "-c", script], timeout=1800, cwd=base)
    run([str(py), "-c", "import dlcourse, dlcourse.data, dlcourse.checks; print(dlcourse.__version__)"], cwd=base)
    # nothing the package needs is missing from Colab's stack plus dlcourse itself
    run([str(py), "-m", "pip", "check"])

    kernels = base / "kernels" / "colab-like"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(py), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(base)
    env_before = {k: os.environ.get(k) for k in ("DLCOURSE_PRESET", "DLCOURSE_HEADLESS")}
    os.environ.update(DLCOURSE_PRESET="smoke", DLCOURSE_HEADLESS="1")
    try:
        for name in ["01_tensors.ipynb", TRAINING_CHAPTER]:
            path = clone / "chapters" / name
            if not path.exists():
                pytest.fail(f"{name} is missing from the clone")
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, kernel_name="colab-like", timeout=600,
                           resources={"metadata": {"path": str(base)}}).execute()
            errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
            assert not errors
    finally:
        os.environ.pop("JUPYTER_PATH", None)
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
