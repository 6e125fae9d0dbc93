"""Build the Benchmarks page (docs/benchmarks.md and its figure) from what the notebooks and scripts recorded.

Nothing on the page is typed by hand: each chapter row comes from the ``run_record()`` output stored in the
chapter notebook (preset, device, wall time, headline results, training curves), the reference figures from
``benchmarks/reference.json`` and ``benchmarks/reference_runs.py``, the speed sections from
``benchmarks/results.json`` (``make bench``) and ``benchmarks/speed_cpu.json``, and the GPU section from
``benchmarks/full-gpu.json`` (``make full-gpu``) whenever that file exists. Needs no PyTorch.

    python tools/benchmarks_page.py           # write docs/benchmarks.md and docs/benchmarks_time_to_accuracy.svg
    python tools/benchmarks_page.py --check   # exit 1 if either is out of date or a chapter lacks a record
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "benchmarks")]
import nbrecords  # noqa: E402
import svgplot  # noqa: E402
import time_to_accuracy  # noqa: E402

PAGE = ROOT / "docs" / "benchmarks.md"
FIGURE = ROOT / "docs" / "benchmarks_time_to_accuracy.svg"
FIGURE_ALT = ("Test accuracy against wall time on a log scale, one panel per network of chapters 17 to 22: our "
              "stored lite run on this CPU after each epoch, beside the reference code's 10 epochs on the same "
              "CPU (extrapolated) and the accuracy the reference reports.")


def run_record(notebook: Path) -> dict | None:
    """The record attached to the last cell's output by ``dl.run_record()``, if any."""
    return nbrecords.run_record(notebook)


def _fmt(v) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) >= 100:
        return f"{v:,.0f}"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _load_json(name: str) -> dict | None:
    path = ROOT / "benchmarks" / name
    return json.loads(path.read_text()) if path.exists() else None


def chapter_records() -> tuple[dict, list[str]]:
    """Chapter number -> its run record (with the notebook's name), and the notebooks without one."""
    records, missing = {}, []
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        rec = run_record(nb)
        if rec is None:
            missing.append(nb.name)
        else:
            records[nb.name[:2]] = {**rec, "notebook": nb.stem}
    return records, missing


def _results_text(rec: dict | None) -> str:
    if not rec:
        return "–"
    return "<br>".join(f"{k} = {_fmt(v)}" for k, v in rec.get("results", {}).items()) or "–"


def chapter_rows() -> tuple[list[str], list[str]]:
    reference = json.loads((ROOT / "benchmarks" / "reference.json").read_text())
    records, missing = chapter_records()
    rows = []
    for num, rec in records.items():
        rows.append(f"| [{num}](../chapters/{rec['notebook']}.ipynb) | {rec['preset']} | {rec['device']} | "
                    f"{rec['wall_time_s']:.0f} s | {_results_text(rec)} | {reference.get(num, '–')} |")
    return rows, missing


# ---- time to accuracy --------------------------------------------------------------------------------------
def _ours_text(o: dict) -> tuple[str, str]:
    """(the run it measures, the time to the target)."""
    if o["status"] == "no run record":
        return "no run record", "–"
    run = f"{o['preset']} ({o['notebook']}, {o['device']})" + (f": {o['settings']}" if o.get("settings") else "")
    status = o["status"]
    if status == "reached":
        return run, f"**{o['reached_s']:.0f} s** (epoch {o['reached_epoch']}; final {o['final_acc']:.3f})"
    if status == "not reached":
        return run, f"not reached: best {o['best_acc']:.3f} in {o['train_s']:.0f} s"
    if status == "no curve recorded":
        return run, f"no curve recorded yet (final {o['final_acc']:.3f})"
    return run, status


def _reference_text(r: dict) -> tuple[str, str]:
    if "ex_per_s" not in r:
        return "not measured yet (`make bench`)", "–"
    return (f"{r['ex_per_s']:,.0f} ex/s: {r['code']} (load {r['load'][0]})",
            f"≈ {r['extrapolated_s']:,.0f} s (extrapolated)")


