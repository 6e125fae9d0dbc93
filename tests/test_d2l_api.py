"""dlcourse provides the classic d2l API (d2l-zh 2.0 / d2l 0.17, chapters 2–7, plus grad_clipping):
every name exists, and each behaves as computed here by hand or with plain PyTorch."""

import gzip

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from d2l_probes import ALIASES, MODULES, NAMES, PROBES, assert_same, blobs, loaders, probe_aliases
from torch import nn
from torch.utils import data

import dlcourse as d2l


@pytest.mark.parametrize("name", NAMES + ALIASES + list(MODULES))
def test_every_classic_name_exists(name):
    assert hasattr(d2l, name), f"dlcourse has no {name!r}"


def test_module_aliases_are_the_modules():
    for name, module in MODULES.items():
        assert getattr(d2l, name) is module


def run(name):
    return PROBES[name](getattr(d2l, name))


def test_plotting_helpers():
    assert run("use_svg_display") is True
    assert run("set_figsize") == ([2.5, 1.5], [3.5, 2.5])
    state = run("set_axes")
    assert state["xlabel"] == "x" and state["ylabel"] == "y" and state["yscale"] == "log"
    assert state["xlim"] == [0.0, 4.0] and state["ylim"] == [1.0, 1000.0] and state["legend"] == ["curve"]
    lines, index_plot = run("plot")
    x = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert lines["lines"] == [(x, [v * v for v in x]), (x, [2 * v for v in x])]
    assert lines["legend"] == ["x^2", "2x"] and lines["xlim"] == [0.0, 3.0]
    assert index_plot == [([0.0, 1.0, 2.0], [1.0, 4.0, 9.0])]


def test_timer():
    assert run("Timer") == (True, 6.5 / 3, 6.5, [1.0, 3.0, 6.5])


def test_synthetic_data_is_Xw_plus_b_plus_small_noise():
    X, y = run("synthetic_data")
    torch.manual_seed(0)
    X_ref = torch.normal(0, 1, (5, 2))
    noise = torch.normal(0, 0.01, (5,))
    assert_same(X, X_ref)
    assert_same(y, (X_ref @ torch.tensor([2.0, -3.4]) + 4.2 + noise).reshape(-1, 1))


def test_linreg_squared_loss_and_sgd_by_hand():
    assert_same(run("linreg"), torch.tensor([[-1.25], [-2.25]]))
    assert_same(run("squared_loss"), torch.tensor([[0.125], [0.0], [4.5]]))
    w, b, w_grad, b_grad = run("sgd")
    assert_same(w, torch.tensor([0.9, -1.8]))
    assert_same(b, torch.tensor(0.45))
    assert_same(w_grad, torch.zeros(2)) and assert_same(b_grad, torch.tensor(0.0))


def test_load_array_matches_a_plain_dataloader():
    shuffled, ordered = run("load_array")
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    assert_same(ordered, [(X[0:4], y[0:4]), (X[4:8], y[4:8]), (X[8:], y[8:])])
    torch.manual_seed(0)
    assert_same(shuffled, [tuple(b) for b in data.DataLoader(data.TensorDataset(X, y), 4, shuffle=True)])


def test_fashion_mnist_labels_and_workers():
    assert run("get_fashion_mnist_labels") == ["t-shirt", "ankle boot", "dress", "shirt"]
    assert run("get_dataloader_workers") == 4


def test_show_images():
    assert run("show_images") == (4, ["a", "b", "c", "d"], [(6, 6)] * 4)


