"""Read the run record that ``dl.run_record()`` attached to a notebook's last cell (``dlcourse_run_record``)."""

from __future__ import annotations

import json
from pathlib import Path


def run_record(notebook) -> dict | None:
    """The record in the last code cell's outputs of ``notebook`` (a path or a loaded notebook dict), if any."""
    nb = json.loads(Path(notebook).read_text()) if isinstance(notebook, (str, Path)) else notebook
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for out in code[-1].get("outputs", []) if code else []:
        rec = out.get("metadata", {}).get("dlcourse_run_record")
        if rec:
            return rec
    return None
