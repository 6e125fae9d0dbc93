"""Plotting helpers with d2l's names: set_figsize, plot, show_images, Animator."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .display import LiveFigure, in_notebook


def use_svg_display() -> None:
    """Render figures as SVG in notebooks: sharp at any zoom, small for line plots."""
    if in_notebook():
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        # No date and fixed element ids: the same figure gives the same SVG, run after run.
        plt.rcParams["svg.hashsalt"] = "dlcourse"
        set_matplotlib_formats("svg", metadata={"Date": None})


def set_figsize(figsize=(3.5, 2.5)) -> None:
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None and xlim[0] == xlim[1]:  # e.g. a one-epoch run: widen instead of warning
        xlim = (xlim[0] - 0.5, xlim[1] + 0.5)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _as_numpy(v):
    return v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
         yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=(3.5, 2.5), axes=None):
    """Plot one or several curves (d2l's ``plot``). X and Y may be lists, arrays or tensors."""

    def has_one_axis(v):
        return (hasattr(v, "ndim") and v.ndim == 1) or (isinstance(v, list) and not hasattr(v[0], "__len__"))

    if has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    if axes is None:
        set_figsize(figsize)
        axes = plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        if len(x):
            axes.plot(_as_numpy(x), _as_numpy(y), fmt)
        else:
            axes.plot(_as_numpy(y), fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """A grid of images (tensors of shape (H, W) or (C, H, W), or arrays), with optional titles."""
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize)
    axes = np.asarray(axes).flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        img = _as_numpy(img)
        if img.ndim == 3:
            img = img[0] if img.shape[0] == 1 else img.transpose(1, 2, 0)
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i], fontsize=9)
    return axes


class Animator:
    """Plot metrics as they arrive (d2l's ``Animator``).

    Live in a notebook it redraws after each ``add``; executed headless, the figure appears once,
    when ``finish()`` is called (the course's trainers do that for you).
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
                 yscale="linear", fmts=("-", "m--", "g-.", "r:"), nrows=1, ncols=1, figsize=(3.5, 2.5)):
        use_svg_display()
        self.fig, self.axes = plt.subplots(nrows, ncols, figsize=figsize)
        if nrows * ncols == 1:
            self.axes = [self.axes]  # as in d2l: the curves go to ``axes[0]``
        self.config = (xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
        self.fmts = fmts
        self.X, self.Y = None, None
        self.live = LiveFigure(self.fig)

    def add(self, x, y) -> None:
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if self.X is None:
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        self._draw()
        self.live.update()

    def _draw(self) -> None:
        ax = self.axes[0]
        ax.cla()
        for x, y, fmt in zip(self.X, self.Y, self.fmts):
            ax.plot(x, y, fmt)
        set_axes(ax, *self.config)

    def finish(self) -> None:
        if self.X is not None:
            self._draw()
        self.live.finish()
