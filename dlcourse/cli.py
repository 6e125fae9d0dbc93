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


# The instructor's install: the repository is `repository.url` in _config.yml (a test keeps the two equal).
REPOSITORY_URL = "https://github.com/dlcourse/dlcourse"
GRADE_INSTALL = f'pip install "dlcourse[grade] @ git+{REPOSITORY_URL}"'
GRADE_INSTALL_CLONE = 'pip install ".[grade]"'


def _need_grading_packages() -> str | None:
    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as e:
        return (f"grading needs {e.name} (with nbformat, ipykernel and jupyter_client): {GRADE_INSTALL}\n"
                f"  or, in a clone of the repository: {GRADE_INSTALL_CLONE}")
    return None


def _names(items: list[str], n: int = 20) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def _write_exports(book, args, assignment) -> list[dict]:
    from pathlib import Path

    from .grading.report import summary_markdown, write_feedback

    rows = book.latest(assignment)
    if args.csv:
        book.export_csv(args.csv, assignment)
        print(f"wrote {args.csv}")
    if args.json:
        book.export_json(args.json, assignment)
        print(f"wrote {args.json}")
    summary = summary_markdown(rows)
    if args.feedback:
        write_feedback(rows, args.feedback)
        (Path(args.feedback) / "SUMMARY.md").write_text("# Summary\n\n" + summary)
        print(f"wrote feedback for {len(rows)} submission(s) and SUMMARY.md to {args.feedback}/")
    print()
    print(summary)
    return rows


