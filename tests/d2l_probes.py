"""Probes of the classic d2l API (d2l-zh 2.0 / d2l 0.17, chapters 2–7, plus ``grad_clipping``).

``PROBES[name](impl)`` calls one implementation of ``name`` on small, seeded inputs and returns what it did
(tensors, numbers, labels, the parameters a training run left behind). The same probe runs on
``dlcourse``'s version, on d2l 0.17.6's own (``test_d2l_side_by_side.py``) and on the version a chapter
writes out with ``#@save`` (``test_written_out.py``); ``assert_same`` compares the results.
"""

from __future__ import annotations

import gzip
import math
import os
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils import data  # noqa: E402

# Every name of the classic API this course covers, and the chapter(s) where it may be written out first.
WRITTEN_IN = {
    "use_svg_display": "04", "set_figsize": "04", "set_axes": "04", "plot": "04",
    "Timer": "08", "synthetic_data": "08", "linreg": "08", "squared_loss": "08", "sgd": "08", "load_array": "08",
    "get_fashion_mnist_labels": "10 11", "show_images": "10 11", "get_dataloader_workers": "10 11",
    "load_data_fashion_mnist": "10 11",
    "accuracy": "11", "evaluate_accuracy": "11", "Accumulator": "11", "train_epoch_ch3": "11", "Animator": "11",
    "train_ch3": "11", "predict_ch3": "11",
    "evaluate_loss": "13",
    "try_gpu": "15", "try_all_gpus": "15",
    "corr2d": "16",
    "evaluate_accuracy_gpu": "17", "train_ch6": "17",
    "Residual": "21",
    "grad_clipping": "14 23",
}
# d2l's framework aliases (module-level names of d2l/torch.py) and the modules it exposes as attributes.
ALIASES = ["ones", "zeros", "tensor", "arange", "meshgrid", "sin", "sinh", "cos", "cosh", "tanh", "linspace", "exp",
           "log", "normal", "rand", "matmul", "int32", "float32", "concat", "stack", "abs", "eye", "numpy", "size",
           "reshape", "to", "reduce_sum", "argmax", "astype", "transpose", "nn_Module"]
MODULES = {"plt": plt, "np": np, "torch": torch, "nn": nn}
NAMES = list(WRITTEN_IN)


def assert_same(a, b, atol=1e-6, path="result"):
    """Recursively compare two probe results (tensors and floats within ``atol``)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        a, b = torch.as_tensor(a), torch.as_tensor(b)
        assert a.shape == b.shape, f"{path}: shape {tuple(a.shape)} != {tuple(b.shape)}"
        assert torch.allclose(a.double(), b.double(), atol=atol, rtol=0), f"{path}: {a} != {b}"
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, abs_tol=atol), f"{path}: {a} != {b}"
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, atol, f"{path}[{i}]")
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            assert_same(a[k], b[k], atol, f"{path}[{k!r}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def params(net):
    return [p.detach().clone() for p in net.parameters()]


def blobs(n=120, seed=0):
    """Three well separated Gaussian blobs in 2-D: any classifier trainer reaches > 0.9 on them at once."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (n,), generator=g)
    centers = torch.tensor([[3.0, 0.0], [-3.0, 3.0], [-3.0, -3.0]])
    return centers[y] + 0.5 * torch.randn(n, 2, generator=g), y


def loaders(batch_size=20):
    X, y = blobs()
    train = data.DataLoader(data.TensorDataset(X[:80], y[:80]), batch_size, shuffle=True)
    test = data.DataLoader(data.TensorDataset(X[80:], y[80:]), batch_size, shuffle=False)
    return train, test


@contextmanager
def closing_figures():
    try:
        yield
    finally:
        plt.close("all")


