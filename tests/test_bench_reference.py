"""The reference courses' networks (benchmarks/reference_code.py) build at the input size their courses train them
on, and the reference runs name a network, a chapter and a figure each."""

import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import reference_code  # noqa: E402
from reference_runs import REFERENCE_RUNS  # noqa: E402


@pytest.mark.parametrize("name", sorted(REFERENCE_RUNS))
def test_reference_networks_build_at_their_reference_size(name):
    run = REFERENCE_RUNS[name]
    size = run["resize"] or 28
    torch.manual_seed(0)
    net = reference_code.NETWORKS[name]().eval()
    with torch.no_grad():
        assert net(torch.zeros(2, 1, size, size)).shape == (2, 10)


def test_reference_runs_are_complete():
    assert set(REFERENCE_RUNS) == set(reference_code.NETWORKS)
    for name, run in REFERENCE_RUNS.items():
        assert run["key"] == f"{name}_test_acc" and 17 <= int(run["chapter"]) <= 22
        assert 0.7 < run["acc"] < 1 and run["epochs"] == 10 and run["pipeline"] in ("d2l", "liu")
        assert "reference.md" in run["source"]
