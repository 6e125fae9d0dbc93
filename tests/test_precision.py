"""The precision policy: bf16 only on CUDA >= 8.0, fp16 with a gradient scaler below, fp32 on MPS and the CPU."""

import pytest
import torch

from dlcourse import precision
from dlcourse.precision import choose_precision


@pytest.fixture
def gpu(monkeypatch):
    """Pretend a CUDA GPU of a given compute capability is present: gpu(8, 0) is an A100, gpu(7, 5) a T4."""

    def fake(major, minor):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (major, minor))

    return fake


@pytest.mark.parametrize("cap, name", [((9, 0), "bf16"), ((8, 0), "bf16"), ((8, 6), "bf16"),
                                       ((7, 5), "fp16"), ((7, 0), "fp16"), ((6, 1), "fp16")])
def test_cuda_precision_follows_the_compute_capability(gpu, cap, name):
    gpu(*cap)
    p = choose_precision("cuda:0")
    assert p.name == name and p.device_type == "cuda"
    assert p.dtype == {"bf16": torch.bfloat16, "fp16": torch.float16}[name]
    assert p.scaled == (name == "fp16")  # only fp16 scales the loss
    assert choose_precision("cuda", amp=True).name == name  # amp=True: the GPU's mixed precision


def test_cpu_and_mps_train_in_fp32():
    for device in ("cpu", "mps"):
        p = choose_precision(device)
        assert p.name == "fp32" and p.dtype is None and not p.scaled


def test_amp_false_and_explicit_choices(gpu):
    gpu(9, 0)
    assert choose_precision("cuda", amp=False).name == "fp32"
    assert choose_precision("cuda", amp="fp16").name == "fp16"
    assert choose_precision("cpu", amp="bf16").name == "bf16"  # the CPU can autocast to bf16 when asked


@pytest.mark.parametrize("device, amp, message", [
    ("cpu", "int8", "choose None"),
    ("cpu", "float16", "choose None"),
    ("cpu", True, "amp=True asks for a GPU"),
    ("mps", True, "amp=True asks for a GPU"),
    ("cpu", "fp16", "for CUDA GPUs"),
    ("mps", "bf16", "not on mps"),
])
def test_bad_precision_choices_are_refused(device, amp, message):
    with pytest.raises(ValueError, match=message):
        choose_precision(device, amp=amp)


def test_bf16_is_refused_on_a_t4(gpu):
    gpu(7, 5)
    with pytest.raises(ValueError, match="compute capability >= 8.0.*7.5"):
        choose_precision("cuda:0", amp="bf16")


def test_no_cuda_means_no_native_bf16(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert not precision.native_bf16(torch.device("cuda"))
    assert not precision.native_bf16(torch.device("cpu"))


def test_fp16_uses_an_enabled_scaler_and_the_others_a_pass_through(gpu, monkeypatch):
    made = []

    class SpyScaler:
        def __init__(self, device="cuda", enabled=True, **kwargs):
            made.append((device, enabled))

    monkeypatch.setattr(torch.amp, "GradScaler", SpyScaler)
    gpu(7, 5)
    choose_precision("cuda").scaler()
    gpu(9, 0)
    choose_precision("cuda").scaler()
    choose_precision("cpu").scaler()
    assert made == [("cuda", True), ("cuda", False), ("cpu", False)]


def test_autocast_context_matches_the_policy():
    with choose_precision("cpu", amp="bf16").autocast():
        assert torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") == torch.bfloat16
    with choose_precision("cpu").autocast():
        assert not torch.is_autocast_enabled("cpu")
