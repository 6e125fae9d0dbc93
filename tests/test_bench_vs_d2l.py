"""benchmarks/bench_vs_d2l.py: its timing, parsing and summary pieces, and (slow, with d2l installed) a short run."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_vs_d2l as bench  # noqa: E402


def test_timed_rate_leaves_out_the_first_batch(monkeypatch):
    clock = iter([0.0, 5.0, 6.0, 7.0, 8.0])  # the first batch took 5 s (workers starting), then 1 s each
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(clock))
    timed = bench.Timed(range(10), 5)
    assert list(timed) == [0, 1, 2, 3, 4] and len(timed) == 10  # d2l plots at len // 5
    assert timed.rate(batch_size=100) == 100.0


def test_printed_lines_are_parsed():
    text = "training on cpu\nloss 0.469, train acc 0.823, test acc 0.779\n55296.6 examples/sec on cpu (2 threads)\n"
    assert bench.d2l_printed(text, "speed") == 55296.6
    assert bench.d2l_printed(text, "test_acc") == 0.779
    assert bench.d2l_printed(text, "on") == "cpu (2 threads)"
    assert bench.d2l_printed("nothing", "speed") is None


def test_summary_rows_name_what_they_measure():
    results = {"device": "cpu", "machine": {"cpu": "Xeon", "cpu_count": 2, "torch": "2.x", "torch_threads": 2,
                                            "load_average_at_start": [0.1, 0.1, 0.1]},
               "data": {"ours_ex_per_s": 400000, "d2l_ex_per_s": 16000, "load": [0.1, 0.1, 0.1]},
               "lenet": {"epochs": 2, "ours_ex_per_s": 20000.0, "d2l_ex_per_s": 8000.0,
                         "d2l_loop_our_loader_ex_per_s": 12000.0, "d2l_reported_ex_per_s": 9000.0,
                         "ours_settings": "dl.train_ch6 defaults on cpu (2 threads): channels_last=True, fp32",
                         "loads": [[0.1, 0.1, 0.1]]}}
    out = bench.summary_rows(results)
    assert [r["ours"] / r["d2l"] for r in out["rows"]] == [25.0, 2.5, 20000 / 12000]
    assert "batch 256, lr 0.9, 28 px" in out["rows"][1]["what"] and "channels_last=True" in out["rows"][1]["what"]
    assert "assumed" not in json.dumps(out) and "draft" not in json.dumps(out)
    assert "Xeon (2 cores" in out["machine"]


def test_the_stored_results_have_no_placeholder_rows():
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    text = json.dumps(results)
    assert "assumed" not in text and "draft" not in text and "not written yet" not in text
    assert results["reference"] and results["time_to_accuracy"]
    for row in results["time_to_accuracy"]:
        assert row["chapter"] and row["target_source"]
    for name, r in results["reference"].items():
        assert r["extrapolated_s"] > 0 and r["code"] and r["load"], name


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("d2l") is None, reason="d2l is not installed (make bench installs it)")
def test_a_short_bench_run_writes_results(tmp_path, real_mirror):
    out = tmp_path / "results.json"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_vs_d2l.py"), "--skip", "data,lenet",
                           "--networks", "bn_lenet,mnist_cnn", "--batches", "5", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    res = json.loads(out.read_text())
    assert set(res["reference"]) == {"bn_lenet", "mnist_cnn"}
    assert res["reference"]["mnist_cnn"]["pipeline"] == "liu" and res["reference"]["bn_lenet"]["ex_per_s"] > 0
    assert len(res["time_to_accuracy"]) == 9 and res["machine_details"]["load_average_at_end"]
