"""Speed defaults for ``train_ch6``, decided by measurement (``benchmarks/speed_cpu.py``), not by belief.

- **Memory layout.** Channels-last (NHWC) for networks with 2-D convolutions on CUDA (tensor cores want it
  with bf16/fp16) and on the CPU (oneDNN's convolutions run NHWC natively): measured 1.1-1.2x more examples
  per CPU second for LeNet, and no slower for the VGG-, Inception- and GoogLeNet-style nets of chapters
  19-21. Networks without convolutions keep the default layout.
- **Threads on a CPU.** PyTorch uses one thread per core. That is fastest on a quiet machine, but when other
  processes keep the cores busy (load average above the core count), threads that wait for each other at
  every operation make a small network 5-10x slower than one thread does (measured: LeNet 240 against
  1,660 examples/s at load 12 on 2 cores). So on a busy CPU training runs on one thread, and the thread
  count is restored afterwards. ``OMP_NUM_THREADS`` set by the user (as ``make nbval`` does) always wins.
- **cuDNN autotuning** on CUDA (``cudnn.benchmark``) while training: the images have one size per chapter.
- **torch.compile** is not used on a CPU: LeNet compiles in about 35 s for a 1.07x steadier step, which
  pays back only after about 5 million examples (80 epochs); see ``benchmarks/speed_cpu.json``.
"""

from __future__ import annotations

import contextlib
import os

import torch
from torch import nn


def has_conv2d(net) -> bool:
    return isinstance(net, nn.Module) and any(isinstance(m, nn.Conv2d) for m in net.modules())


def default_channels_last(device: torch.device, net) -> bool:
    """Whether ``train_ch6`` uses the channels-last layout when not told."""
    return torch.device(device).type in ("cuda", "cpu") and has_conv2d(net)


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
