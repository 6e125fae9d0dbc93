"""The trainers reach losses and accuracies that a broken trainer could not."""

import pytest
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


# ---- train_ch6: scheduler, history, intermediate points, precision and layout decided once ----------------
def image_task(n=256, seed=0):
    """Bright-left vs bright-right 8x8 images, and a tiny CNN for them."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    X = torch.rand(n, 1, 8, 8, generator=g) * 0.3
    X[y == 0, :, :, :4] += 0.7
    X[y == 1, :, :, 4:] += 0.7
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 2)), nn.Flatten(),
                        nn.Linear(8, 2))
    return TensorLoader(X, y, batch_size=32, shuffle=True), net


def test_scheduler_is_stepped_once_per_batch_and_history_has_one_point_per_epoch():
    dl.set_seed(0)
    loader, net = image_task()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=3 * len(loader))
    m = dl.train_ch6(net, loader, loader, 3, lr=None, device="cpu", optimizer=opt, scheduler=sched)
    assert sched.last_epoch == 3 * len(loader)  # OneCycleLR raises if stepped more than total_steps
    assert [h["epoch"] for h in m["history"]] == [1, 2, 3]
    assert set(m["history"][0]) == {"epoch", "time_s", "train_loss", "train_acc", "test_acc"}
    times = [h["time_s"] for h in m["history"]]
    assert 0 < times[0] < times[1] < times[2]
    last = m["history"][-1]
    assert (last["train_loss"], last["train_acc"], last["test_acc"]) == (m["train_loss"], m["train_acc"],
                                                                        m["test_acc"])
    assert m["test_acc"] > 0.9


def test_history_survives_json():
    import json

    loader, net = image_task(64)
    m = dl.train_ch6(net, loader, loader, 2, 0.1, "cpu")
    assert json.loads(json.dumps(m["history"])) == m["history"]


def test_points_per_epoch_adds_fractional_train_points(monkeypatch):
    from dlcourse import train as train_mod

    made = []

    class Recording(dl.Animator):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.kwargs = kwargs
            made.append(self)

    monkeypatch.setattr(train_mod, "Animator", Recording)
    loader, net = image_task()  # 8 batches per epoch
    dl.train_ch6(net, loader, loader, 2, 0.1, "cpu", points_per_epoch=4)
    a = made[-1]
    assert a.X[0] == [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]  # train loss: 4 points per epoch
    assert a.X[2] == [1, 2]  # test accuracy: once per epoch
    assert a.kwargs["xlim"] == [0, 2]
    dl.train_ch6(net, loader, loader, 2, 0.1, "cpu")
    assert made[-1].X[0] == [1, 2] and made[-1].kwargs["xlim"] == [1, 2]


def test_plot_steps():
    from dlcourse.train import plot_steps

    assert plot_steps(10, 1) == {10}
    assert plot_steps(10, 5) == {2, 4, 6, 8, 10}
    assert plot_steps(3, 10) == {1, 2, 3}  # no more points than batches
    with pytest.raises(ValueError, match="at least 1"):
        plot_steps(10, 0)


def test_a_bad_precision_choice_fails_before_training(capsys):
    loader, net = image_task(64)
    with pytest.raises(ValueError, match="amp="):
        dl.train_ch6(net, loader, loader, 1, 0.1, "cpu", amp="half")
    with pytest.raises(ValueError, match="for CUDA GPUs"):
        dl.train_ch6(net, loader, loader, 1, 0.1, "cpu", amp="fp16")
    assert "examples/sec" not in capsys.readouterr().out


def test_the_fp16_path_scales_the_loss_through_a_grad_scaler(monkeypatch):
    """Run the loop with an fp16 policy on the CPU: every batch goes through scale/step/update of an enabled scaler."""
    from dlcourse import train as train_mod
    from dlcourse.precision import Precision

    calls = []

    class SpyScaler(torch.amp.GradScaler):
        def scale(self, outputs):
            calls.append("scale")
            return super().scale(outputs)

        def step(self, optimizer, *args, **kwargs):
            calls.append("step")
            return super().step(optimizer, *args, **kwargs)

        def update(self, *args, **kwargs):
            calls.append("update")
            return super().update(*args, **kwargs)

    class FP16OnCPU(Precision):
        def scaler(self):
            return SpyScaler("cpu", enabled=True, init_scale=256.0)

    chosen = []

    def fake_choose(device, amp=None):
        chosen.append(amp)
        return FP16OnCPU("fp16", "cpu")

    monkeypatch.setattr(train_mod, "choose_precision", fake_choose)
    dl.set_seed(0)
    loader, net = image_task()
    m = dl.train_ch6(net, loader, loader, 2, 0.5, "cpu")
    assert chosen == [None]  # decided once, before the loop
    assert calls == ["scale", "step", "update"] * (2 * len(loader))
    assert m["test_acc"] > 0.9  # the scaled gradients are unscaled before the step


def test_channels_last_is_decided_once(monkeypatch):
    loader, net = image_task(64)
    dl.train_ch6(net, loader, loader, 1, 0.1, "cpu", channels_last=True)
    assert net[0].weight.is_contiguous(memory_format=torch.channels_last)
    dl.train_ch6(net, loader, loader, 1, 0.1, "cpu", channels_last=False)
    assert net[0].weight.is_contiguous()
    from dlcourse.speed import default_channels_last

    assert default_channels_last("cpu", net) and default_channels_last("cuda", net)
    assert not default_channels_last("cpu", nn.Sequential(nn.Flatten(), nn.Linear(64, 2)))
    assert not default_channels_last("mps", net)


def test_train_ch6_trains_an_mlp_on_flat_inputs():
    loader, _ = image_task()
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 2))
    m = dl.train_ch6(net, loader, loader, 3, 0.5, "cpu")
    assert m["test_acc"] > 0.9


def test_train_ch3_returns_a_history():
    dl.set_seed(0)
    X, y = blobs()
    train = TensorLoader(X, y, batch_size=50, shuffle=True)
    net = nn.Linear(2, 2)
    m = dl.train_ch3(net, train, train, nn.CrossEntropyLoss(reduction="none"), 2,
                     torch.optim.SGD(net.parameters(), lr=0.5))
    assert [h["epoch"] for h in m["history"]] == [1, 2] and m["history"][-1]["test_acc"] == m["test_acc"]
