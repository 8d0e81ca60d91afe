"""``python -m kexuebook.importer [--root DIR] [--check | --catalog | --move SLUG [--to NEW] [--part PART]]``: import every listing in seeds/.

The command line only: what an import writes is planned and applied by :mod:`.plan`, a chapter
moved by :mod:`.move`.  Bad input is reported as ``file:line: what was expected`` (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..catalog import load_catalog
from .errors import SeedError, relative_to, shown
from .plan import CATALOG, apply, drift, plan_import


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kexuebook.importer", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's folder (default: .)")
    parser.add_argument("--check", action="store_true", help="write nothing; fail if any file would change")
    parser.add_argument("--catalog", action="store_true", help="only check chapters/book.toml (make html runs this first)")
    parser.add_argument("--move", metavar="SLUG", help="rename the chapter SLUG (--to) or move it to another part (--part), with its file")
    parser.add_argument("--to", metavar="NEW_SLUG", help="with --move: the chapter's new slug")
    parser.add_argument("--part", metavar="PART", help="with --move: the chapter's new part")
    args = parser.parse_args(argv)
    if (args.to or args.part) and not args.move:
        parser.error("--to and --part go with --move SLUG")
    root = args.root.resolve()
    try:
        if args.catalog:
            load_catalog(root / CATALOG)
            return 0
        if args.move:
            from .move import apply_move, plan_move

            for line in apply_move(root, plan_move(root, args.move, args.to, args.part)):
                print(line)
            return 0
        plan = plan_import(root)
        if args.check:
            changed = drift(root, plan)
            for line in changed:
                print(f"out of date: {line}", file=sys.stderr)
            return 1 if changed else 0
        for line in apply(root, plan):
            print(line)
    except SeedError as err:
        # paths as the editor names them: relative to the book's folder
        print("\n\n".join(f"error: {e.located(root)}" for e in err.errors), file=sys.stderr)
        return 1
    except OSError as err:
        # A file that cannot be read or written: each write is atomic, so every file is either
        # its old self or its new self, and the next run finishes the job.
        print(f"error: {shown(relative_to(str(err.filename or root), root))}:0: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
