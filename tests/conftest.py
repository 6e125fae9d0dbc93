import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DLCOURSE_HEADLESS", "1")


def shared_mirror() -> Path | None:
    """The course's data mirror, when this machine has one (CI points DLCOURSE_DATA_MIRROR at ../shared/data)."""
    for candidate in (os.environ.get("DLCOURSE_DATA_MIRROR"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "fashion-mnist").is_dir():
            return Path(candidate)
    return None


@pytest.fixture
def real_mirror(monkeypatch, tmp_path):
    mirror = shared_mirror()
    if mirror is None:
        pytest.skip("no data mirror on this machine (set DLCOURSE_DATA_MIRROR)")
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path / "cache"))
    return mirror