def time_to_accuracy_section(records: dict, results: dict | None) -> tuple[list[str], str]:
    speeds = (results or {}).get("reference", {})
    table = time_to_accuracy.table(records, speeds)
    lines = [
        "For each network of chapters 17–22: the wall time our stored run needed to first reach the test "
        "accuracy the reference reports (from the chapter's run record: the `curves=` history that "
        "`dl.train_ch6` returns, seconds since training started), beside the time the reference's own code "
        "needs for its 10 epochs **on the same CPU**. That time is **extrapolated**: the reference code's "
        "examples per second, measured over a few batches by `make bench` (its own data loader included), "
        "times its 10 epochs of 60,000 images; nobody trains AlexNet at 224 px for 10 epochs on a 2-core CPU "
        "to time it. The reference networks and configurations are d2l's (d2l-zh 2.0 / d2l-en 0.17) and "
        "刘二大人's own (`benchmarks/reference_code.py`), not the course's.",
        "",
        "| ch | network | target (reference) | our run | ours: time to target | reference code on this CPU | "
        "reference: 10 epochs |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    panels = []
    for row in table:
        run, reached = _ours_text(row["ours"])
        speed, extrapolated = _reference_text(row["reference"])
        lines.append(f"| {row['chapter']} | {row['model']} | {row['target']} ({row['target_source']}) | {run} | "
                     f"{reached} | {speed} | {extrapolated} |")
        panels.append({"title": f"ch{row['chapter']} {row['model']}", "curve": row["ours"].get("curve", []),
                       "target": row["target"], "theirs": row["reference"].get("extrapolated_s")})
    lines += ["", f"![{FIGURE_ALT}]({FIGURE.name})", "",
              "The figure: test accuracy (vertical) against wall time (horizontal, log scale), one panel per "
              "network; the blue line is our stored run after each epoch, the red diamond the reference's "
              "extrapolated 10 epochs at the accuracy it reports (dotted line)."]
    return lines, svgplot.small_multiples(panels, FIGURE_ALT)


# ---- the full preset on a GPU ------------------------------------------------------------------------------
def full_gpu_section(records: dict) -> list[str]:
    full = _load_json("full-gpu.json")
    if full is None:
        return ["No full-preset run is recorded yet: `make full-gpu` on a CUDA machine writes "
                "`benchmarks/full-gpu.json`, and this section then shows its results beside the lite ones."]
    chapters = full.get("chapters", {})
    ok = sum(r.get("status") == "ok" for r in chapters.values())
    lines = [f"`{full.get('command', 'make full-gpu')}` on **{full.get('device', '?')}** "
             f"({full.get('precision', '?')}, preset {full.get('preset', '?')}, torch {full.get('torch', '?')}), "
             f"{full.get('date', '?')}: {ok} of {len(chapters)} chapters ran, "
             f"{full.get('total_wall_s', 0):.0f} s in all.", "",
             "| chapter | lite (stored, this CPU) | full | full wall time |", "| --- | --- | --- | --- |"]
    for name, r in chapters.items():
        full_text = _results_text(r.get("record")) if r.get("status") == "ok" else f"**{r.get('status')}**"
        lines.append(f"| {name} | {_results_text(records.get(name[:2]))} | {full_text} | {r.get('wall_s', 0):.0f} s |")
    return lines


# ---- speed -------------------------------------------------------------------------------------------------
def speed_section(res: dict | None) -> list[str]:
    if res is None:
        return ["No benchmark results are recorded yet (`make bench` writes `benchmarks/results.json`)."]
    lines = [f"Measured on {res.get('machine', 'an unnamed machine')}, {res.get('date', '')}, "
             f"by `{res.get('script', 'benchmarks/')}`.", ""]
    lines += ["| what | ours | d2l | ratio | load average |", "| --- | --- | --- | --- | --- |"]
    for row in res.get("rows", []):
        lines.append(f"| {row['what']} | {_fmt(row['ours'])} {row.get('unit', '')} | "
                     f"{_fmt(row['d2l'])} {row.get('unit', '')} | {row['ours'] / row['d2l']:.1f}× | "
                     f"{row.get('load', '–')} |")
    for note in res.get("notes", []):
        lines += ["", note]
    return lines


def cpu_settings_section(runs: list[tuple[str, dict]]) -> list[str]:
    """One block per ``benchmarks/speed_cpu*.json``: ``speed_cpu.json`` on a quiet machine, ``speed_cpu_busy.json``
    while other jobs shared the cores."""
    if not runs:
        return ["Not measured yet (`benchmarks/speed_cpu.py` writes `benchmarks/speed_cpu.json`)."]
    lines = ["`benchmarks/speed_cpu.py` trains with `dl.train_ch6` for a fixed number of batches per variant, "
             "interleaved, best of the rounds. *Wall* is what the run saw, at the load average given (on 2 cores, "
             "a load near 1 is the run itself); *per CPU second* counts examples per second of CPU time, which "
             "other jobs barely change for one thread. The defaults chosen from these are documented in "
             "`dlcourse/speed.py`.", ""]
    for file, speed in runs:
        lines += [f"### `{file}`: {speed['date']}, {speed['cpu_count']} cores, torch {speed['torch']}", ""]
        for name, r in speed["nets"].items():
            loads = ", ".join(str(x[0]) for x in r.get("loads", []))
            lines += [f"**{name}** ({r['input']} px, batch {r['batch_size']}, {r['batches']} batches; load {loads})",
                      "", "| variant | wall ex/s | vs contiguous, 1 thread | per CPU second | vs contiguous, "
                      "1 thread |", "| --- | --- | --- | --- | --- |"]
            for vname, v in r["variants"].items():
                lines.append(f"| {vname} | {v['ex_per_s']:,.0f} | {v['wall_ratio']:.2f}× | {v['ex_per_cpu_s']:,.0f} | "
                             f"{v['cpu_ratio']:.2f}× |")
            c = r.get("compile", {})
            if "speedup" in c:
                lines += ["", f"torch.compile (one thread): {c['speedup']:.2f}× per CPU second once compiled, after "
                              f"{c['compile_overhead_s']:.0f} s of compiling (load {c['load'][0]}): it pays back "
                              f"after {c['pays_back_after_examples'] or '∞'} examples."]
            lines.append("")
    return lines


def render() -> tuple[str, str, list[str]]:
    rows, missing = chapter_rows()
    records, _ = chapter_records()
    results = _load_json("results.json")
    tta, figure = time_to_accuracy_section(records, results)
    lines = [
        "# Benchmarks",
        "",
        "This page is generated by `tools/benchmarks_page.py` from the run record stored in each chapter "
        "(its last cell) and from the benchmark scripts' results; nothing here is typed by hand. The preset "
        "says which configuration produced a chapter's stored outputs: `full` is the notes' configuration "
        "(a GPU), `lite` a smaller real run on a CPU. The stored results and `benchmarks/results.json` are "
        "regenerated together at the end (`make execute` of every chapter, then `make bench`).",
        "",
        "## Chapters",
        "",
        "| chapter | preset | device | wall time | results recorded | reference (other courses) |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "## Time to the reference accuracy",
        "",
        *tta,
        "",
        "## Full preset on a GPU",
        "",
        *full_gpu_section(records),
        "",
        "## Speed against d2l's own code",
        "",
        *speed_section(results),
        "",
        "## CPU settings, measured",
        "",
        *cpu_settings_section([(f, d) for f in ("speed_cpu.json", "speed_cpu_busy.json") if (d := _load_json(f))]),
    ]
    return "\n".join(lines).rstrip() + "\n", figure, missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text, figure, missing = render()
    if missing:
        print("chapters without a run record (last cell must call dl.run_record()): " + ", ".join(missing))
        if args.check:
            return 1
    if args.check:
        stale = [p for p, new in ((PAGE, text), (FIGURE, figure)) if not p.exists() or p.read_text() != new]
        if stale:
            print(f"{', '.join(str(p.relative_to(ROOT)) for p in stale)} out of date: "
                  "run `python tools/benchmarks_page.py`")
            return 1
        return 0
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(text)
    FIGURE.write_text(figure)
    print(f"wrote {PAGE.relative_to(ROOT)} and {FIGURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
