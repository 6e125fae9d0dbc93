"""Training helpers with d2l's names: Accumulator, Timer, accuracy, evaluate_accuracy, train_ch3, train_ch6.

Metrics are summed on the device where the model runs and read back once per epoch: calling
``.item()`` or ``float()`` on a GPU tensor every batch stalls the GPU until it catches up.
"""

from __future__ import annotations

import time

import torch
from torch import nn

from .devices import describe, synchronize, try_gpu
from .display import progress
from .plot import Animator
from .precision import choose_precision
from .speed import default_channels_last, peek, tuned_for


class Accumulator:
    """Sum ``n`` running totals."""

    def __init__(self, n: int):
        self.data = [0.0] * n

    def add(self, *args) -> None:
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self) -> None:
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


class Timer:
    """Record several running times."""

    def __init__(self):
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        self.tik = time.perf_counter()

    def stop(self) -> float:
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        return sum(self.times)

    def cumsum(self) -> list[float]:
        out, total = [], 0.0
        for t in self.times:
            total += t
            out.append(total)
        return out


def correct_count(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The number of correct predictions, as a tensor on the prediction's device (no sync)."""
    if y_hat.ndim > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return (y_hat.type(y.dtype) == y).sum()


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """The number of correct predictions (d2l's ``accuracy``: a count, not a fraction)."""
    return float(correct_count(y_hat, y))


def _device_of(net) -> torch.device:
    if isinstance(net, nn.Module):
        p = next(net.parameters(), None)
        if p is not None:
            return p.device
    return torch.device("cpu")


def evaluate_accuracy(net, data_iter, device=None) -> float:
    """Accuracy of ``net`` on ``data_iter``, in eval mode and without gradients."""
    device = device or _device_of(net)
    return _evaluate(net, data_iter, lambda X, y: (X.to(device, non_blocking=True), y.to(device, non_blocking=True)))


def _evaluate(net, data_iter, move) -> float:
    """Accuracy over ``data_iter``, each batch placed by ``move(X, y)``; one read-back at the end."""
    was_training = isinstance(net, nn.Module) and net.training
    if isinstance(net, nn.Module):
        net.eval()
    correct, n = 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = move(X, y)
            correct = correct + correct_count(net(X), y)
            n += y.numel()
    if was_training:
        net.train()
    return float(correct) / n


def _loss_sum(l: torch.Tensor, n: int) -> torch.Tensor:
    # Accept both per-example losses (reduction='none') and a batch mean (the default reduction).
    return l.sum() if l.ndim > 0 else l * n


def train_epoch_ch3(net, train_iter, loss, updater, bar=None):
    """One epoch of training; returns (mean loss, accuracy) over the epoch."""
    if isinstance(net, nn.Module):
        net.train()
    device = _device_of(net)
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), device=device)
    n = 0
    for X, y in train_iter:
        X, y = X.to(device), y.to(device)
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:  # a from-scratch updater takes the batch size and divides the summed gradient by it
            l.sum().backward()
            updater(X.shape[0])
        loss_sum += _loss_sum(l.detach(), y.numel())
        correct += correct_count(y_hat.detach(), y)
        n += y.numel()
        if bar is not None:
            bar.update(1)
    return float(loss_sum) / n, float(correct) / n


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater, ylim=(0.3, 0.9)) -> dict:
    """Train a classifier (d2l's ``train_ch3``) with a progress bar and a live plot.

    Prints the final metrics and returns them as a dict, with ``history`` (one dict per epoch). Like
    ``train_ch6`` it trains on one thread when the CPU is busy (``dlcourse.speed``).
    """
    animator = Animator(xlabel="epoch", xlim=[1, num_epochs], ylim=list(ylim),
                        legend=["train loss", "train acc", "test acc"])
    history, start = [], time.perf_counter()
    with tuned_for(_device_of(net)), progress(total=num_epochs * len(train_iter), desc="training") as bar:
        for epoch in range(num_epochs):
            train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater, bar)
            test_acc = evaluate_accuracy(net, test_iter)
            history.append(_epoch_point(epoch + 1, start, train_loss, train_acc, test_acc))
            animator.add(epoch + 1, (train_loss, train_acc, test_acc))
    animator.finish()
    print(f"epoch {num_epochs}: train loss {train_loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")
    return {"train_loss": train_loss, "train_acc": train_acc, "test_acc": test_acc, "history": history}


