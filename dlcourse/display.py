"""Live or final-only output: progress bars and figures that behave in Jupyter, Colab and CI alike.

In a live notebook a progress bar and a plot update as training runs. When a notebook is executed
with no one watching (``DLCOURSE_HEADLESS=1``, which ``make execute`` and the tests set, or outside
IPython), only the final state is written: one progress line and one figure, so stored notebooks
stay small and reproducible.
"""

from __future__ import annotations

import io
import math
import os
import sys

ENV_HEADLESS = "DLCOURSE_HEADLESS"


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    # Jupyter's kernel shell, or Colab's own subclass of it
    return "IPKernelApp" in getattr(shell, "config", {}) or type(shell).__name__ in ("ZMQInteractiveShell", "Shell")


def headless() -> bool:
    """True when nobody watches the output live: set DLCOURSE_HEADLESS=1, or not in a notebook."""
    return os.environ.get(ENV_HEADLESS, "") not in ("", "0") or not in_notebook()


def progress(iterable=None, total=None, desc=None, **kwargs):
    """A tqdm progress bar: live in a notebook, a single final line when headless."""
    if headless():
        return FinalLineBar(iterable, total=total, desc=desc, **kwargs)
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, **kwargs)


def _final_line_bar_class():
    from tqdm.std import tqdm

    class _FinalLineBar(tqdm):
        """tqdm that draws into a scratch buffer and prints only its final state, on one line."""

        def __init__(self, *args, **kwargs):
            kwargs.update(file=io.StringIO(), mininterval=math.inf, maxinterval=math.inf, ncols=80)
            super().__init__(*args, **kwargs)

        def close(self):
            if self.disable:
                return
            line = str(self)
            super().close()
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    return _FinalLineBar


def FinalLineBar(*args, **kwargs):  # noqa: N802 - reads like the class it builds
    return _final_line_bar_class()(*args, **kwargs)


class LiveFigure:
    """Show a matplotlib figure and redraw it in place while live; display it once at the end otherwise."""

    def __init__(self, fig):
        self.fig = fig
        self._handle = None

    def update(self) -> None:
        if headless():
            return
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)

    def finish(self) -> None:
        import matplotlib.pyplot as plt

        if in_notebook():
            if self._handle is None:
                from IPython.display import display

                display(self.fig)
            else:
                self._handle.update(self.fig)
        plt.close(self.fig)  # stop the inline backend from showing it a second time
