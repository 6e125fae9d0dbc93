"""Every data set the course uses, verified: see ``fetch`` (sources and checks) and ``loaders``."""

from .fetch import ENV_CACHE, ENV_MIRROR, ENV_OFFLINE, DataError, VerificationError, cache_dir
from .loaders import (
    FASHION_MNIST_LABELS,
    TensorLoader,
    decode_idx,
    fashion_mnist,
    fashion_mnist_root,
    get_dataloader_workers,
    get_fashion_mnist_labels,
    image_transform,
    load_array,
    load_data_fashion_mnist,
    load_data_mnist,
    load_diabetes,
    load_names,
    load_shakespeare,
    load_titanic,
    mnist,
    read_bytes,
    synthetic_data,
)
from .registry import FILES, DataFile

__all__ = [
    "DataError", "DataFile", "ENV_CACHE", "ENV_MIRROR", "ENV_OFFLINE", "FASHION_MNIST_LABELS", "FILES",
    "TensorLoader", "VerificationError", "cache_dir", "decode_idx", "fashion_mnist", "fashion_mnist_root",
    "get_dataloader_workers", "get_fashion_mnist_labels", "image_transform", "load_array",
    "load_data_fashion_mnist", "load_data_mnist", "load_diabetes", "load_names", "load_shakespeare", "load_titanic",
    "mnist", "read_bytes", "synthetic_data",
]
