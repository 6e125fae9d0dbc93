"""The ``dlcourse`` command: ``dlcourse data fetch [NAME...]``, ``dlcourse grade SUBMISSION...``."""

from __future__ import annotations

import argparse
import sys


def _data_fetch(args) -> int:
    from .data import fetch, registry

    try:
        files = registry.resolve(args.names)
    except KeyError as e:
        print(f"error: {e.args[0]}", file=sys.stderr)
        return 2
    failed = 0
    for f in files:
        try:
            _, source = fetch.locate(f)
        except fetch.DataError as e:
            failed += 1
            print(f"FAILED  {f.key}\n{e}", file=sys.stderr)
            continue
        print(f"ok      {f.key}  ({source})")
    print(f"{len(files) - failed} of {len(files)} files verified; cache: {fetch.cache_dir()}")
    return 1 if failed else 0


def _grade(args) -> int:
    from pathlib import Path

    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as e:
        print(f"error: grading needs {e.name}: pip install 'dlcourse[grade]' (nbclient, nbformat, ipykernel)",
              file=sys.stderr)
        return 2
    from .grading import GradeOptions, grade_submissions
    from .grading.gradebook import Gradebook
    from .grading.report import summary_markdown, write_feedback
    from .grading.sandbox import Limits

    paths: list[Path] = []
    for s in args.submissions:
        p = Path(s)
        if p.is_dir():
            paths += sorted(q for q in p.glob("*.ipynb") if q.is_file())
        elif p.is_file():
            paths.append(p)
        else:
            print(f"error: no such file or folder: {s}", file=sys.stderr)
            return 2
    stems = [p.stem for p in paths]
    dups = sorted({s for s in stems if stems.count(s) > 1})
    if dups:
        print(f"error: two submissions from the same student (file name): {', '.join(dups)}", file=sys.stderr)
        return 2
    if args.tests is not None and not Path(args.tests).is_dir():
        print(f"error: --tests {args.tests}: not a folder", file=sys.stderr)
        return 2
    outputs = [Path(x) for x in (args.db, args.csv, args.json, args.feedback) if x]
    db_path = Path(args.db)
    outputs += [db_path.with_name(db_path.name + sfx) for sfx in ("-journal", "-wal", "-shm")]
    hide = [p.resolve() for p in paths] + [p.resolve().parent for p in paths] + [p.resolve() for p in outputs]
    if args.tests:
        hide.append(Path(args.tests).resolve())
    limits = Limits(wall_s=args.timeout, cell_s=min(args.cell_timeout or args.timeout, args.timeout),
                    memory_mb=args.memory, procs=args.procs)
    options = GradeOptions(limits=limits, jobs=args.jobs, assignment=args.assignment,
                           tests_dir=Path(args.tests) if args.tests else None, isolation=args.isolation, hide=hide)
    from .grading import sandbox

    isolation, note = sandbox.detect(args.isolation)
    if args.isolation not in ("auto", isolation):
        print(f"error: isolation {args.isolation} is not available here: {note}", file=sys.stderr)
        return 2
    if isolation != "bwrap":
        why = note or "chosen with --isolation"
        print(f"WARNING: no bubblewrap sandbox ({why}); isolation: {isolation}, resource limits only. "
              "Submissions can read and write what you can.", file=sys.stderr)
    print(f"grading {len(paths)} submission(s), {args.jobs} at a time, isolation: {isolation}; "
          f"gradebook: {db_path}", flush=True)
    with Gradebook(db_path) as book:
        skipped = []

        def skip(student, assignment, digest):
            if not args.regrade and book.is_graded(student, assignment, digest):
                skipped.append(student)
                return True
            return False

        def saved(r):
            book.save(r)
            print(f"  {r.student:<16} {r.assignment:>4}  {r.score:g}/{r.max_score:g}  {r.status:<8} "
                  f"{r.wall_s:5.1f} s", flush=True)

        grade_submissions(paths, options, skip=skip, on_result=saved)
        if skipped:
            print(f"already graded (same file), not run again: {', '.join(skipped)}")
        rows = book.latest(args.assignment.zfill(2) if args.assignment else None)
        if args.csv:
            book.export_csv(args.csv, args.assignment.zfill(2) if args.assignment else None)
            print(f"wrote {args.csv}")
        if args.json:
            book.export_json(args.json, args.assignment.zfill(2) if args.assignment else None)
            print(f"wrote {args.json}")
    if args.feedback:
        write_feedback(rows, args.feedback)
        summary = summary_markdown(rows)
        (Path(args.feedback) / "SUMMARY.md").write_text("# Summary\n\n" + summary)
        print(f"wrote feedback for {len(rows)} submission(s) and SUMMARY.md to {args.feedback}/")
    else:
        summary = summary_markdown(rows)
    print()
    print(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlcourse", description="Tools of the deep-learning course.")
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="data sets").add_subparsers(dest="data_command", required=True)
    fetch = data.add_parser("fetch", help="fetch and verify data sets (all when no NAME is given)")
    fetch.add_argument("names", nargs="*", metavar="NAME",
                       help="fashion-mnist, mnist, pytorchzerotoall, seaborn, diabetes, names, shakespeare, titanic")
    fetch.set_defaults(func=_data_fetch)

    grade = sub.add_parser("grade", help="grade submitted notebooks in a sandbox, into a SQLite gradebook",
                           description="Run each submitted notebook as untrusted code in its own sandbox, "
                                       "judge the answers its dl.check calls recorded, and save the scores.")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                       help="notebooks (STUDENT.ipynb: the file name is the student), or folders of them")
    grade.add_argument("--tests", metavar="DIR", help="a folder of private check modules (same @exercise API)")
    grade.add_argument("--assignment", metavar="NN", help="the chapter graded (default: from each notebook)")
    grade.add_argument("--timeout", type=float, default=600, metavar="S", help="wall time per submission (600)")
    grade.add_argument("--cell-timeout", type=float, default=120, metavar="S", help="time per cell (120)")
    grade.add_argument("--memory", type=int, default=4096, metavar="MB", help="memory per submission (4096)")
    grade.add_argument("--procs", type=int, default=64, metavar="N", help="processes per submission (64)")
    grade.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="submissions graded in parallel")
    grade.add_argument("--db", default="gradebook.sqlite", help="the gradebook (default gradebook.sqlite)")
    grade.add_argument("--csv", metavar="FILE", help="export the latest scores as CSV")
    grade.add_argument("--json", metavar="FILE", help="export the latest results, with reasons, as JSON")
    grade.add_argument("--feedback", metavar="DIR", default="feedback",
                       help="per-submission Markdown feedback and SUMMARY.md (default feedback/; '' for none)")
    grade.add_argument("--isolation", choices=["auto", "bwrap", "unshare", "none"], default="auto",
                       help="auto: bubblewrap if it works, else unshare -rn, else limits only")
    grade.add_argument("--regrade", action="store_true", help="grade again files already in the gradebook")
    grade.set_defaults(func=_grade)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