def _axes_state(ax):
    return {"xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(), "xlim": [float(v) for v in ax.get_xlim()],
            "ylim": [float(v) for v in ax.get_ylim()], "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
            "legend": [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else [],
            "lines": [(list(map(float, ln.get_xdata())), list(map(float, ln.get_ydata()))) for ln in ax.lines]}


# ---- one probe per name ------------------------------------------------------------------------------------

def probe_use_svg_display(f):
    f()
    return True


def probe_set_figsize(f):
    with closing_figures():
        f((2.5, 1.5))
        first = list(plt.rcParams["figure.figsize"])
        f()
        return first, list(plt.rcParams["figure.figsize"])


def probe_set_axes(f):
    with closing_figures():
        _, ax = plt.subplots()
        ax.plot([1, 2, 3], [1, 10, 100])
        f(ax, "x", "y", (0, 4), (1, 1000), "linear", "log", ["curve"])
        return _axes_state(ax)


def probe_plot(f):
    with closing_figures():
        _, ax = plt.subplots()
        x = torch.arange(0, 3, 0.5)
        f(x, [x ** 2, 2 * x], "x", "f(x)", legend=["x^2", "2x"], xlim=[0, 3], axes=ax)
        one = _axes_state(ax)
        _, ax2 = plt.subplots()
        f([1.0, 4.0, 9.0], axes=ax2)  # Y omitted: X holds the values, plotted against their index
        return one, _axes_state(ax2)["lines"]


def probe_Timer(f):
    t = f()
    elapsed = t.stop()
    t.times = [1.0, 2.0, 3.5]
    return isinstance(elapsed, float) and elapsed >= 0, t.avg(), t.sum(), t.cumsum()


def probe_synthetic_data(f):
    torch.manual_seed(0)
    return f(torch.tensor([2.0, -3.4]), 4.2, 5)


def probe_linreg(f):
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    return f(X, torch.tensor([[0.5], [-1.0]]), 0.25)


def probe_squared_loss(f):
    return f(torch.tensor([[1.0], [2.0], [4.0]]), torch.tensor([1.5, 2.0, 1.0]))


def probe_sgd(f):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    w.grad, b.grad = torch.tensor([4.0, -8.0]), torch.tensor(2.0)
    f([w, b], 0.1, 4)
    return w.detach(), b.detach(), w.grad, b.grad


def probe_load_array(f):
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    torch.manual_seed(0)
    shuffled = [tuple(batch) for batch in f((X, y), 4)]
    ordered = [tuple(batch) for batch in f((X, y), 4, is_train=False)]
    return shuffled, ordered


def probe_get_fashion_mnist_labels(f):
    return f(torch.tensor([0, 9, 3, 6]))


def probe_show_images(f):
    with closing_figures():
        torch.manual_seed(0)
        axes = f(torch.rand(4, 6, 6), 2, 2, titles=["a", "b", "c", "d"])
        return len(axes), [ax.get_title() for ax in axes], [ax.get_images()[0].get_array().shape for ax in axes]


def probe_get_dataloader_workers(f):
    return f()


@contextmanager
def fashion_mnist_in_data_dir(tmp_dir: Path, mirror: Path):
    """d2l's loader reads ``../data/FashionMNIST/raw``: give it the mirror's files there, decompressed as
    torchvision keeps them (so it finds them and downloads nothing)."""
    raw = tmp_dir / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for f in (mirror / "fashion-mnist").iterdir():
        target = raw / f.name.removesuffix(".gz")
        if f.name.endswith("-ubyte.gz") and not target.exists():
            target.write_bytes(gzip.decompress(f.read_bytes()))
    work = tmp_dir / "work"
    work.mkdir(exist_ok=True)
    old = os.getcwd()
    os.chdir(work)
    try:
        yield
    finally:
        os.chdir(old)


def probe_load_data_fashion_mnist(f):
    train_iter, test_iter = f(32)
    X, y = next(iter(test_iter))  # the test split is not shuffled
    Xt, yt = next(iter(train_iter))
    return X, y, tuple(Xt.shape), Xt.dtype, yt.dtype


def probe_accuracy(f):
    y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    return f(y_hat, torch.tensor([1, 1, 1, 0])), f(torch.tensor([1, 0, 1]), torch.tensor([1, 1, 1]))


def _linear_net(seed=0, out=3):
    torch.manual_seed(seed)
    return nn.Linear(2, out)


def probe_evaluate_accuracy(f):
    _, test = loaders()
    return f(_linear_net(), test)


def probe_Accumulator(f):
    a = f(2)
    a.add(1, 2.5)
    a.add(3, torch.tensor(1.0))
    first = [a[0], a[1]]
    a.reset()
    return first, [a[0], a[1]]


def probe_train_epoch_ch3(f):
    train, _ = loaders()
    net = _linear_net()
    torch.manual_seed(1)
    opt_metrics = f(net, train, nn.CrossEntropyLoss(reduction="none"), torch.optim.SGD(net.parameters(), lr=0.1))
    after_opt = params(net)
    W = torch.zeros(2, 3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)

    def scratch_net(X):
        return torch.softmax(X @ W + b, dim=1)

    def cross_entropy(y_hat, y):
        return -torch.log(y_hat[range(len(y_hat)), y])

    def updater(batch_size):
        with torch.no_grad():
            for p in (W, b):
                p -= 0.1 * p.grad / batch_size
                p.grad.zero_()

    torch.manual_seed(2)
    scratch_metrics = f(scratch_net, train, cross_entropy, updater)
    return tuple(opt_metrics), after_opt, tuple(scratch_metrics), [W.detach(), b.detach()]


def probe_Animator(f):
    with closing_figures():
        a = f(xlabel="epoch", xlim=[1, 3], legend=["loss", "acc"])
        a.add(1, (0.9, 0.5))
        a.add(2, (0.5, None))
        a.add(3, (0.3, 0.8))
        return a.X, a.Y, _axes_state(a.axes[0])["legend"]


def probe_train_ch3(f):
    with closing_figures():
        train, test = loaders()
        net = _linear_net()
        torch.manual_seed(1)
        f(net, train, test, nn.CrossEntropyLoss(reduction="none"), 2, torch.optim.SGD(net.parameters(), lr=0.1))
        return params(net)


def probe_predict_ch3(f):
    with closing_figures():
        torch.manual_seed(0)
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        X, y = torch.rand(8, 1, 28, 28), torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])
        f(net, [(X, y)], n=4)
        return [ax.get_title() for ax in plt.gcf().axes]


