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


def fake_repo(tmp_path, monkeypatch, curves=True, full_gpu=True, results=True):
    """A repository with chapter 19 (VGG, with or without curves) and 17 (no curve), and benchmark results."""
    import json

    for sub in ("chapters", "benchmarks", "docs"):
        (tmp_path / sub).mkdir()
    (tmp_path / "benchmarks" / "reference.json").write_text('{"19": "VGG: 0.92"}')
    history = [{"epoch": e, "time_s": 60.0 * e, "train_loss": 0.5, "train_acc": 0.9, "test_acc": a}
               for e, a in ((1, 0.85), (2, 0.915), (3, 0.925))]

    def notebook(name, results, rec_curves):
        rec = {"preset": "lite", "device": "cpu (2 threads)", "wall_time_s": 300.0, "results": results,
               "settings": {"epochs": 3, "resize": 32}, "finished": "2026-12-04 12:00 UTC"}
        if rec_curves:
            rec["curves"] = rec_curves
        out = {"output_type": "display_data", "data": {"text/plain": "Run record"},
               "metadata": {"dlcourse_run_record": rec}}
        cell = {"cell_type": "code", "source": "dl.run_record()", "outputs": [out], "metadata": {}}
        (tmp_path / "chapters" / name).write_text(json.dumps({"cells": [cell]}))

    notebook("19_vgg.ipynb", {"vgg_test_acc": 0.925}, {"vgg": history} if curves else None)
    notebook("17_lenet.ipynb", {"lenet_test_acc": 0.80}, None)
    if results:
        speed = {"ex_per_s": 13.0, "extrapolated_s": 46154, "code": "d2l.train_ch6", "load": [1.0, 1.0, 1.0]}
        (tmp_path / "benchmarks" / "results.json").write_text(json.dumps({"reference": {"vgg": speed}, "rows": []}))
    if full_gpu:
        rec = {"preset": "full", "results": {"vgg_test_acc": 0.921}}
        (tmp_path / "benchmarks" / "full-gpu.json").write_text(json.dumps({
            "device": "NVIDIA H200 (cuda:0, compute capability 9.0)", "date": "2026-12-05 10:00 UTC",
            "precision": "bf16", "preset": "full", "total_wall_s": 400.0,
            "chapters": {"19_vgg": {"status": "ok", "wall_s": 41.0, "record": rec},
                         "20_nin": {"status": "error", "wall_s": 3.0, "error": "boom"}}}))
    monkeypatch.setattr(benchmarks_page, "ROOT", tmp_path)


def test_time_to_accuracy_and_full_gpu_sections(tmp_path, monkeypatch):
    fake_repo(tmp_path, monkeypatch)
    text, figure, missing = benchmarks_page.render()
    assert not missing
    vgg = next(line for line in text.splitlines() if line.startswith("| 19 | VGG-11/4"))
    assert "**180 s** (epoch 3" in vgg and "epochs=3, resize=32" in vgg and "≈ 46,154 s (extrapolated)" in vgg
    lenet = next(line for line in text.splitlines() if line.startswith("| 17 | LeNet"))
    assert "no curve recorded yet (final 0.800)" in lenet and "not measured yet" in lenet
    assert "extrapolated" in text and "benchmarks_time_to_accuracy.svg" in text
    assert "NVIDIA H200" in text and "2026-12-05" in text and "vgg_test_acc = 0.921" in text
    assert "| 20_nin | – | **error** |" in text
    assert figure.startswith("<svg") and "<polyline" in figure and "ch19 VGG-11/4" in figure


def test_the_page_copes_with_no_curves_no_results_and_no_gpu_run(tmp_path, monkeypatch):
    fake_repo(tmp_path, monkeypatch, curves=False, full_gpu=False, results=False)
    text, figure, _ = benchmarks_page.render()
    assert "No full-preset run is recorded yet" in text and "make bench" in text
    assert "no curve recorded yet (final 0.925)" in text
    assert figure.count("no curve recorded yet") == 9 and "<polyline" not in figure


def test_a_run_that_never_reaches_the_target_says_so():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import time_to_accuracy

    run = {"chapter": "19", "key": "vgg_test_acc", "acc": 0.95}
    rec = {"19": {"results": {"vgg_test_acc": 0.92}, "curves": {"vgg": [
        {"epoch": 1, "time_s": 10.0, "test_acc": 0.9}, {"epoch": 2, "time_s": 20.0, "test_acc": 0.92}]}}}
    o = time_to_accuracy.ours("vgg", run, rec)
    assert o["status"] == "not reached" and o["best_acc"] == 0.92 and o["train_s"] == 20.0
    assert time_to_accuracy.ours("vgg", run, {})["status"] == "no run record"
    assert time_to_accuracy.first_reach([{"test_acc": None}, {"test_acc": 0.96, "epoch": 2}], 0.95)["epoch"] == 2
