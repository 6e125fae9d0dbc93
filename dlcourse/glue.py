"""``dl.glue``: hand a number a run produced to the text around it (MyST-NB's glue, without needing myst-nb).

In a notebook::

    dl.glue("lenet_acc", metrics["test_acc"])

and in a markdown cell: ``LeNet reaches {glue:text}`lenet_acc:.3f` after ten epochs.`` The website then
prints the stored run's value, so the prose cannot drift from the outputs when a preset or a seed changes.
The output has the exact format of ``myst_nb.glue`` (so Jupyter Book reads it), but works where myst-nb is
not installed (Colab). Cells that glue a run's result carry the ``nbval-ignore-output`` tag like any other
cell whose output depends on the run.
"""

from __future__ import annotations

from typing import Any

GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}`name``` in the notebook's markdown.

    ``display=True`` also shows the value in the cell's output, as ``myst_nb.glue`` does.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if isinstance(value, float):
        value = float(value)  # a NumPy or tensor-derived float prints as a plain number
    mimebundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