def probe_evaluate_loss(f):
    torch.manual_seed(0)
    net = nn.Linear(2, 1)
    X, y = torch.randn(10, 2), torch.randn(10)
    batches = [(X[:6], y[:6]), (X[6:], y[6:])]
    return f(net, batches, nn.MSELoss(reduction="none"))


def probe_try_gpu(f):
    return str(f()), str(f(7))


def probe_try_all_gpus(f):
    return [str(d) for d in f()]


def probe_corr2d(f):
    X = torch.arange(12.0).reshape(3, 4)
    return f(X, torch.tensor([[1.0, -1.0]])), f(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))


def probe_evaluate_accuracy_gpu(f):
    _, test = loaders()
    return f(_linear_net(), test), f(_linear_net(), test, torch.device("cpu"))


def _tiny_cnn(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
                         nn.Flatten(), nn.Linear(16, 3))


def probe_train_ch6(f):
    with closing_figures():
        g = torch.Generator().manual_seed(0)
        y = torch.randint(0, 3, (70,), generator=g)
        X = torch.randn(70, 1, 6, 6, generator=g) * 0.3 + y.float().reshape(-1, 1, 1, 1)
        # 10 batches: d2l's train_ch6 plots every (batches // 5) batches, so it needs at least five
        train = data.DataLoader(data.TensorDataset(X[:50], y[:50]), 5, shuffle=True)
        test = data.DataLoader(data.TensorDataset(X[50:], y[50:]), 10)
        net = _tiny_cnn()
        torch.manual_seed(1)
        f(net, train, test, 2, 0.1, torch.device("cpu"))
        return params(net)


def probe_Residual(f):
    torch.manual_seed(0)
    same = f(3, 3)
    torch.manual_seed(1)
    down = f(3, 6, use_1x1conv=True, strides=2)
    x = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        return same(x), down(x), tuple(down(x).shape), down.conv3 is not None, same.conv3 is None


def probe_grad_clipping(f):
    torch.manual_seed(0)
    net = nn.Linear(3, 2)
    net.weight.grad = torch.full((2, 3), 2.0)
    net.bias.grad = torch.tensor([1.0, -1.0])
    f(net, 1.0)
    clipped = [net.weight.grad.clone(), net.bias.grad.clone()]
    f(net, 100.0)  # already small enough: unchanged

    class Scratch:
        params = [torch.zeros(2, requires_grad=True)]

    Scratch.params[0].grad = torch.tensor([3.0, 4.0])
    f(Scratch(), 2.5)
    return clipped, [net.weight.grad, net.bias.grad], Scratch.params[0].grad


PROBES = {name: globals()[f"probe_{name}"] for name in NAMES}


def probe_aliases(mod):
    """Call every framework alias the way d2l's own functions do."""
    x = torch.arange(6.0)
    m = x.reshape(2, 3)
    return [
        mod.ones(2), mod.zeros(2), mod.tensor([1, 2]), mod.arange(3), [t for t in mod.meshgrid(x[:2], x[:3],
                                                                                                  indexing="ij")],
        mod.sin(x), mod.sinh(x), mod.cos(x), mod.cosh(x), mod.tanh(x), mod.linspace(0, 1, 3), mod.exp(x),
        mod.log(x + 1), mod.matmul(m, m.T), mod.int32, mod.float32, mod.concat([x, x]), mod.stack([x, x]),
        mod.abs(-x), mod.eye(2), torch.from_numpy(mod.numpy(x)), mod.size(m), mod.reshape(x, (3, 2)),
        mod.to(x, torch.float64), mod.reduce_sum(m, axis=1), mod.argmax(m, axis=1), mod.astype(m, torch.int32),
        mod.transpose(m), mod.nn_Module is nn.Module,
        tuple(mod.normal(0, 1, (2, 2)).shape), tuple(mod.rand(3).shape),
    ]