def _grade(args) -> int:
    from pathlib import Path

    problem = _need_grading_packages()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    from .grading import GradeOptions, grade_submissions
    from .grading.collect import CollectError, collect, in_shard, parse_shard
    from .grading.gradebook import Gradebook
    from .grading.runner import plan_batch
    from .grading.sandbox import Limits

    try:
        subs = collect(args.submissions)
        shard = parse_shard(args.shard) if args.shard else None
    except (CollectError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.tests is not None and not Path(args.tests).is_dir():
        print(f"error: --tests {args.tests}: not a folder", file=sys.stderr)
        return 2
    limits = Limits(wall_s=args.timeout, cell_s=min(args.cell_timeout or args.timeout, args.timeout),
                    memory_mb=args.memory, procs=args.procs, disk_mb=args.disk)
    if limits.problem():
        print(f"error: {limits.problem()}", file=sys.stderr)
        return 2
    every, found = list(subs), len(subs)
    if shard is not None:
        subs = in_shard(subs, *shard)
    db_path = Path(args.db or (f"gradebook-{shard[0]}-of-{shard[1]}.sqlite" if shard else "gradebook.sqlite"))
    feedback = args.feedback if args.feedback is not None else ("" if shard else "feedback")
    args.feedback = feedback
    outputs = [Path(x) for x in (db_path, args.csv, args.json, feedback) if x]
    outputs += [db_path.with_name(db_path.name + sfx) for sfx in ("-journal", "-wal", "-shm")]
    # every submission is hidden from each one, not only this shard's; so are the gradebook and the exports, with
    # their folders (a journal comes and goes: hiding the folder does not race with it)
    hide = [s.path.resolve() for s in every] + [s.path.resolve().parent for s in every] + \
        [Path(a).resolve() for a in args.submissions] + [p.resolve() for p in outputs] + \
        [p.resolve().parent for p in outputs]
    if args.tests:
        hide.append(Path(args.tests).resolve())
    options = GradeOptions(limits=limits, jobs=args.jobs, assignment=args.assignment,
                           tests_dir=Path(args.tests) if args.tests else None, isolation=args.isolation, hide=hide)
    where = ", ".join(args.submissions)
    if shard is not None:
        print(f"shard {shard[0]}/{shard[1]}: {len(subs)} of the {found} submission(s) in {where} "
              "(a stable hash of each file's path picks its shard)")
    else:
        print(f"found {found} submission(s) in {where}")
    assignment = args.assignment.zfill(2) if args.assignment else None
    with Gradebook(db_path) as book:
        def skip(student, assignment, digest):
            return not args.regrade and book.is_graded(student, assignment, digest)

        if options.tests_dir is not None:
            from . import checks

            checks.load_private(options.tests_dir)
        plan = plan_batch(subs, options, skip)
        if plan.skipped:
            print(f"not run again: {len(plan.skipped)} already in {db_path} with the same file content (SHA-256) "
                  f"for the same student and assignment (--regrade runs them again): "
                  f"{_names(sorted(s.student for s, _ in plan.skipped))}")
        if not plan.todo:
            print(f"nothing to grade: all {len(subs)} submission(s) are already graded" if subs
                  else "nothing to grade in this shard")
        else:
            from .grading import sandbox

            isolation, note = sandbox.detect(args.isolation)
            if args.isolation not in ("auto", isolation):
                print(f"error: isolation {args.isolation} is not available here: {note}", file=sys.stderr)
                return 2
            if isolation != "bwrap":
                why = note or "chosen with --isolation"
                print(f"WARNING: no bubblewrap sandbox ({why}); isolation: {isolation}, resource limits only. "
                      "Submissions can read and write what you can.", file=sys.stderr)
            print(f"grading {len(plan.todo)} submission(s), {args.jobs} at a time, isolation: {isolation}, "
                  f"each may write {limits.disk_mb} MB; gradebook: {db_path}", flush=True)

            def saved(r):
                book.save(r)
                print(f"  {r.student:<16} {r.assignment:>4}  {r.score:g}/{r.max_score:g}  {r.status:<11} "
                      f"{r.wall_s:5.1f} s", flush=True)

            grade_submissions(plan.todo, options, skip=skip, on_result=saved, plan=plan)
        _write_exports(book, args, assignment)
    return 0


def _merge(args) -> int:
    from pathlib import Path

    from .grading.gradebook import Gradebook

    missing = [d for d in args.gradebooks if not Path(d).is_file()]
    if missing:
        print(f"error: no such gradebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    totals = {"added": 0, "replaced": 0, "kept": 0}
    with Gradebook(args.db) as book:
        for d in args.gradebooks:
            try:
                counts = book.merge_from(d)
            except Exception as e:  # not a gradebook, or a damaged one: say which, merge nothing more
                print(f"error: {d}: {type(e).__name__}: {e}", file=sys.stderr)
                return 2
            print(f"  {d}: {counts['added']} added, {counts['replaced']} replaced by a later grading of the same "
                  f"file, {counts['kept']} already there")
            for k in totals:
                totals[k] += counts[k]
        n = book.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        print(f"merged {len(args.gradebooks)} gradebook(s) into {args.db}: {n} submission(s) in all "
              f"({totals['added']} added, {totals['replaced']} replaced, {totals['kept']} already there)")
        _write_exports(book, args, args.assignment.zfill(2) if args.assignment else None)
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
                       help="notebooks, or folders searched recursively; the path under the folder, without "
                            ".ipynb, names the student (alice.ipynb: alice; alice/01_tensors.ipynb: "
                            "alice/01_tensors). 'dlcourse grade merge DB...' combines gradebooks")
    grade.add_argument("--tests", metavar="DIR", help="a folder of private check modules (same @exercise API)")
    grade.add_argument("--assignment", metavar="NN", help="the chapter graded (default: from each notebook)")
    grade.add_argument("--timeout", type=float, default=600, metavar="S", help="wall time per submission (600)")
    grade.add_argument("--cell-timeout", type=float, default=120, metavar="S", help="time per cell (120)")
    grade.add_argument("--memory", type=int, default=4096, metavar="MB",
                       help="memory per submission, its writes included (4096)")
    grade.add_argument("--disk", type=int, default=512, metavar="MB",
                       help="what a submission may write in all, working and temporary folders (512); "
                            "under bubblewrap a RAM disk counted within --memory")
    grade.add_argument("--procs", type=int, default=64, metavar="N", help="processes per submission (64)")
    grade.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="submissions graded in parallel")
    grade.add_argument("--shard", metavar="K/N",
                       help="grade only shard K of N (K = 0 … N-1; a stable hash of each file's path), into its own "
                            "gradebook (default gradebook-K-of-N.sqlite, no feedback); combine with 'grade merge'")
    grade.add_argument("--db", default=None,
                       help="the gradebook (default gradebook.sqlite; with --shard gradebook-K-of-N.sqlite)")
    grade.add_argument("--csv", metavar="FILE", help="export the latest scores as CSV")
    grade.add_argument("--json", metavar="FILE", help="export the latest results, with reasons, as JSON")
    grade.add_argument("--feedback", metavar="DIR", default=None,
                       help="per-submission Markdown feedback and SUMMARY.md (default feedback/, none with --shard; "
                            "'' for none)")
    grade.add_argument("--isolation", choices=["auto", "bwrap", "unshare", "none"], default="auto",
                       help="auto: bubblewrap if it works, else unshare -rn, else limits only")
    grade.add_argument("--regrade", action="store_true", help="grade again files already in the gradebook")
    grade.set_defaults(func=_grade)
    return parser


def build_merge_parser() -> argparse.ArgumentParser:
    merge = argparse.ArgumentParser(
        prog="dlcourse grade merge",
        description="Combine gradebooks (e.g. one per shard) into one, idempotently: a submission (student, "
                    "assignment, file SHA-256) appears once, a later grading of the same file replaces an earlier "
                    "one, and the exports show each student's latest submission (newest file modification time).")
    merge.add_argument("gradebooks", nargs="+", metavar="DB", help="gradebooks to merge in")
    merge.add_argument("--db", default="gradebook.sqlite", help="the gradebook merged into (default gradebook.sqlite)")
    merge.add_argument("--assignment", metavar="NN", help="export only this assignment")
    merge.add_argument("--csv", metavar="FILE", help="export the latest scores as CSV")
    merge.add_argument("--json", metavar="FILE", help="export the latest results, with reasons, as JSON")
    merge.add_argument("--feedback", metavar="DIR", default="",
                       help="per-submission Markdown feedback and SUMMARY.md (default: none)")
    merge.set_defaults(func=_merge)
    return merge


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["grade", "merge"]:  # a folder named merge: dlcourse grade ./merge
        args = build_merge_parser().parse_args(argv[2:])
    else:
        args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
