"""The benchmark's copies of the CNNs build and give 10 logits at their lite input size.

(Moved unchanged from the former tests/test_checks_cnn.py, whose exercise checks are now table-driven in
tests/test_checks_exercises.py.)"""

import importlib.util
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


def _cnn_models():
    spec = importlib.util.spec_from_file_location("cnn_models", ROOT / "benchmarks" / "cnn_models.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cnn_models", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["lenet", "bn_lenet", "liu_basic_cnn", "liu_homework_cnn", "alexnet", "vgg", "nin"])
def test_benchmark_models_build_at_their_lite_size(name):
    make_net, cfg = _cnn_models().LITE_CONFIGS[name]
    size = cfg["resize"] or 28
    net = make_net().eval()
    with torch.no_grad():
        assert net(torch.zeros(2, 1, size, size)).shape == (2, 10)
