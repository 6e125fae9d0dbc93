"""Which floating-point precision training uses on a device, decided once before the loop.

- CUDA with compute capability >= 8.0 (A100, H100, RTX 30xx and later): bfloat16 autocast. bf16 has fp32's
  exponent range, so no loss scaling is needed.
- CUDA below 8.0 (Colab's T4 is 7.5, V100 7.0): float16 autocast with a gradient scaler. These GPUs have no
  native bf16, but their tensor cores run fp16 (a T4: 65 TFLOP/s fp16 against 8 fp32). fp16's narrow range
  makes small gradients underflow to zero; the scaler multiplies the loss before ``backward`` and skips a step
  whose gradients overflowed, so training stays correct. Autocast keeps softmax and the loss in fp32.
- MPS and CPU: float32.

``amp`` overrides the choice: ``False``/``"fp32"``, ``"bf16"`` (CUDA >= 8.0, or the CPU), ``"fp16"`` (CUDA),
``True`` (the GPU's mixed precision, CUDA only).
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass

import torch

CHOICES = ("fp32", "bf16", "fp16")
_DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass(frozen=True)
class Precision:
    """A precision policy: its name, the autocast dtype (None: plain fp32) and whether it scales the loss."""

    name: str
    device_type: str

    @property
    def dtype(self):
        return _DTYPES[self.name]

    @property
    def scaled(self) -> bool:
        return self.name == "fp16"

    def autocast(self):
        """The context the forward pass (and the loss) runs in: autocast, or nothing at all for fp32 (older
        PyTorch refuses even a disabled autocast on MPS)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    @contextlib.contextmanager
    def training(self):
        """Around the training loop. With fp16 the scaler skips the steps whose gradients overflowed (often the
        first few, while it finds its scale); a scheduler stepped after such a step warns that it ran before
        ``optimizer.step()``. That is expected here, so the warning is silenced."""
        with warnings.catch_warnings():
            if self.scaled:
                warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler\.step\(\)` before")
            yield

    def scaler(self):
        """A gradient scaler, enabled only for fp16; disabled, its calls pass straight through."""
        if hasattr(torch.amp, "GradScaler"):  # torch >= 2.3
            return torch.amp.GradScaler(self.device_type, enabled=self.scaled)
        return torch.cuda.amp.GradScaler(enabled=self.scaled)  # pragma: no cover - older torch


def native_bf16(device: torch.device) -> bool:
    """True for a CUDA device of compute capability 8.0 or later."""
    return device.type == "cuda" and torch.cuda.is_available() and torch.cuda.get_device_capability(device)[0] >= 8


def choose_precision(device, amp=None) -> Precision:
    """The precision for training on ``device``; ``amp`` (None = automatic) overrides it, see the module doc."""
    device = torch.device(device)
    on_cuda = device.type == "cuda"
    if amp is None or amp is True:
        if amp is True and not on_cuda:
            raise ValueError(f"amp=True asks for a GPU's mixed precision, but the device is {device.type}; "
                             "use amp=None (fp32 there) or amp='bf16' explicitly")
        name = ("bf16" if native_bf16(device) else "fp16") if on_cuda else "fp32"
    elif amp is False:
        name = "fp32"
    elif amp in CHOICES:
        name = amp
    else:
        raise ValueError(f"amp={amp!r}: choose None (automatic), True, False or one of {', '.join(CHOICES)}")
    if name == "bf16" and on_cuda and not native_bf16(device):
        raise ValueError(f"amp='bf16' needs compute capability >= 8.0; {device} has "
                         f"{'.'.join(map(str, torch.cuda.get_device_capability(device)))}: use 'fp16' or 'fp32'")
    if name == "bf16" and device.type not in ("cuda", "cpu"):
        raise ValueError(f"amp='bf16' is supported on CUDA (>= 8.0) and the CPU, not on {device.type}")
    if name == "fp16" and not on_cuda:
        raise ValueError(f"amp='fp16' (with a gradient scaler) is for CUDA GPUs, not {device.type}")
    return Precision(name, device.type)
