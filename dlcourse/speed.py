"""Speed defaults decided by measurement (``benchmarks/speed_cpu.py``), not by belief.

- Memory layout: channels-last (NHWC) for networks with 2-D convolutions, on CUDA (tensor cores want it with
  bf16/fp16) and on the CPU (oneDNN's convolutions run NHWC natively; measured faster for every network of
  chapters 17-22). Networks without convolutions keep the default layout.
"""

from __future__ import annotations

import torch
from torch import nn


def has_conv2d(net) -> bool:
    return isinstance(net, nn.Module) and any(isinstance(m, nn.Conv2d) for m in net.modules())


def default_channels_last(device: torch.device, net) -> bool:
    """Whether ``train_ch6`` uses the channels-last layout when not told."""
    return torch.device(device).type in ("cuda", "cpu") and has_conv2d(net)
