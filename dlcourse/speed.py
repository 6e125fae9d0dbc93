"""Speed defaults for ``train_ch6``, decided by measurement (``benchmarks/speed_cpu.py``), not by belief.

Measured on this project's 2-core Xeon (AVX-512, AMX), quiet, all threads (``benchmarks/speed_cpu.json``):

- **Memory layout.** Channels-last (NHWC) for networks with 2-D convolutions, on the CPU (oneDNN's
  convolutions run NHWC natively: LeNet 1.16x, a small VGG at 32 px 1.22x, 刘's Inception net 1.20x,
  GoogLeNet at 32 px 1.23x against the default layout) and on CUDA (tensor cores want it with bf16/fp16).
  Networks without convolutions keep the default layout, and so do networks whose ``forward`` flattens with
  ``.view`` (a probe on two examples finds them before training: ``view`` fails on a channels-last tensor).
- **Threads on a CPU.** PyTorch's one thread per core is fastest on a quiet machine (LeNet 1.9x, the VGG
  1.4x over one thread). When other processes keep the cores busy (load average above the core count plus
  one), threads that wait for each other at every operation make training 5-10x slower than one thread
  does (``speed_cpu_busy.json``: LeNet 440 against 3,300 examples/s at load 8). So on a busy CPU training
  runs on one thread, and the thread count is restored afterwards. ``OMP_NUM_THREADS`` set by the user (as
  ``make nbval`` does) always wins.
- **cuDNN autotuning** on CUDA (``cudnn.benchmark``) while training: the images have one size per chapter.
- **torch.compile** is not used on a CPU: it compiled for 35-390 s (cold cache) and then ran 0.6-1.07x as
  fast as eager, so it never paid back within a lite run.
- **Precision** stays fp32 on a CPU (``dlcourse.precision``). bf16 autocast (``amp="bf16"``) measured
  1.2-1.6x faster on this AMX CPU for LeNet and the Inception net, but it is slow on CPUs without bf16
  instructions and changes the numbers a chapter reports, so it is opt-in.
"""

from __future__ import annotations

import contextlib
import os

import torch
from torch import nn


def has_conv2d(net) -> bool:
    return isinstance(net, nn.Module) and any(isinstance(m, nn.Conv2d) for m in net.modules())


def default_channels_last(device: torch.device, net, sample: torch.Tensor | None = None) -> bool:
    """Whether ``train_ch6`` uses the channels-last layout when not told: for a network with convolutions on
    CUDA or the CPU, if it accepts a channels-last ``sample`` batch. Code that flattens with ``x.view(b, -1)``
    (刘二大人's networks) does not: ``view`` needs the default layout, so such a network keeps it."""
    if torch.device(device).type not in ("cuda", "cpu") or not has_conv2d(net):
        return False
    return sample is None or accepts_channels_last(net, sample.to(device))


def accepts_channels_last(net: nn.Module, sample: torch.Tensor) -> bool:
    """Run ``net`` (already on the sample's device) once, without gradients and in eval mode (no state
    changes), on a channels-last copy of two examples of ``sample``."""
    if sample.ndim != 4:
        return True
    was_training = net.training
    net.eval().to(memory_format=torch.channels_last)
    try:
        with torch.no_grad():
            net(sample[:2].contiguous(memory_format=torch.channels_last))
        return True
    except RuntimeError as e:
        if "view size is not compatible" not in str(e):
            raise
        return False
    finally:
        net.train(was_training).to(memory_format=torch.contiguous_format)


def peek(loader) -> torch.Tensor | None:
    """The inputs of a first batch, without drawing from the shuffle (for the course's TensorLoader) or, for
    any other loader, its first batch. The global random state is left as it was: starting a ``DataLoader``
    draws a seed from it, and training must shuffle exactly as it would without this look."""
    if hasattr(loader, "tensors") and hasattr(loader, "transform"):
        batch = [t[:2] for t in loader.tensors]
        return (loader.transform(*batch) if loader.transform else batch)[0]
    state = torch.get_rng_state()
    try:
        X = next(iter(loader), (None,))[0]
    finally:
        torch.set_rng_state(state)
    return X if isinstance(X, torch.Tensor) else None


def cpu_is_busy() -> bool:
    """True when the 1-minute load average exceeds the number of cores by more than one."""
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1) + 1
    except OSError:  # pragma: no cover - no load average on this platform
        return False


def training_threads(device) -> int | None:
    """The intra-op thread count for training on ``device``; None keeps PyTorch's own."""
    if torch.device(device).type != "cpu" or os.environ.get("OMP_NUM_THREADS"):
        return None
    return 1 if cpu_is_busy() else None


@contextlib.contextmanager
def tuned_for(device):
    """Train with the device's speed settings, and restore the global ones afterwards: on a CPU the thread count
    (``training_threads``); on CUDA cuDNN's autotuner (``cudnn.benchmark``: each convolution shape is timed
    once and its fastest algorithm kept, which pays for the fixed image sizes of these chapters)."""
    n, before = training_threads(device), torch.get_num_threads()
    tune, tune_before = torch.device(device).type == "cuda", torch.backends.cudnn.benchmark
    if n is not None:
        torch.set_num_threads(n)
    if tune:
        torch.backends.cudnn.benchmark = True
    try:
        yield
    finally:
        torch.set_num_threads(before)
        torch.backends.cudnn.benchmark = tune_before
