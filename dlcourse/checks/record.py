"""Answer recording for the grader, in safe formats only: tensors via torch.save, plain values via JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

PLAIN = (bool, int, float, str, type(None))


def _is_plain(v) -> bool:
    if isinstance(v, PLAIN):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_plain(x) for k, x in v.items())
    return False


def _tensors_only(v) -> bool:
    if isinstance(v, torch.Tensor):
        return True
    if isinstance(v, (list, tuple)):
        return all(_tensors_only(x) or _is_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and (_tensors_only(x) or _is_plain(x)) for x in v.values())
    return False


def _safe_name(ex_id: str) -> str:
    return ex_id.replace("/", "_").replace("\\", "_")


def record_answer(directory: str, ex_id: str, answer) -> None:
    """Store an answer so the grader can load it. Anything not representable safely is stored as its type name."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    name = _safe_name(ex_id)
    if answer is Ellipsis:
        payload = {"kind": "unanswered"}
    elif _is_plain(answer):
        payload = {"kind": "json", "value": answer}
    elif _tensors_only(answer):
        path = d / f"{name}.pt"
        tmp = path.with_suffix(".pt.tmp")
        torch.save(_detach(answer), tmp)
        os.replace(tmp, path)
        payload = {"kind": "torch", "file": path.name}
    else:
        payload = {"kind": "unsupported", "type": type(answer).__name__}
    tmp = d / f"{name}.json.tmp"
    tmp.write_text(json.dumps(payload))
    os.replace(tmp, d / f"{name}.json")


def _detach(v):
    if isinstance(v, torch.Tensor):
        return v.detach().cpu().clone()
    if isinstance(v, (list, tuple)):
        return type(v)(_detach(x) for x in v)
    if isinstance(v, dict):
        return {k: _detach(x) for k, x in v.items()}
    return v


def load_answer(directory: str, ex_id: str):
    """Load a recorded answer without executing code: JSON, or ``torch.load(weights_only=True)``."""
    d = Path(directory)
    meta = json.loads((d / f"{_safe_name(ex_id)}.json").read_text())
    kind = meta.get("kind")
    if kind == "json":
        return meta["value"]
    if kind == "torch":
        return torch.load(d / meta["file"], weights_only=True)
    if kind == "unanswered":
        return Ellipsis
    raise ValueError(f"answer of type {meta.get('type')!r} cannot be graded; use tensors or plain values")