def test_load_data_fashion_mnist_gives_the_files_pixels(real_mirror):
    X, y, train_shape, x_dtype, y_dtype = run("load_data_fashion_mnist")
    raw = gzip.decompress((real_mirror / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").read_bytes())
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)[: 32 * 784].reshape(32, 1, 28, 28)
    labels = gzip.decompress((real_mirror / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes())
    assert_same(X, torch.from_numpy(pixels.astype(np.float32) / 255))
    assert_same(y, torch.from_numpy(np.frombuffer(labels, dtype=np.uint8, offset=8)[:32].astype(np.int64)))
    assert train_shape == (32, 1, 28, 28) and x_dtype == torch.float32 and y_dtype == torch.int64


def test_accuracy_counts_correct_predictions():
    assert run("accuracy") == (3.0, 2.0)


def _reference_accuracy(net):
    X, y = blobs()
    with torch.no_grad():
        return float((net(X[80:]).argmax(1) == y[80:]).float().mean())


def test_evaluate_accuracy_and_gpu_version():
    torch.manual_seed(0)
    expected = _reference_accuracy(nn.Linear(2, 3))
    assert_same(run("evaluate_accuracy"), expected)
    assert_same(run("evaluate_accuracy_gpu"), (expected, expected))


def test_accumulator():
    assert run("Accumulator") == ([4.0, 3.5], [0.0, 0.0])


def _reference_epoch(net, loader, lr):
    """One epoch of SGD with a mean cross-entropy loss, and the epoch's summed loss and correct count."""
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    total, correct, n = 0.0, 0.0, 0
    for X, y in loader:
        y_hat = net(X)
        l = F.cross_entropy(y_hat, y, reduction="none")
        opt.zero_grad()
        l.mean().backward()
        opt.step()
        total += float(l.detach().sum())
        correct += float((y_hat.argmax(1) == y).sum())
        n += len(y)
    return total / n, correct / n


def test_train_epoch_ch3_and_train_ch3_match_a_plain_loop():
    (metrics, after, _, _) = run("train_epoch_ch3")
    train, _ = loaders()
    torch.manual_seed(0)
    net = nn.Linear(2, 3)
    torch.manual_seed(1)
    assert_same(metrics, _reference_epoch(net, train, 0.1), atol=1e-5)
    assert_same(after, [p.detach() for p in net.parameters()], atol=1e-6)

    trained = run("train_ch3")
    _, test = loaders()
    torch.manual_seed(0)
    net = nn.Linear(2, 3)
    torch.manual_seed(1)
    for _ in range(2):
        _reference_epoch(net, train, 0.1)
        list(test)  # evaluating draws a DataLoader seed from the global generator, as in the trainer
    assert_same(trained, [p.detach() for p in net.parameters()], atol=1e-6)


def test_animator_collects_points_and_skips_none():
    X, Y, legend = run("Animator")
    assert X == [[1, 2, 3], [1, 3]] and Y == [[0.9, 0.5, 0.3], [0.5, 0.8]] and legend == ["loss", "acc"]


def test_predict_ch3_titles_true_and_predicted_labels():
    titles = run("predict_ch3")
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    X = torch.rand(8, 1, 28, 28)
    preds = d2l.get_fashion_mnist_labels(net(X).argmax(1)[:4])
    trues = d2l.get_fashion_mnist_labels(range(4))
    assert titles == [f"{t}\n{p}" for t, p in zip(trues, preds)]


def test_evaluate_loss_is_the_mean_over_examples():
    torch.manual_seed(0)
    net = nn.Linear(2, 1)
    X, y = torch.randn(10, 2), torch.randn(10)
    with torch.no_grad():
        expected = float(((net(X).squeeze(1) - y) ** 2).mean())
    assert_same(run("evaluate_loss"), expected, atol=1e-6)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU fallback")
def test_try_gpu_falls_back_to_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert run("try_gpu") == ("cpu", "cpu")
    assert run("try_all_gpus") == ["cpu"]


def test_corr2d_matches_conv2d():
    one, two = run("corr2d")
    X = torch.arange(12.0).reshape(3, 4)
    assert_same(one, -torch.ones(3, 3))
    assert_same(two, F.conv2d(X[None, None], torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]]))[0, 0])


def test_train_ch6_matches_a_plain_loop():
    trained = run("train_ch6")
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 3, (70,), generator=g)
    X = torch.randn(70, 1, 6, 6, generator=g) * 0.3 + y.float().reshape(-1, 1, 1, 1)
    train = data.DataLoader(data.TensorDataset(X[:50], y[:50]), 5, shuffle=True)
    test = data.DataLoader(data.TensorDataset(X[50:], y[50:]), 10)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
                        nn.Flatten(), nn.Linear(16, 3))
    torch.manual_seed(1)
    for m in net.modules():  # train_ch6 starts with Xavier initialisation
        if type(m) in (nn.Linear, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
    for _ in range(2):
        _reference_epoch(net, train, 0.1)
        list(test)
    assert_same(trained, [p.detach() for p in net.parameters()], atol=1e-5)


def test_residual_adds_the_shortcut():
    same_out, down_out, shape, has_conv3, no_conv3 = run("Residual")
    assert shape == (2, 6, 4, 4) and has_conv3 and no_conv3
    torch.manual_seed(0)
    block = d2l.Residual(3, 3)
    x = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        inner = F.relu(block.bn1(block.conv1(x)))
        expected = F.relu(block.bn2(block.conv2(inner)) + x)
    assert_same(same_out, expected, atol=1e-6)


def test_grad_clipping_scales_to_theta():
    clipped, unchanged, scratch = run("grad_clipping")
    norm = 26 ** 0.5
    assert_same(clipped, [torch.full((2, 3), 2.0 / norm), torch.tensor([1.0, -1.0]) / norm], atol=1e-6)
    assert_same(unchanged, clipped)
    assert_same(scratch, torch.tensor([1.5, 2.0]))


def test_framework_aliases_call_pytorch():
    values = probe_aliases(d2l)
    x = torch.arange(6.0)
    assert_same(values[0], torch.ones(2))
    assert_same(values[22], x.reshape(3, 2))
    assert_same(values[24], torch.tensor([3.0, 12.0]))
    assert values[21] == 6 and values[-3] is True


def test_aliases_are_not_exported_by_star_import():
    assert "abs" not in d2l.__all__ and "size" not in d2l.__all__
