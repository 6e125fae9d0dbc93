"""Data resident on the training device: uint8 storage there, float conversion and resizing per batch there.

There is no GPU here: the ``meta`` device (shapes and dtypes without storage) runs the same code path as CUDA,
so these tests check that nothing falls back to the CPU on the way.
"""

import torch

import dlcourse as dl
from dlcourse.data import TensorLoader, image_transform


def test_loader_on_another_device_keeps_uint8_there_and_resizes_per_batch():
    images = torch.randint(0, 256, (300, 1, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (300,))
    loader = TensorLoader(images, labels, batch_size=128, shuffle=True, transform=image_transform(224),
                          device="meta")
    assert all(t.device.type == "meta" for t in loader.tensors) and loader.tensors[0].dtype == torch.uint8
    batches = list(loader)
    assert [len(y) for _, y in batches] == [128, 128, 44]
    X, y = batches[0]
    assert X.device.type == "meta" and y.device.type == "meta"
    assert X.shape == (128, 1, 224, 224) and X.dtype == torch.float32 and y.dtype == torch.int64


def test_fashion_mnist_on_a_device(real_mirror):
    train_iter, test_iter = dl.load_data_fashion_mnist(256, resize=224, n_train=1000, n_test=500, device="meta")
    X, y = next(iter(train_iter))
    assert X.device.type == "meta" and X.shape == (256, 1, 224, 224)
    assert train_iter.tensors[0].dtype == torch.uint8 and len(test_iter) == 2


def test_cpu_device_gives_the_same_batches_as_no_device(real_mirror):
    for resize in (None, 32):
        dl.set_seed(0)
        a = list(dl.load_data_fashion_mnist(64, resize=resize, n_train=300, n_test=10)[0])
        dl.set_seed(0)
        b = list(dl.load_data_fashion_mnist(64, resize=resize, n_train=300, n_test=10, device="cpu")[0])
        assert all(torch.equal(xa, xb) and torch.equal(ya, yb) for (xa, ya), (xb, yb) in zip(a, b))
        assert a[0][0].shape[-1] == (resize or 28)


def test_resize_on_the_device_is_bilinear_and_keeps_the_range(real_mirror):
    (X, _), = [next(iter(dl.load_data_fashion_mnist(16, resize=224, n_train=16, n_test=16)[1]))]
    (X28, _), = [next(iter(dl.load_data_fashion_mnist(16, n_train=16, n_test=16)[1]))]
    assert X.shape == (16, 1, 224, 224) and 0 <= X.min() and X.max() <= 1
    # averaging each 8x8 block of the 224-px image gives back (nearly) the 28-px image
    down = torch.nn.functional.avg_pool2d(X, 8)
    assert (down - X28).abs().mean() < 0.04 < (down - X28.flip(0)).abs().mean()


def test_mnist_normalisation_runs_on_the_batch_device():
    x = torch.full((4, 1, 28, 28), 255, dtype=torch.uint8)
    out, _ = image_transform(mean=0.1307, std=0.3081)(x.to("meta"), None)
    assert out.device.type == "meta" and out.dtype == torch.float32
    out, _ = image_transform(mean=0.1307, std=0.3081)(x, None)
    assert torch.allclose(out, torch.full_like(out, (1 - 0.1307) / 0.3081))


def test_train_ch6_leaves_device_resident_batches_where_they_are(monkeypatch):
    """The batch mover is a no-op for data already on the device, and converts 4-D images to channels-last."""
    from dlcourse.train import batch_mover

    X = torch.empty(8, 1, 32, 32, device="meta")
    y = torch.empty(8, dtype=torch.int64, device="meta")
    Xm, ym = batch_mover(torch.device("meta"), channels_last=True)(X, y)
    assert Xm.device.type == "meta" and ym is y
    assert Xm.is_contiguous(memory_format=torch.channels_last)
    flat = torch.empty(8, 10, device="meta")
    assert batch_mover(torch.device("meta"), channels_last=True)(flat, y)[0].shape == (8, 10)
