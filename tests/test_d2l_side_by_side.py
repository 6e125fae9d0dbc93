"""Side by side with d2l 0.17.6 itself: each classic name gives the same numbers as d2l's own function.

Optional (marker ``d2l_reference``): d2l 0.17.6 must be importable, installed without its pinned
dependencies, e.g. ``pip install --no-deps --target .venv/d2l-0.17.6 d2l==0.17.6`` (``make test`` does this
when PyPI is reachable). Otherwise these tests are skipped.
"""

import importlib
import os
import sys
from pathlib import Path

import pytest
from d2l_probes import ALIASES, NAMES, PROBES, assert_same, fashion_mnist_in_data_dir, probe_aliases

import dlcourse

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.d2l_reference


@pytest.fixture(scope="module")
def d2l_ref():
    path = os.environ.get("DLCOURSE_D2L_REFERENCE", str(ROOT / ".venv" / "d2l-0.17.6"))
    if not (Path(path) / "d2l" / "torch.py").exists():
        pytest.skip(f"d2l 0.17.6 is not installed at {path} (pip install --no-deps --target {path} d2l==0.17.6)")
    sys.path.insert(0, path)
    try:
        module = importlib.import_module("d2l.torch")
    finally:
        sys.path.remove(path)
    version = importlib.import_module("d2l").__version__
    assert version == "0.17.6", f"expected d2l 0.17.6 at {path}, found {version}"
    return module


# Where d2l's function does something different by design, and what the probe compares instead.
NOT_COMPARED = {
    "load_data_fashion_mnist": "compared in its own test (d2l's reads ../data)",
}


@pytest.mark.parametrize("name", [n for n in NAMES if n not in NOT_COMPARED])
def test_same_numbers_as_d2l(d2l_ref, name):
    theirs = PROBES[name](getattr(d2l_ref, name))
    ours = PROBES[name](getattr(dlcourse, name))
    assert_same(ours, theirs, atol=1e-5)


def test_load_data_fashion_mnist_same_batches(d2l_ref, real_mirror, tmp_path):
    with fashion_mnist_in_data_dir(tmp_path, real_mirror):
        theirs = PROBES["load_data_fashion_mnist"](d2l_ref.load_data_fashion_mnist)
    ours = PROBES["load_data_fashion_mnist"](dlcourse.load_data_fashion_mnist)
    assert_same(ours, theirs)


def test_same_aliases_as_d2l(d2l_ref):
    for name in ALIASES:
        assert hasattr(d2l_ref, name), f"d2l 0.17.6 has no {name}: the alias list is wrong"
    theirs, ours = probe_aliases(d2l_ref), probe_aliases(dlcourse)
    assert_same(ours[:-2], theirs[:-2])  # the last two are random draws: only their shapes are compared
    assert ours[-2:] == theirs[-2:]
