"""The Benchmarks page is generated, up to date, and every chapter has a run record."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import benchmarks_page  # noqa: E402


def test_every_chapter_has_a_run_record():
    _, missing = benchmarks_page.chapter_rows()
    assert not missing, f"chapters whose stored outputs have no dl.run_record() output: {missing}"


def test_page_is_up_to_date():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "benchmarks_page.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_a_chapter_without_a_record_is_reported(tmp_path, monkeypatch):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "reference.json").write_text("{}")
    (tmp_path / "chapters" / "99_x.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "source": "dl.run_record()", "outputs": [], "metadata": {}}]}')
    monkeypatch.setattr(benchmarks_page, "ROOT", tmp_path)
    rows, missing = benchmarks_page.chapter_rows()
    assert missing == ["99_x.ipynb"] and rows == []
