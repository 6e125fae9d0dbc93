"""Reports: a Markdown feedback file per submission, and a summary (mean and distribution per exercise)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path


def _g(x) -> str:
    return f"{x:g}"


def feedback_markdown(sub: dict) -> str:
    """Feedback an instructor can hand back: score, then every exercise with the reason for lost points."""
    lines = [f"# Feedback: {sub['student']}, assignment {sub['assignment']}", "",
             f"**Score: {_g(sub['score'])} / {_g(sub['max_score'])}** (run: {sub['status']})", "",
             "| Exercise | Points | Feedback |", "| --- | --- | --- |"]
    for e in sub["exercises"]:
        mark = "✓" if e["passed"] else "✗"
        text = "correct" if e["passed"] else (e["reason"] or "wrong")
        text = text.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {mark} {e['exercise']} {e['title']} | {_g(e['points'])} / {_g(e['max_points'])} "
                     f"| {text} |")
    if any("cell [" in (e["reason"] or "") for e in sub["exercises"]):
        lines += ["", "Cells are counted as Jupyter numbers them after *Kernel → Restart Kernel and Run All Cells*: "
                  "cell [5] is the fifth code cell (markdown cells are not counted)."]
    if sub["notes"]:
        lines += ["", "Notes from the grader:", ""] + [f"- {n}" for n in sub["notes"]]
    lines += ["", f"Submission `{sub['sha256'][:12]}`, graded {sub['graded_at']}.", ""]
    return "\n".join(lines)


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "submission"


def write_feedback(rows: list[dict], directory) -> list[Path]:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for sub in rows:
        p = d / f"{safe_filename(sub['student'])}-{safe_filename(sub['assignment'])}.md"
        p.write_text(feedback_markdown(sub))
        paths.append(p)
    return paths


def summary_markdown(rows: list[dict]) -> str:
    """Per assignment: number of submissions, mean score, and per exercise the mean and the distribution."""
    out = []
    for assignment in sorted({r["assignment"] for r in rows}):
        subs = [r for r in rows if r["assignment"] == assignment]
        total = Counter(_g(r["score"]) for r in subs)
        mx = max((r["max_score"] for r in subs), default=0)
        mean = sum(r["score"] for r in subs) / len(subs)
        status = Counter(r["status"] for r in subs)
        plural = "s" if len(subs) != 1 else ""
        out += [f"## Assignment {assignment}: {len(subs)} submission{plural}, mean {mean:.2f} / {_g(mx)}", "",
                "Runs: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())), "",
                "| Exercise | Max | Mean | Full marks | Distribution (points: count) |",
                "| --- | --- | --- | --- | --- |"]
        by_ex: dict[str, list[dict]] = {}
        for r in subs:
            for e in r["exercises"]:
                by_ex.setdefault(e["exercise"], []).append(e)
        from ..checks import _order

        for ex_id in sorted(by_ex, key=_order):
            es = by_ex[ex_id]
            pts = [e["points"] for e in es]
            dist = Counter(pts)
            out.append(f"| {ex_id} | {_g(es[0]['max_points'])} | {sum(pts) / len(pts):.2f} "
                       f"| {sum(e['passed'] for e in es)}/{len(es)} "
                       f"| {', '.join(f'{_g(k)}: {v}' for k, v in sorted(dist.items()))} |")
        out += ["", "Total scores (points: count): "
                + ", ".join(f"{k}: {v}" for k, v in sorted(total.items(), key=lambda kv: float(kv[0]))), ""]
    return "\n".join(out)
