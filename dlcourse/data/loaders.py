"""Ready-to-train tensors and mini-batch iterators for every data set the course uses.

Images are decoded once into a uint8 tensor held in memory (or on the GPU); each mini-batch is one
indexing operation, converted to float and, if asked, resized on the device. That replaces the
per-sample PIL decode/transform/collate of a torchvision `DataLoader`, which is where d2l's loader
spends its time.
"""

from __future__ import annotations

import csv
import functools
import io

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils import data

from . import fetch
from .registry import FILES

FASHION_MNIST_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
                        "sandal", "shirt", "sneaker", "bag", "ankle boot"]
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def read_bytes(key: str) -> bytes:
    """The verified, decompressed content of a registered file, e.g. ``"seaborn/titanic.csv"``."""
    return fetch.read(FILES[key])


def decode_idx(content: bytes) -> torch.Tensor:
    """Decode an IDX file (the MNIST format): big-endian header, then uint8 data."""
    magic = int.from_bytes(content[0:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim not in (1, 3):
        raise ValueError(f"not an unsigned-byte IDX file (magic {magic:#x})")
    dims = [int.from_bytes(content[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim)
    return torch.from_numpy(arr.copy()).reshape(dims)


@functools.lru_cache(maxsize=8)
def _idx_split(dataset: str, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    prefix = "train" if train else "t10k"
    images = decode_idx(read_bytes(f"{dataset}/{prefix}-images-idx3-ubyte.gz"))
    labels = decode_idx(read_bytes(f"{dataset}/{prefix}-labels-idx1-ubyte.gz"))
    return images.unsqueeze(1), labels.long()  # (N, 1, 28, 28) uint8, (N,) int64


def fashion_mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """All Fashion-MNIST images as a (N, 1, 28, 28) uint8 tensor, and their labels."""
    return _idx_split("fashion-mnist", train)


def mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """All MNIST images as a (N, 1, 28, 28) uint8 tensor, and their labels."""
    return _idx_split("mnist", train)


def get_fashion_mnist_labels(labels) -> list[str]:
    """Text labels for Fashion-MNIST class indices."""
    return [FASHION_MNIST_LABELS[int(i)] for i in labels]


class TensorLoader:
    """Mini-batches drawn from tensors in memory: a fast stand-in for ``DataLoader(TensorDataset(...))``.

    ``transform`` runs on each whole batch (not on each sample), on the tensors' device.
    Shuffling uses torch's global generator, so ``set_seed`` makes it reproducible.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool = False,
                 transform=None, device=None, drop_last: bool = False):
        if not tensors or any(len(t) != len(tensors[0]) for t in tensors):
            raise ValueError("TensorLoader needs one or more tensors of the same length")
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.tensors = tuple(t.to(device) for t in tensors) if device is not None else tensors
        self.batch_size, self.shuffle, self.transform, self.drop_last = batch_size, shuffle, transform, drop_last

    @property
    def num_examples(self) -> int:
        return len(self.tensors[0])

    def __len__(self) -> int:
        n, b = self.num_examples, self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self):
        n, b = self.num_examples, self.batch_size
        order = torch.randperm(n).to(self.tensors[0].device) if self.shuffle else None
        stop = n - n % b if self.drop_last else n
        for start in range(0, stop, b):
            if order is None:
                batch = [t[start:start + b] for t in self.tensors]
            else:
                idx = order[start:start + b]
                batch = [t.index_select(0, idx) for t in self.tensors]
            yield self.transform(*batch) if self.transform else tuple(batch)


def image_transform(resize=None, mean: float | None = None, std: float | None = None):
    """A batch transform: uint8 images -> float in [0, 1], optionally resized and normalised."""
    size = (resize, resize) if isinstance(resize, int) else resize

    def transform(x, y):
        x = x / 255.0  # uint8 -> float32 in one pass, on the batch's device
        if size is not None and tuple(x.shape[-2:]) != tuple(size):
            x = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        if mean is not None:
            x = x.sub_(mean).div_(std)
        return x, y

    return transform


def _image_loaders(images_fn, batch_size, resize, n_train, n_test, device, mean=None, std=None):
    tf = image_transform(resize, mean, std)
    x_train, y_train = images_fn(True)
    x_test, y_test = images_fn(False)
    train = TensorLoader(x_train[:n_train], y_train[:n_train], batch_size=batch_size, shuffle=True,
                         transform=tf, device=device)
    test = TensorLoader(x_test[:n_test], y_test[:n_test], batch_size=batch_size, transform=tf, device=device)
    return train, test


def load_data_fashion_mnist(batch_size: int, resize=None, *, n_train: int | None = None,
                            n_test: int | None = None, device=None):
    """Fashion-MNIST as (train_iter, test_iter), like d2l's function of the same name.

    Batches are float images in [0, 1] of shape (B, 1, H, W) and int64 labels. ``n_train``/``n_test`` take
    the first examples only. ``device`` keeps the whole data set on that device as uint8 (Fashion-MNIST's
    60,000 training images are 47 MB), so each batch is drawn, converted to float and resized (``resize``:
    an int or (H, W), bilinear) where the model trains: on a GPU nothing crosses the PCIe bus per batch and
    no CPU core resizes images. Without ``device`` the data stay in CPU memory.
    """
    return _image_loaders(fashion_mnist, batch_size, resize, n_train, n_test, device)


def load_data_mnist(batch_size: int, resize=None, *, normalize: bool = False, n_train: int | None = None,
                    n_test: int | None = None, device=None):
    """MNIST as (train_iter, test_iter). ``normalize=True`` applies the standard
    ``Normalize((0.1307,), (0.3081,))`` used in 刘二大人's lectures."""
    mean, std = (MNIST_MEAN, MNIST_STD) if normalize else (None, None)
    return _image_loaders(mnist, batch_size, resize, n_train, n_test, device, mean, std)


def load_array(data_arrays, batch_size: int, is_train: bool = True) -> data.DataLoader:
    """A PyTorch ``DataLoader`` over tensors (d2l's ``load_array``)."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


def synthetic_data(w: torch.Tensor, b: float, num_examples: int, noise: float = 0.01):
    """y = Xw + b + Gaussian noise, with X ~ N(0, 1) (d2l's ``synthetic_data``)."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b
    y += torch.normal(0, noise, y.shape)
    return X, y.reshape((-1, 1))


def load_diabetes() -> tuple[torch.Tensor, torch.Tensor]:
    """The PyTorchZeroToAll diabetes data: 759 rows of 8 scaled features, and a 0/1 label (float32)."""
    arr = np.loadtxt(io.BytesIO(read_bytes("pytorchzerotoall/diabetes.csv.gz")), delimiter=",", dtype=np.float32)
    return torch.from_numpy(arr[:, :-1].copy()), torch.from_numpy(arr[:, -1:].copy())


def load_names(split: str = "train") -> list[tuple[str, str]]:
    """The names data set as raw ``(name, country)`` rows, exactly as the file has them (malformed ones included)."""
    if split not in ("train", "test"):
        raise ValueError("split must be 'train' or 'test'")
    text = read_bytes(f"pytorchzerotoall/names_{split}.csv.gz").decode("utf-8")
    return [tuple(row) if len(row) == 2 else (row[0] if row else "", "") for row in csv.reader(io.StringIO(text))]


def load_shakespeare() -> str:
    """The tiny-Shakespeare text (about 1.1 M characters)."""
    return read_bytes("pytorchzerotoall/shakespeare.txt.gz").decode("utf-8")


def load_titanic():
    """The Titanic passengers (seaborn's copy, 891 rows) as a pandas DataFrame, dirty values and all."""
    import pandas as pd

    return pd.read_csv(io.BytesIO(read_bytes("seaborn/titanic.csv")))
