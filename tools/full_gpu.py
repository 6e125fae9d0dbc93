"""Run chapters 11-24 in the ``full`` preset on one CUDA device and record their results (``make full-gpu``).

    python tools/full_gpu.py [--chapters 11-24] [--jobs 1] [--out benchmarks/full-gpu.json]

Each chapter runs top to bottom in a fresh kernel (``tools/execute.py``), from a copy: the executed copies go
to ``--workdir`` (default ``_build/full-gpu/``), so the ``lite`` outputs stored in ``chapters/`` are never
touched. After every chapter the run records (preset, device, wall time, headline results, training curves)
are written to ``--out`` together with the device, the date and each chapter's wall time, so a run that is
stopped early still leaves what it finished. The benchmarks page shows that file beside the lite results.

The full preset needs a CUDA GPU (bf16 autocast from compute capability 8.0, fp16 with a gradient scaler
below; data resident on the device; channels-last). ``DLCOURSE_PRESET=smoke`` (or ``--preset smoke``) runs
the same script on a CPU in seconds per chapter: that is how the tests exercise it.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import multiprocessing
import os
import platform
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import execute  # noqa: E402
import nbrecords  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "full-gpu.json"
TARGET_S = 480  # the whole run, on an H100/H200


def parse_chapters(spec: str) -> list[int]:
    """``"11-24"``, ``"17,21"`` or ``"11-13,17"`` -> sorted chapter numbers."""
    numbers = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        lo, dash, hi = part.partition("-")
        if not lo.isdigit() or (dash and not hi.isdigit()) or (dash and int(hi) < int(lo)):
            raise ValueError(f"not a chapter number or range: {part!r} (e.g. 11-24 or 17,21)")
        numbers.update(range(int(lo), int(hi or lo) + 1))
    if not numbers:
        raise ValueError("no chapters selected")
    return sorted(numbers)


def chapter_notebooks(numbers: list[int], folder: Path) -> list[Path]:
    found = {int(p.name[:2]): p for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValueError(f"no notebook for chapter(s) {missing} in {folder}")
    return [found[n] for n in numbers]


def device_info() -> dict:
    import torch

    from dlcourse.precision import choose_precision

    info = {"torch": torch.__version__, "python": platform.python_version(), "cpu_count": os.cpu_count(),
            "cuda": torch.cuda.is_available()}
    if info["cuda"]:
        device = torch.device("cuda:0")
        major, minor = torch.cuda.get_device_capability(device)
        info.update(device=f"{torch.cuda.get_device_name(device)} (cuda:0, compute capability {major}.{minor})",
                    precision=choose_precision(device).name)
    else:
        info.update(device="cpu (no CUDA device)", precision="fp32")
    return info


def run_one(notebook: Path, workdir: Path, preset: str, timeout: int) -> dict:
    """Execute a copy of one chapter; return its wall time and run record, or the error."""
    out = workdir / notebook.name
    start = time.time()
    try:
        execute.execute(notebook, preset, timeout, out=out, cwd=notebook.parent, write_on_error=True)
        record = nbrecords.run_record(out)
        status = "ok" if record else "no run record"
        result = {"status": status, "record": record}
    except Exception as e:  # noqa: BLE001 - one chapter's failure is reported, the others still run
        lines = traceback.format_exception_only(type(e), e)
        result = {"status": "error", "error": "".join(lines)[-2000:]}
    result["wall_s"] = round(time.time() - start, 1)
    result["executed_copy"] = os.path.relpath(out, ROOT)
    return result


def write(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chapters", default="11-24", help="numbers and ranges, e.g. 11-24 or 17,21")
    parser.add_argument("--preset", default=os.environ.get("DLCOURSE_PRESET") or "full",
                        choices=["full", "lite", "smoke"])
    parser.add_argument("--jobs", type=int, default=None,
                        help="chapters executed at the same time (default: 2 in the full preset, else 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--workdir", type=Path, default=ROOT / "_build" / "full-gpu")
    parser.add_argument("--chapters-dir", type=Path, default=ROOT / "chapters", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args(argv)
    try:
        notebooks = chapter_notebooks(parse_chapters(args.chapters), args.chapters_dir)
    except ValueError as e:
        parser.error(str(e))
    info = device_info()
    if args.preset == "full" and not info["cuda"]:
        parser.error("the full preset needs a CUDA GPU; to try the script on a CPU, set DLCOURSE_PRESET=smoke")
    # Two at a time on a GPU: these small networks leave a big GPU idle while Python launches their kernels,
    # so two notebooks overlap each other's launch overhead (each chapter's wall time is then measured so).
    args.jobs = args.jobs or (2 if args.preset == "full" else 1)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "preset": args.preset,
               **info, "command": "make full-gpu" if args.preset == "full" else f"tools/full_gpu.py --preset "
               f"{args.preset}", "jobs": args.jobs, "chapters": {}}
    print(f"full-gpu: {len(notebooks)} chapter(s), preset {args.preset}, on {info['device']} "
          f"({info['precision']}), {args.jobs} at a time", flush=True)
    start = time.time()
    spawn = multiprocessing.get_context("spawn")  # the parent has initialised CUDA: never fork it
    with execute.exclusive(), ProcessPoolExecutor(max_workers=args.jobs, mp_context=spawn) as pool:
        futures = {nb.stem: pool.submit(run_one, nb, args.workdir, args.preset, args.timeout) for nb in notebooks}
        for name, future in futures.items():
            r = results["chapters"][name] = future.result()
            res = (r.get("record") or {}).get("results", {})
            shown = ", ".join(f"{k} {v}" for k, v in res.items() if isinstance(v, (int, float)))
            print(f"  {name:32s} {r['status']:5s} {r['wall_s']:7.1f} s  {shown}", flush=True)
            if r["status"] == "error":
                print("    " + r["error"].strip().splitlines()[-1][:300], flush=True)
            results["total_wall_s"] = round(time.time() - start, 1)
            write(results, args.out)
    total, failed = results["total_wall_s"], [k for k, r in results["chapters"].items() if r["status"] != "ok"]
    budget = "" if args.preset != "full" else (f" (target {TARGET_S} s: {'met' if total <= TARGET_S else 'NOT met'})")
    print(f"wrote {args.out}: {total:.0f} s in all{budget}; "
          f"{len(failed)} chapter(s) failed{': ' + ', '.join(failed) if failed else ''}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
