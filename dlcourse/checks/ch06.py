"""Checks for chapter 06, gradient descent and SGD."""

import torch

from . import exercise, expect_close, expect_pair, expect_tensor, fail

XS = torch.tensor([1.0, 2.0, 3.0])
YS = torch.tensor([2.0, 4.0, 6.0])


@exercise("06.1", points=1, title="one gradient by hand")
def _(grad):
    expect_close(grad, -28 / 3, atol=1e-4, n=3,
                 hint="differentiate the cost with respect to w (the chain rule through the square), then put in "
                      "w = 1 and the three points")


def _steps(d):
    return {"w0": d.uniform(-3.0, 1.0, default=1.0), "lr": d.uniform(0.002, 0.004, default=0.005, digits=4),
            "steps": d.integer(60, 140, default=100)}


def _descend(w, lr, steps, scale=1.0):
    for _ in range(steps):
        w = w - lr * scale * (2 * XS * (w * XS - YS)).mean().item()
    return w


@exercise("06.2", points=2, title="gradient descent, step by step", params=_steps)
def _(w, p):
    ref = _descend(p.w0, p.lr, p.steps)
    expect_close(w, ref, atol=1e-4,
                 mistakes=[(2.0, "that is the minimum, where gradient descent ends up after many steps, not where "
                                 "these steps reach"),
                           (_descend(p.w0, p.lr, p.steps, 3.0), "the steps are 3 times too large: the gradient of "
                                                                 "the *mean* cost averages over the 3 points"),
                           (_descend(p.w0, p.lr, p.steps, 0.5), "the steps are half as large as they should be: "
                                                                 "the square's derivative brings a factor 2"),
                           (_descend(p.w0, p.lr, p.steps - 1), "one step too few"),
                           (_descend(p.w0, p.lr, p.steps + 1), "one step too many")],
                 hint="start at w0 and repeat w ← w − lr · (the cost's derivative at w) exactly `steps` times")


@exercise("06.3", points=2, title="where training diverges")
def _(lr_max):
    expect_close(lr_max, 3 / 14, atol=1e-3,
                 hint="write one step as w_{t+1} − 2 = c · (w_t − 2): c depends on lr, and the distance to the "
                      "minimum shrinks from any start only while |c| < 1")


def _losses(d):
    if not d.fresh:
        return {"losses": [4.0, 1.0, 3.0, 0.5, 2.0, 0.2, 1.0, 0.1], "a": 0.3}
    g = torch.Generator().manual_seed(d.seed())
    n = d.integer(6, 12, default=8)
    losses = (torch.linspace(3.0, 0.2, n) * (0.5 + torch.rand(n, generator=g))).tolist()
    return {"losses": [round(v, 1) for v in losses], "a": d.uniform(0.1, 0.6, default=0.3)}


def _ema(losses, a, start=None, swap=False):
    out, s = [], losses[0] if start is None else start
    for v in losses:
        s = (1 - a) * v + a * s if swap else a * v + (1 - a) * s
        out.append(s)
    return out


@exercise("06.4", points=2, title="smoothing a loss curve", params=_losses)
def _(smooth, p):
    expect_tensor(smooth, shape=(len(p.losses),), values=_ema(p.losses, p.a), atol=1e-5,
                  mistakes=[(_ema(p.losses, p.a, swap=True), "the two weights are swapped: the new loss gets the "
                                                             "weight a"),
                            (_ema(p.losses, p.a, start=0.0), "s must start at the first loss, not at 0")],
                  hint="keep one running value s: start it at the first loss, then update it once for every loss "
                       "(the first included) and record it each time")


def _line_data(d):
    """100 points near a line (under the grader: another line, other noise), and a seed for the shuffles."""
    g = torch.Generator().manual_seed(d.seed(default=6))
    w, b = d.uniform(1.0, 4.0, default=3.0), d.uniform(-2.0, 2.0, default=-1.0)
    x = torch.rand(100, generator=g) * 2
    y = w * x + b + 0.1 * torch.randn(100, generator=g)
    return {"x": x, "y": y, "seed": d.seed(default=0), "epochs": d.integer(20, 40, default=30), "lr": 0.05,
            "batch_size": 10}


def _sgd(p, shuffle=True):
    g = torch.Generator().manual_seed(p.seed)
    x, y = p.x, p.y
    w, b = 0.0, 0.0
    for _ in range(p.epochs):
        order = torch.randperm(len(x), generator=g) if shuffle else torch.arange(len(x))
        for i in range(0, len(x), p.batch_size):
            idx = order[i:i + p.batch_size]
            err = w * x[idx] + b - y[idx]
            w, b = w - p.lr * (2 * err * x[idx]).mean().item(), b - p.lr * (2 * err).mean().item()
    return w, b


@exercise("06.5", points=3, title="mini-batch SGD for a line", params=_line_data)
def _(answer, p):
    w, b = expect_pair(answer, "(w, b)")
    ref_w, ref_b = _sgd(p)
    X1 = torch.stack([p.x, torch.ones_like(p.x)], dim=1).double()
    ls_w, ls_b = torch.linalg.lstsq(X1, p.y[:, None].double()).solution.flatten().tolist()
    hint = ("at the start of every epoch shuffle with torch.randperm(len(x), generator=g), then take one step on "
            "each batch of batch_size examples, in that order")
    for label, got, ref, ls in (("w", w, ref_w, ls_w), ("b", b, ref_b, ls_b)):
        if isinstance(got, (int, float)) and abs(got - ls) < 1e-3 and abs(ref - ls) > 2e-3:
            fail(f"{label} is the least-squares solution of the data, not where these SGD steps end up", hint)
        if isinstance(got, (int, float)) and 2e-3 < abs(got - ref) < 0.1:
            fail(f"{label} is close to where SGD ends up, but not on the path these steps take", hint)
        expect_close(got, ref, atol=2e-3, label=label, hint=hint)
