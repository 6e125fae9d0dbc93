"""``run_record()``: the last cell of every notebook says how its outputs were produced."""

from __future__ import annotations

import datetime as _dt
import json
import platform
import time

import torch

from ._version import __version__
from .devices import describe, try_gpu
from .presets import current_preset, current_settings

_START = time.time()  # the kernel imports dlcourse in its first cells


def make_record(curves: dict | None = None, **results) -> dict:
    """The facts ``run_record`` prints, as a dict; ``curves`` (name -> list of per-epoch dicts) ride along."""
    import numpy

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
        "results": {k: _round(v) for k, v in results.items()},
    }
    settings = current_settings()
    if settings:  # the configuration that produced the results (metadata only; dl.preset printed it)
        record["settings"] = json.loads(json.dumps(settings, default=str))
    if curves:
        record["curves"] = check_curves(curves)
    return record


def _round(v):
    return round(v, 4) if isinstance(v, float) else v


def check_curves(curves: dict) -> dict:
    """Training curves as JSON-ready lists of per-epoch dicts (``train_ch6``'s ``history``), floats rounded."""
    if not isinstance(curves, dict):
        raise TypeError("curves must map a name to a history, e.g. curves={'vgg': metrics['history']}")
    out = {}
    for name, history in curves.items():
        points = list(history)
        if not all(isinstance(p, dict) and "epoch" in p and "time_s" in p for p in points):
            raise ValueError(f"curves[{name!r}] must be a list of per-epoch dicts with 'epoch' and 'time_s' "
                             "(the 'history' that dl.train_ch6 returns)")
        out[str(name)] = [{k: _round(v) for k, v in p.items()} for p in points]
    return out


def curves_summary(curves: dict) -> str:
    """One line: each curve's name, number of points and last wall time."""
    return ", ".join(f"{name} ({len(pts)} epochs, {pts[-1]['time_s']:.0f} s)" if pts else f"{name} (empty)"
                     for name, pts in curves.items())


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
    if record.get("curves"):
        lines.append(f"  curves     {curves_summary(record['curves'])} (stored in the metadata)")
    return "\n".join(lines)


def run_record(curves: dict | None = None, **results) -> None:
    """Print (and attach to the output as metadata) the preset, device, wall time and versions of this run.

    Pass headline results to record them too, e.g. ``run_record(test_acc=0.83)``, and training curves for the
    benchmarks page as ``curves={"vgg": metrics["history"]}`` (stored in the metadata, summarised in one line).
    """
    record = make_record(curves, **results)
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
