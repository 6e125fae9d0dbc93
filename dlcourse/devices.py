"""Pick where tensors live: CUDA first, then Apple's MPS, then the CPU."""

from __future__ import annotations

import torch


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def num_gpus() -> int:
    """How many accelerators there are: CUDA devices, or 1 for Apple's MPS, or 0."""
    if torch.cuda.is_available():
        return torch.cuda.device_count()
    return 1 if _mps_available() else 0


def try_gpu(i: int = 0) -> torch.device:
    """The i-th GPU if it exists (CUDA, then MPS), otherwise the CPU."""
    if torch.cuda.is_available() and torch.cuda.device_count() > i:
        return torch.device(f"cuda:{i}")
    if i == 0 and not torch.cuda.is_available() and _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def try_all_gpus() -> list[torch.device]:
    """Every GPU there is, or ``[cpu]`` when there is none."""
    if torch.cuda.is_available():
        return [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    if _mps_available():
        return [torch.device("mps")]
    return [torch.device("cpu")]


def describe(device: torch.device) -> str:
    """A human-readable name, e.g. ``cuda:0 (NVIDIA H100)`` or ``cpu (2 threads)``."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    if device.type == "cpu":
        n = torch.get_num_threads()
        return f"cpu ({n} thread{'s' if n > 1 else ''})"
    return str(device)


def synchronize(device: torch.device) -> None:
    """Wait for queued GPU work (only for timing; training loops should not call this per batch)."""
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
