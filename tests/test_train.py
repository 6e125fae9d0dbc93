"""The trainers reach losses and accuracies that a broken trainer could not."""

import torch
from torch import nn

import dlcourse as dl
from dlcourse.data import TensorLoader


def blobs(n=600, seed=0):
    """Two Gaussian blobs in 2-D: a linear classifier separates them almost perfectly."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    X = torch.randn(n, 2, generator=g) * 0.5 + (y.float() * 2 - 1).unsqueeze(1) * torch.tensor([1.5, 1.5])
    return X, y


def test_train_ch3_with_an_optimizer_learns(capsys):
    dl.set_seed(0)
    X, y = blobs()
    train = TensorLoader(X[:500], y[:500], batch_size=50, shuffle=True)
    test = TensorLoader(X[500:], y[500:], batch_size=50)
    net = nn.Linear(2, 2)
    metrics = dl.train_ch3(net, train, test, nn.CrossEntropyLoss(reduction="none"), 5,
                           torch.optim.SGD(net.parameters(), lr=0.5))
    assert metrics["test_acc"] > 0.95 and metrics["train_loss"] < 0.2
    out = capsys.readouterr().out
    assert "epoch 5: train loss" in out and "PROGRESS" not in out and "50/50" in out  # one final progress line


def test_train_ch3_with_a_scratch_updater_and_mean_loss():
    dl.set_seed(0)
    X, y = blobs()
    W = torch.zeros(2, 2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)

    def net(X):
        return X @ W + b

    def updater(batch_size):
        with torch.no_grad():
            for p in (W, b):
                p -= 0.5 * p.grad / batch_size
                p.grad.zero_()

    train = TensorLoader(X, y, batch_size=50, shuffle=True)
    metrics = dl.train_ch3(net, train, train, nn.CrossEntropyLoss(reduction="none"), 3, updater)
    assert metrics["train_acc"] > 0.95
    # the default reduction (a batch mean) is accepted too and gives the same loss scale
    assert abs(dl.train_epoch_ch3(net, train, nn.CrossEntropyLoss(), updater)[0] - metrics["train_loss"]) < 0.1


def test_a_trainer_that_does_not_step_would_fail_these_thresholds():
    X, y = blobs()
    net = nn.Linear(2, 2)
    nn.init.zeros_(net.weight)
    nn.init.zeros_(net.bias)
    assert dl.evaluate_accuracy(net, TensorLoader(X, y, batch_size=100)) < 0.6


def test_train_ch6_learns_a_small_image_task(capsys):
    """Bright-left vs bright-right 8x8 images: a tiny CNN must get it right."""
    dl.set_seed(0)
    n = 512
    y = torch.randint(0, 2, (n,))
    X = torch.rand(n, 1, 8, 8) * 0.3
    X[y == 0, :, :, :4] += 0.7
    X[y == 1, :, :, 4:] += 0.7
    loader = TensorLoader(X, y, batch_size=64, shuffle=True)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 2)), nn.Flatten(),
                        nn.Linear(8, 2))
    metrics = dl.train_ch6(net, loader, loader, num_epochs=4, lr=0.5, device="cpu")
    assert metrics["test_acc"] > 0.95 and metrics["examples_per_sec"] > 0
    out = capsys.readouterr().out
    assert "test acc" in out and "examples/sec on cpu" in out


def test_accumulator_timer_and_accuracy():
    acc = dl.Accumulator(2)
    acc.add(1, 2.5)
    acc.add(torch.tensor(2), 0.5)
    assert acc[0] == 3 and acc[1] == 3.0
    acc.reset()
    assert acc.data == [0.0, 0.0]
    t = dl.Timer()
    t.stop()
    t.start()
    t.stop()
    assert len(t.times) == 2 and t.sum() >= 0 and t.cumsum()[-1] == t.sum()
    assert dl.accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 1.0
