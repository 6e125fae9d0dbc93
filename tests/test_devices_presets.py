"""Device order (CUDA, then MPS, then CPU) with availability patched, and preset selection."""

import pytest
import torch

import dlcourse as dl
from dlcourse import devices, presets


@pytest.fixture
def fake(monkeypatch):
    def set_(cuda=0, mps=False):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(devices, "_mps_available", lambda: mps)

    return set_


def test_cuda_first(fake):
    fake(cuda=2, mps=True)
    assert dl.try_gpu() == torch.device("cuda:0") and dl.try_gpu(1) == torch.device("cuda:1")
    assert dl.try_gpu(2) == torch.device("cpu")
    assert dl.try_all_gpus() == [torch.device("cuda:0"), torch.device("cuda:1")] and dl.num_gpus() == 2


def test_mps_when_no_cuda(fake):
    fake(cuda=0, mps=True)
    assert dl.try_gpu() == torch.device("mps") and dl.try_gpu(1) == torch.device("cpu")
    assert dl.try_all_gpus() == [torch.device("mps")] and dl.num_gpus() == 1


def test_cpu_last(fake):
    fake()
    assert dl.try_gpu() == torch.device("cpu") and dl.try_all_gpus() == [torch.device("cpu")]
    assert dl.num_gpus() == 0


def test_default_preset_follows_the_hardware(fake, monkeypatch):
    monkeypatch.delenv("DLCOURSE_PRESET", raising=False)
    fake(cuda=1)
    assert dl.preset_name() == "full"
    fake(mps=True)
    assert dl.preset_name() == "full"
    fake()
    assert dl.preset_name() == "lite"


def test_environment_overrides_and_is_validated(monkeypatch, fake):
    fake(cuda=1)
    monkeypatch.setenv("DLCOURSE_PRESET", " Smoke ")
    assert dl.preset_name() == "smoke"
    monkeypatch.setenv("DLCOURSE_PRESET", "huge")
    with pytest.raises(ValueError, match="full, lite, smoke"):
        dl.preset_name()


def test_preset_prints_the_choice_and_returns_its_settings(monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_PRESET", "lite")
    cfg = dl.preset(full=dict(epochs=10), lite=dict(epochs=3, n_train=20000), smoke=dict(epochs=1))
    out = capsys.readouterr().out
    assert "Preset: lite (DLCOURSE_PRESET=lite)" in out and "epochs=3, n_train=20000" in out
    assert cfg.epochs == 3 and cfg["n_train"] == 20000 and cfg.name == "lite"
    assert presets.current_preset() == "lite"
    with pytest.raises(AttributeError, match="no setting 'lr'"):
        _ = cfg.lr


def test_preset_requires_every_preset():
    with pytest.raises(TypeError):
        dl.preset(full={}, lite={})


def test_set_seed_repeats_random_numbers():
    dl.set_seed(7)
    a = torch.randn(3), torch.rand(2)
    dl.set_seed(7)
    b = torch.randn(3), torch.rand(2)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