def _epoch_point(epoch, start, train_loss, train_acc, test_acc) -> dict:
    return {"epoch": epoch, "time_s": round(time.perf_counter() - start, 3), "train_loss": train_loss,
            "train_acc": train_acc, "test_acc": test_acc}


def init_xavier(m: nn.Module) -> None:
    """Xavier-uniform initialisation for linear and convolutional layers (as d2l's ``train_ch6`` does)."""
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(m.weight)


def batch_mover(device: torch.device, channels_last: bool):
    """``move(X, y)``: put a batch on ``device``, images (4-D) in the channels-last layout if asked."""
    fmt = torch.channels_last if channels_last else torch.contiguous_format

    def move(X, y):
        X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        return (X.contiguous(memory_format=fmt) if X.ndim == 4 else X), y

    return move


def plot_steps(num_batches: int, points_per_epoch: int) -> set[int]:
    """The batch numbers (1-based) within an epoch after which the train curves get a point."""
    if points_per_epoch < 1:
        raise ValueError(f"points_per_epoch must be at least 1, got {points_per_epoch}")
    k = min(points_per_epoch, num_batches)
    return {round(num_batches * (j + 1) / k) for j in range(k)}


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device=None, *, optimizer=None, scheduler=None,
              loss=None, init=True, amp=None, channels_last=None, points_per_epoch=1) -> dict:
    """Train a model on a device (d2l's ``train_ch6``): SGD and cross-entropy unless given others.

    Decided once, before the loop (see ``dlcourse.precision`` and ``dlcourse.speed``): the precision
    (``amp``: bf16 on CUDA >= 8.0, fp16 with a gradient scaler on older CUDA, fp32 on MPS and the CPU), the
    memory layout (``channels_last``), the thread count on a busy CPU and cuDNN's autotuner on CUDA.
    ``scheduler`` is stepped after every batch (e.g. ``OneCycleLR``). Loss and accuracy stay on the device
    and are read back only when plotted (``points_per_epoch`` times per epoch). Prints the final loss and
    accuracies and the throughput, and returns them with ``history``: per epoch, the wall time since
    training started and the three metrics.
    """
    device = torch.device(device) if device is not None else try_gpu()
    precision = choose_precision(device, amp)
    if init:
        net.apply(init_xavier)
    net.to(device)
    if channels_last is None:
        channels_last = default_channels_last(device, net, peek(train_iter))
    net.to(memory_format=torch.channels_last if channels_last else torch.contiguous_format)
    move = batch_mover(device, channels_last)
    optimizer = optimizer or torch.optim.SGD(net.parameters(), lr=lr)
    loss = loss or nn.CrossEntropyLoss()
    scaler = precision.scaler()
    num_batches, steps = len(train_iter), plot_steps(len(train_iter), points_per_epoch)
    animator = Animator(xlabel="epoch", xlim=[0 if points_per_epoch > 1 else 1, num_epochs],
                        legend=["train loss", "train acc", "test acc"])
    history, timer, n_seen, start = [], Timer(), 0, time.perf_counter()
    bar = progress(total=num_epochs * num_batches, desc=f"training on {device}")
    with tuned_for(device), precision.training(), bar:
        for epoch in range(num_epochs):
            net.train()
            sums = torch.zeros(2, device=device)  # loss and correct predictions, summed on the device
            n = 0
            timer.start()
            for i, (X, y) in enumerate(train_iter, 1):
                X, y = move(X, y)
                with precision.autocast():
                    y_hat = net(X)
                    l = loss(y_hat, y)
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(l).backward()
                scaler.step(optimizer)
                scaler.update()
                if scheduler is not None:
                    scheduler.step()
                sums += torch.stack((l.detach().float() * y.numel(), correct_count(y_hat.detach(), y).float()))
                n += y.numel()
                bar.update(1)
                if i in steps and i < num_batches:
                    animator.add(epoch + i / num_batches, (*(sums / n).tolist(), None))
            synchronize(device)
            timer.stop()
            n_seen += n
            train_loss, train_acc = (sums / n).tolist()
            with precision.autocast():
                test_acc = _evaluate(net, test_iter, move)
            history.append(_epoch_point(epoch + 1, start, train_loss, train_acc, test_acc))
            animator.add(epoch + 1, (train_loss, train_acc, test_acc))
        where = describe(device)  # read while training's thread count is in force
    animator.finish()
    speed = n_seen / timer.sum()
    print(f"loss {train_loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")
    print(f"{speed:.1f} examples/sec on {where}")
    return {"train_loss": train_loss, "train_acc": train_acc, "test_acc": test_acc, "examples_per_sec": speed,
            "history": history}
