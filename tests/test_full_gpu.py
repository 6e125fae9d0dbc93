"""``make full-gpu`` (tools/full_gpu.py): chapter selection, the CUDA requirement, and a real run in the smoke preset.

The real run executes chapter copies in fresh kernels; which chapters is chosen by
``FULL_GPU_TEST_CHAPTERS`` (default ``11``; e.g. ``11-24`` for all of them).
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import full_gpu  # noqa: E402


def test_parse_chapters():
    assert full_gpu.parse_chapters("11-13,17") == [11, 12, 13, 17]
    assert full_gpu.parse_chapters("21, 17,17") == [17, 21]
    for bad in ("", "x", "11-", "11-b", ",", "24-11"):
        with pytest.raises(ValueError):
            full_gpu.parse_chapters(bad)


def test_every_default_chapter_has_a_notebook():
    notebooks = full_gpu.chapter_notebooks(full_gpu.parse_chapters("11-24"), ROOT / "chapters")
    assert [int(p.name[:2]) for p in notebooks] == list(range(11, 25))
    with pytest.raises(ValueError, match="no notebook for chapter"):
        full_gpu.chapter_notebooks([99], ROOT / "chapters")


def test_the_full_preset_needs_cuda(monkeypatch, capsys):
    monkeypatch.setattr(full_gpu, "device_info", lambda: {"cuda": False, "device": "cpu", "precision": "fp32"})
    monkeypatch.delenv("DLCOURSE_PRESET", raising=False)
    with pytest.raises(SystemExit) as e:
        full_gpu.main(["--chapters", "11"])
    assert e.value.code == 2 and "needs a CUDA GPU" in capsys.readouterr().err


def run_script(tmp_path, *args):
    env = dict(os.environ, DLCOURSE_PRESET="smoke", OMP_NUM_THREADS="1",
               DLCOURSE_EXEC_LOCK=str(tmp_path / "exec.lock"))
    return subprocess.run([sys.executable, str(ROOT / "tools" / "full_gpu.py"), "--out", str(tmp_path / "out.json"),
                           "--workdir", str(tmp_path / "copies"), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)


def digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.mark.slow
def test_full_gpu_runs_end_to_end_in_the_smoke_preset(tmp_path, real_mirror):
    spec = os.environ.get("FULL_GPU_TEST_CHAPTERS", "11")
    chapters = full_gpu.chapter_notebooks(full_gpu.parse_chapters(spec), ROOT / "chapters")
    before = digest(chapters)
    proc = run_script(tmp_path, "--chapters", spec)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert digest(chapters) == before  # the lite outputs in chapters/ are untouched
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["preset"] == "smoke" and out["device"].startswith("cpu") and out["date"] and out["total_wall_s"] > 0
    assert list(out["chapters"]) == [p.stem for p in chapters]
    for name, r in out["chapters"].items():
        assert r["status"] == "ok" and r["wall_s"] > 0, (name, r)
        assert r["record"]["preset"] == "smoke" and "results" in r["record"]
        assert (tmp_path / "copies" / f"{name}.ipynb").exists()
    assert "wrote" in proc.stdout and "0 chapter(s) failed" in proc.stdout


@pytest.mark.slow
def test_a_failing_chapter_is_recorded_and_the_others_still_run(tmp_path):
    folder = tmp_path / "chapters"
    folder.mkdir()
    for name, body in (("11_fails", "raise RuntimeError('boom')"), ("12_works", "x = 1")):
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("import dlcourse as dl"), nbformat.v4.new_code_cell(body),
            nbformat.v4.new_code_cell("dl.run_record(answer=42)")])
        nbformat.write(nb, folder / f"{name}.ipynb")
    proc = run_script(tmp_path, "--chapters", "11-12", "--chapters-dir", str(folder), "--jobs", "2")
    assert proc.returncode == 1
    out = json.loads((tmp_path / "out.json").read_text())
    failed, ok = out["chapters"]["11_fails"], out["chapters"]["12_works"]
    assert failed["status"] == "error" and "boom" in failed["error"]
    assert ok["status"] == "ok" and ok["record"]["results"] == {"answer": 42}
    assert "1 chapter(s) failed: 11_fails" in proc.stdout
