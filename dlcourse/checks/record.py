"""Answer recording for the grader, in safe formats only: tensors via torch.save, plain values via JSON.

The recording side runs in the learner's kernel; the loading side runs in the grader and treats the files as
hostile: fixed file names (never a name read from the files), no symbolic links, a size cap, JSON or
``torch.load(weights_only=True)`` only (never pickle).
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import warnings
from pathlib import Path

import torch

from .expect import contains_ellipsis

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
        return all(isinstance(k, str) and (_tensors_only(x) or _is_plain(x)) for k, x in v.items())
    return False


def _safe_name(ex_id: str) -> str:
    return ex_id.replace("/", "_").replace("\\", "_")


def is_recordable(v) -> bool:
    """Whether ``v`` is data the grader can store safely (plain values, tensors, and containers of them)."""
    return _is_plain(v) or _tensors_only(v)


def as_recorded(v):
    """``v`` as the grader will load it back: plain values through JSON (tuples become lists), tensors
    detached, on the CPU, copied. Anything else is returned unchanged (the grader cannot store it)."""
    v = normalize(v)
    if _is_plain(v):
        return json.loads(json.dumps(v))
    if _tensors_only(v):
        return _detach(v)
    return v


def record_answer(directory: str, ex_id: str, answer) -> None:
    """Store an answer so the grader can load it. Anything not representable safely is stored as its type name."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    name = _safe_name(ex_id)
    answer = normalize(answer)
    if contains_ellipsis(answer):  # the placeholder `...`, alone or inside a tuple, list or dict
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


def normalize(v):
    """NumPy arrays become tensors and NumPy scalars Python numbers, so they can be recorded safely."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return v
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return torch.from_numpy(np.ascontiguousarray(v))
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        return v.item()
    if isinstance(v, list):
        return [normalize(x) for x in v]
    if isinstance(v, tuple) and type(v) is tuple:
        return tuple(normalize(x) for x in v)
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    return v


def _detach(v):
    if isinstance(v, torch.Tensor):
        return v.detach().cpu().clone()
    if isinstance(v, (list, tuple)):
        return type(v)(_detach(x) for x in v)
    if isinstance(v, dict):
        return {k: _detach(x) for k, x in v.items()}
    return v


MAX_ANSWER_BYTES = 64 * 1024 * 1024


def _read_capped(path: Path, limit: int) -> bytes:
    """Read a regular file, refusing links, devices and anything larger than ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ValueError(f"{path.name} is a symbolic link, not a file") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path.name} is not a regular file")
        if st.st_size > limit:
            raise ValueError(f"{path.name} is larger than {limit // 2**20} MB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"{path.name} is larger than {limit // 2**20} MB")
    return data


def load_answer(directory, ex_id: str, limit: int = MAX_ANSWER_BYTES):
    """Load a recorded answer without executing code: JSON, or ``torch.load(weights_only=True)``.

    Raises FileNotFoundError when nothing was recorded for ``ex_id``.
    """
    d = Path(directory)
    if d.is_symlink() or not d.is_dir():
        raise FileNotFoundError(f"no answers folder {d}")
    name = _safe_name(ex_id)
    meta = json.loads(_read_capped(d / f"{name}.json", limit).decode("utf-8"))
    if not isinstance(meta, dict):
        raise ValueError("the answer record is not a JSON object")
    kind = meta.get("kind")
    if kind == "json":
        return meta.get("value")
    if kind == "torch":  # the file name is fixed: a name read from the record could point anywhere
        data = _read_capped(d / f"{name}.pt", limit)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.load(io.BytesIO(data), weights_only=True)
    if kind == "unanswered":
        return Ellipsis
    raise ValueError(f"an answer of type {str(meta.get('type'))[:50]!r} cannot be graded; "
                     "answer with tensors, numbers, strings, or lists, tuples and dicts of those")
