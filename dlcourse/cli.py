"""The ``dlcourse`` command: ``dlcourse data fetch [NAME...]`` (and more subcommands as the course grows)."""

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlcourse", description="Tools of the deep-learning course.")
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="data sets").add_subparsers(dest="data_command", required=True)
    fetch = data.add_parser("fetch", help="fetch and verify data sets (all when no NAME is given)")
    fetch.add_argument("names", nargs="*", metavar="NAME",
                       help="fashion-mnist, mnist, pytorchzerotoall, seaborn, diabetes, names, shakespeare, titanic")
    fetch.set_defaults(func=_data_fetch)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
