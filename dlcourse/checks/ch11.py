"""Checks for chapter 11, softmax regression."""

import functools

import torch

from . import exercise, expect_close, expect_tensor, fail
from .probes import layers, need_callable, need_module, run


def _logits(d):
    """Logits the learner's function has not seen: huge, very negative, and ordinary ones."""
    g = torch.Generator().manual_seed(d.seed(default=11))
    offsets = torch.tensor([[1000.0], [-1000.0], [0.0], [500.0], [-80.0]])
    return {"_o": offsets + 3 * torch.randn(5, d.integer(3, 7, default=4), generator=g)}


def _probe_111(answer, p):
    f = need_callable(answer, "your function `stable_softmax`")
    return torch.stack([torch.as_tensor(f(row.clone())).detach().flatten() for row in p._o])


@exercise("11.1", points=1, title="a stable softmax", params=_logits, probe=_probe_111,
          wants="your function `stable_softmax` itself")
def _(P, p):
    if isinstance(P, torch.Tensor) and torch.isnan(P).any():
        fail("the result contains nan: exp(1000) overflows", "subtract o.max() before exp")
    expect_tensor(P, shape=tuple(p._o.shape), values=torch.softmax(p._o, dim=1), atol=1e-5,
                  hint="the softmax does not change when the same number is subtracted from every logit")


@exercise("11.2", points=1, title="cross-entropy by fancy indexing")
def _(ce):
    expected = -(torch.log(torch.tensor(0.7)) + torch.log(torch.tensor(0.8)) + torch.log(torch.tensor(0.3))) / 3
    expect_close(ce, expected.item(), atol=1e-4, n=3,
                 hint="y_hat[range(n), y] picks each row's probability of its true class; then minus the log, and "
                      "the mean")


@exercise("11.3", points=2, title="the gradient of the cross-entropy")
def _(grad):
    expected = torch.softmax(torch.tensor([1.0, 2.0, 0.5]), dim=0) - torch.tensor([0.0, 1.0, 0.0])
    expect_tensor(grad, shape=(3,), values=expected, atol=1e-4,
                  hint="ŷ is the softmax of the logits and y the one-hot vector of the true class")


@exercise("11.4", points=1, title="Huber's loss")
def _(h):
    expect_tensor(h, shape=(3,), values=[0.125, 1.5, 2.5], atol=1e-5,
                  mistakes=[([0.125, 2.0, 4.5], "that is ½r² everywhere: large residuals use the linear piece")],
                  hint="Huber's loss is quadratic for small residuals and linear for large ones, and the two pieces "
                       "meet with the same value and slope at |r| = δ")


def _test_images(d):
    return {"_idx_seed": d.seed(default=5)}


@functools.lru_cache(maxsize=4)
def hidden_test_images(idx_seed: int, n: int = 2000):
    """``n`` Fashion-MNIST test images (float in [0, 1]) and labels the learner's model was not evaluated on."""
    from ..data import fashion_mnist

    x, y = fashion_mnist(train=False)
    idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(idx_seed))[:n]
    return x[idx].float().div(255), y[idx]


def _probe_115(answer, p):
    net = need_module(answer, "your trained network `net`")
    x, _ = hidden_test_images(p._idx_seed)
    return {"out": run(net, x), "layers": layers(net)}


@exercise("11.5", points=3, title="train with LogSoftmax + NLLLoss", params=_test_images, probe=_probe_115,
          wants="your trained network `net` itself")
def _(result, p):
    out = result["out"]
    _, y = hidden_test_images(p._idx_seed)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (len(y), 10):
        fail("your network should give 10 scores per image")
    out = out.double()
    if (out >= 0).all() and torch.allclose(out.sum(dim=1), torch.ones(len(out), dtype=out.dtype), atol=1e-4):
        fail("your network outputs probabilities (it ends in nn.Softmax): NLLLoss needs log-probabilities",
             "end the network in nn.LogSoftmax(dim=1)")
    if not torch.allclose(out.logsumexp(dim=1), torch.zeros(len(out), dtype=out.dtype), atol=1e-3):
        fail("your network's outputs are not log-probabilities: the exercise asks for a network that ends in "
             "nn.LogSoftmax(dim=1), trained with nn.NLLLoss")
    acc = (out.argmax(dim=1) == y).double().mean().item()
    if acc < 0.6:
        fail(f"on test images it was not shown, your network's accuracy is {acc:.3f}, below 0.6 (chance is 0.1)",
             "train with NLLLoss on the LogSoftmax outputs, SGD with lr 0.05, 5 epochs of batches of 64")
