"""Loaders: shapes, dtypes, batching, and the real data sets read through the mirror."""

import subprocess
import sys

import pytest
import torch

import dlcourse as dl
from dlcourse.data import TensorLoader, decode_idx, image_transform


def test_tensor_loader_visits_every_example_once_when_shuffled():
    x = torch.arange(103)
    dl.set_seed(0)
    loader = TensorLoader(x, x * 2, batch_size=10, shuffle=True)
    seen = torch.cat([xb for xb, yb in loader])
    assert len(loader) == 11 and sorted(seen.tolist()) == list(range(103))
    assert not torch.equal(seen, x)  # it did shuffle
    assert all(torch.equal(yb, xb * 2) for xb, yb in loader)  # pairs stay together


def test_tensor_loader_shuffle_is_reproducible_with_set_seed():
    x = torch.arange(50)
    dl.set_seed(3)
    a = torch.cat([b for b, in TensorLoader(x, batch_size=7, shuffle=True)])
    dl.set_seed(3)
    b = torch.cat([b for b, in TensorLoader(x, batch_size=7, shuffle=True)])
    assert torch.equal(a, b)


def test_tensor_loader_drop_last_and_bad_arguments():
    x = torch.arange(25)
    assert len(TensorLoader(x, batch_size=10, drop_last=True)) == 2
    with pytest.raises(ValueError):
        TensorLoader(x, torch.arange(3), batch_size=4)
    with pytest.raises(ValueError):
        TensorLoader(x, batch_size=0)


def test_image_transform_scales_resizes_and_normalises():
    x = torch.full((2, 1, 28, 28), 255, dtype=torch.uint8)
    out, y = image_transform(resize=32)(x, torch.tensor([1, 2]))
    assert out.shape == (2, 1, 32, 32) and out.dtype == torch.float32 and torch.allclose(out, torch.ones(1))
    out, _ = image_transform(mean=0.5, std=0.5)(x, None)
    assert torch.allclose(out, torch.ones(1))


def test_decode_idx_rejects_other_formats():
    with pytest.raises(ValueError, match="IDX"):
        decode_idx(b"\x00\x00\x0d\x03" + b"\x00" * 12)


def test_synthetic_data_and_load_array():
    w = torch.tensor([2.0, -3.4])
    X, y = dl.synthetic_data(w, 4.2, 100)
    assert X.shape == (100, 2) and y.shape == (100, 1)
    assert (y - (X @ w + 4.2).reshape(-1, 1)).abs().max() < 0.1
    batches = list(dl.load_array((X, y), 32))
    assert [len(b[0]) for b in batches] == [32, 32, 32, 4]


def test_fashion_mnist_through_the_mirror(real_mirror):
    train, test = dl.load_data_fashion_mnist(256, n_train=1000)
    X, y = next(iter(train))
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32 and 0 <= X.min() and X.max() <= 1
    assert y.dtype == torch.int64 and train.num_examples == 1000 and test.num_examples == 10000
    X, _ = next(iter(dl.load_data_fashion_mnist(8, resize=64, n_train=8)[0]))
    assert X.shape == (8, 1, 64, 64)
    assert dl.get_fashion_mnist_labels([0, 9]) == ["t-shirt", "ankle boot"]


def test_mnist_label_counts_and_normalisation(real_mirror):
    _, labels = dl.data.mnist(train=True)
    assert torch.bincount(labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    train, _ = dl.load_data_mnist(60000, normalize=True)
    X, _ = next(iter(train))
    assert abs(X.mean().item()) < 0.01 and abs(X.std().item() - 1) < 0.01


def test_small_data_sets_through_the_mirror(real_mirror):
    X, y = dl.load_diabetes()
    assert X.shape == (759, 8) and y.shape == (759, 1) and set(y.unique().tolist()) == {0.0, 1.0}
    names = dl.load_names("test")
    assert len(names) == 6700 and names[0] == ("Abl", "Czech")
    titanic = dl.load_titanic()
    assert titanic.shape == (891, 15) and titanic["age"].isna().sum() == 177
    assert dl.load_shakespeare().startswith("First Citizen")


def test_cli_fetch(real_mirror):
    run = lambda *a: subprocess.run([sys.executable, "-m", "dlcourse", "data", "fetch", *a],
                                    capture_output=True, text=True)
    ok = run("titanic", "diabetes")
    assert ok.returncode == 0 and "2 of 2 files verified" in ok.stdout and "mirror" in ok.stdout
    bad = run("no-such-set")
    assert bad.returncode == 2 and "unknown data set" in bad.stderr


def test_cli_fetch_offline_reports_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.delenv("DLCOURSE_DATA_MIRROR", raising=False)
    env = {"DLCOURSE_DATA_DIR": str(tmp_path), "DLCOURSE_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "dlcourse", "data", "fetch", "titanic"], capture_output=True,
                         text=True, env=env)
    assert out.returncode == 1
    assert "seaborn/titanic.csv is not available" in out.stderr and "DLCOURSE_DATA_MIRROR" in out.stderr
