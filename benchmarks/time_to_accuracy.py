"""Time to accuracy: when a chapter's training curve first reaches the reference's test accuracy.

Plain Python (no PyTorch), shared by ``bench_vs_d2l.py`` and ``tools/benchmarks_page.py``. Ours comes from
each chapter's run record: ``dl.run_record(lenet_test_acc=..., curves={"lenet": metrics["history"]})``, whose
history has the wall seconds since training started (``time_s``) and the test accuracy after every epoch.
The reference's time is its measured examples/s on this machine times its 10 epochs (extrapolated).
"""

from __future__ import annotations

from reference_runs import REFERENCE_RUNS


def first_reach(history: list[dict], target: float) -> dict | None:
    """The first point of ``history`` whose test accuracy is at least ``target``."""
    for point in history:
        acc = point.get("test_acc")
        if acc is not None and acc >= target:
            return point
    return None


def settings_text(settings: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items())


def ours(name: str, run: dict, records: dict) -> dict:
    """What chapter ``run["chapter"]``'s run record says about network ``name``."""
    rec = records.get(run["chapter"])
    if rec is None:
        return {"status": "no run record"}
    out = {"preset": rec.get("preset"), "device": rec.get("device"), "notebook": rec.get("notebook"),
           "finished": rec.get("finished"), "settings": settings_text(rec.get("settings", {}))}
    final = rec.get("results", {}).get(run["key"])
    if final is None:
        return {**out, "status": f"no {run['key']} recorded"}
    out["final_acc"] = final
    curve = rec.get("curves", {}).get(name)
    if not curve:
        return {**out, "status": "no curve recorded"}
    out["curve"] = [[p["time_s"], p.get("test_acc")] for p in curve]
    out["train_s"] = curve[-1]["time_s"]
    hit = first_reach(curve, run["acc"])
    if hit is None:
        return {**out, "status": "not reached", "best_acc": max(p.get("test_acc") or 0 for p in curve)}
    return {**out, "status": "reached", "reached_s": hit["time_s"], "reached_epoch": hit["epoch"]}


def table(records: dict, reference_speed: dict) -> list[dict]:
    """One row per reference network: the target, ours (from ``records``: chapter number -> run record) and
    the reference's extrapolated time (from ``reference_speed``: name -> measured examples/s)."""
    rows = []
    for name, run in REFERENCE_RUNS.items():
        ref = reference_speed.get(name, {})
        rows.append({"name": name, "model": run["model"], "chapter": run["chapter"], "key": run["key"],
                     "target": run["acc"], "target_source": run["source"], "ours": ours(name, run, records),
                     "reference": {k: ref[k] for k in ("ex_per_s", "extrapolated_s", "code", "load") if k in ref}})
    return rows
