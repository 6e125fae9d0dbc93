"""``run_record()``: the last cell of every notebook says how its outputs were produced."""

from __future__ import annotations

import datetime as _dt
import platform
import time

import torch

from .devices import describe, try_gpu
from .presets import current_preset

_START = time.time()  # the kernel imports dlcourse in its first cells


def make_record(**results) -> dict:
    """The facts ``run_record`` prints, as a dict."""
    import numpy

    from . import __version__

    try:
        import torchvision

        tv = torchvision.__version__
    except ImportError:  # pragma: no cover - torchvision is a dependency
        tv = "not installed"
    record = {
        "preset": current_preset(),
        "device": describe(try_gpu()),
        "wall_time_s": round(time.time() - _START, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": tv,
        "numpy": numpy.__version__,
        "dlcourse": __version__,
        "finished": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "results": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in results.items()},
    }
    return record


def format_record(record: dict) -> str:
    tv = record["torchvision"]
    lines = [
        "Run record",
        f"  preset     {record['preset']}",
        f"  device     {record['device']}",
        f"  wall time  {record['wall_time_s']:.1f} s (kernel start to this cell)",
        f"  versions   python {record['python']}, torch {record['torch']}, torchvision {tv}, "
        f"numpy {record['numpy']}, dlcourse {record['dlcourse']}",
        f"  finished   {record['finished']}",
    ]
    for k, v in record["results"].items():
        lines.append(f"  {k:<10} {v}")
    return "\n".join(lines)


def run_record(**results) -> None:
    """Print (and attach to the output as metadata) the preset, device, wall time and versions of this run.

    Pass headline results to record them too, e.g. ``run_record(test_acc=0.83)``.
    """
    record = make_record(**results)
    text = format_record(record)
    try:
        from IPython.display import publish_display_data

        from .display import in_notebook

        if in_notebook():
            publish_display_data({"text/plain": text}, metadata={"dlcourse_run_record": record})
            return
    except ImportError:  # pragma: no cover
        pass
    print(text)
