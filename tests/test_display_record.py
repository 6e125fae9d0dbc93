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


def test_curves_go_into_the_metadata_and_print_as_one_line(capsys, monkeypatch):
    import json

    import pytest

    history = [{"epoch": 1, "time_s": 1.23456, "train_loss": 0.512345, "train_acc": 0.8, "test_acc": 0.79},
               {"epoch": 2, "time_s": 2.5, "train_loss": 0.4, "train_acc": 0.85, "test_acc": 0.8123456}]
    rec = record.make_record(curves={"vgg": history}, vgg_test_acc=0.8123456)
    assert rec["curves"]["vgg"][1]["test_acc"] == 0.8123 and rec["curves"]["vgg"][0]["time_s"] == 1.2346
    assert json.loads(json.dumps(rec)) == rec  # the notebook stores it as JSON
    text = record.format_record(rec)
    assert text.count("\n") == record.format_record(record.make_record(vgg_test_acc=0.8)).count("\n") + 1
    assert "curves     vgg (2 epochs, 2 s)" in text and "0.79" not in text
    published = []
    monkeypatch.setattr("dlcourse.display.in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.publish_display_data",
                        lambda data, metadata: published.append((data, metadata)))
    dl.run_record(curves={"vgg": history}, vgg_test_acc=0.8)
    (data, metadata), = published
    assert metadata["dlcourse_run_record"]["curves"]["vgg"][0]["epoch"] == 1
    assert "curves" in data["text/plain"]
    with pytest.raises(ValueError, match="per-epoch dicts"):
        record.make_record(curves={"vgg": [0.1, 0.2]})
    with pytest.raises(TypeError, match="map a name"):
        record.make_record(curves=[history])
    assert "curves" not in record.make_record(test_acc=0.5)


def test_record_does_not_import_the_package_root():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(record.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            assert node.module, "record.py imports the package root (`from . import ...`)"
