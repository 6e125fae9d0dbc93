"""Headless output (one progress line, one figure) and the run record."""

import matplotlib

matplotlib.use("Agg")

import dlcourse as dl  # noqa: E402
from dlcourse import display, presets, record  # noqa: E402


def test_headless_progress_prints_only_the_final_line(capsys, monkeypatch):
    monkeypatch.setenv("DLCOURSE_HEADLESS", "1")
    for _ in dl.progress(range(25), desc="demo"):
        pass
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "25/25" in out and "demo" in out and "\r" not in out


def test_headless_is_the_default_outside_a_notebook(monkeypatch):
    monkeypatch.delenv("DLCOURSE_HEADLESS", raising=False)
    assert display.headless()


def test_animator_collects_points_without_a_display():
    a = dl.Animator(legend=["a", "b"])
    a.add(1, (0.5, 0.25))
    a.add(2, (0.4, None))
    assert a.X == [[1, 2], [1]] and a.Y == [[0.5, 0.4], [0.25]]
    a.finish()


def test_run_record_says_how_the_notebook_ran(capsys, monkeypatch):
    monkeypatch.setenv("DLCOURSE_PRESET", "smoke")
    monkeypatch.setattr(presets, "_state", {})  # as in a fresh kernel that never called dl.preset()
    dl.run_record(test_acc=0.83456)
    out = capsys.readouterr().out
    for needle in ("Run record", "preset     smoke", "device     cpu", "wall time", "torch", "test_acc   0.8346"):
        assert needle in out
    rec = record.make_record()
    assert rec["preset"] == "smoke" and rec["wall_time_s"] >= 0


def test_one_epoch_plot_does_not_warn(recwarn):
    a = dl.Animator(xlim=[1, 1], legend=["loss"])
    a.add(1, 0.5)
    a.finish()
    assert not [w for w in recwarn if "xlim" in str(w.message) or "singular" in str(w.message)]
