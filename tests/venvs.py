"""Fresh virtual environments for the install tests (Colab-like, learner, instructor): a clean clone of the
repository, a new venv, and PyTorch in it without a 5 GB install.

``torch_layer`` makes PyTorch "already installed" in a fresh venv the way a CPU wheel index or Colab would leave
it: a folder of symbolic links to torch, torchvision and exactly their dependencies (read from their metadata) in
the test's own environment, put on the venv's path by a ``.pth`` file. pip sees them as installed and never
touches them (it does not uninstall outside the venv); nothing else of the test environment leaks in, so a
dependency the documented commands forget still fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd, **kw):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def clone(dest: Path) -> Path:
    """The committed state, as a user (or Colab) would fetch it from the repository."""
    run(["git", "clone", "--quiet", str(ROOT), str(dest)])
    return dest


def clean_env(venv: Path | None = None, **extra) -> dict[str, str]:
    """The environment a new user's shell would have: no trace of the test's venv or Python path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_DATA_DIR")}
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _closure(names: list[str]) -> list[metadata.Distribution]:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(seen.values())


def torch_layer(dest: Path) -> Path:
    """A folder of links to torch, torchvision and their dependencies, as installed in this environment."""
    dest.mkdir(parents=True, exist_ok=True)
    for dist in _closure(["torch", "torchvision"]):
        location = Path(dist.locate_file(""))
        tops = {f.parts[0] for f in dist.files or [] if f.parts and f.parts[0] != ".."}
        for top in sorted(tops):
            if top.endswith(".pth") or top == "__pycache__":
                continue
            link = dest / top
            if not link.exists() and (location / top).exists():
                link.symlink_to(location / top)
    return dest


def fresh_venv(venv: Path, layer: Path | None = None) -> Path:
    """``python3 -m venv`` with this Python (the layer's wheels are built for it); returns the venv's python."""
    run([sys.executable, "-m", "venv", str(venv)], timeout=600)
    if layer is not None:
        site = next((venv / "lib").glob("python*/site-packages"))
        (site / "torch_preinstalled.pth").write_text(f"{layer}\n")
    return venv / "bin" / "python"
