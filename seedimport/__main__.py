"""``python -m seedimport [--root DIR] [--check]``: import every listing in seeds/.

Everything is parsed and rendered in memory first; only then are files written, each atomically,
so bad input leaves the tree exactly as it was.  A hand-written chapter file is created the first
time and never touched again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, load_catalog
from .errors import SeedError, shown
from .parse import read_listing
from .render import render_card, render_chapter_skeleton, render_excerpt
from .suggest import missing_entry_message

CATALOG = Path("chapters/book.toml")
GENERATED = Path("chapters/_generated")


@dataclass(frozen=True)
class Plan:
    """What an import would write: generated files (always) and chapter skeletons (if missing)."""

    generated: dict[Path, str]
    skeletons: dict[Path, str]


def plan_import(root: Path) -> Plan:
    """Parse every seed and render every file, writing nothing."""
    catalog: Catalog = load_catalog(root / CATALOG)
    generated: dict[Path, str] = {}
    skeletons: dict[Path, str] = {}
    imported: set[str] = set()
    for seed in sorted((root / "seeds").glob("*.txt")):
        if not seed.name.isprintable():
            raise SeedError(seed, 0, "file name with a control character or undecodable bytes; expected a plain name")
        articles, _ = read_listing(seed, catalog.overrides.get(seed.name), catalog.chrome_lines)
        for article in articles:
            chapter = catalog.chapter_for(article.title)
            if chapter is None:
                raise SeedError(seed, article.title_line, missing_entry_message(article, catalog, str(CATALOG)))
            if chapter.slug in imported:
                raise SeedError(seed, article.title_line, f"article {article.title!r} appears in two listings; expected once")
            imported.add(chapter.slug)
            generated[root / GENERATED / f"{chapter.slug}-card.md"] = render_card(article, chapter, catalog, seed.name)
            generated[root / GENERATED / f"{chapter.slug}-excerpt.md"] = render_excerpt(article, chapter, seed.name)
            skeletons[root / f"{chapter.docname}.md"] = render_chapter_skeleton(chapter)
    missing = [c.slug for c in catalog.chapters if c.slug not in imported]
    if missing:
        raise SeedError(root / CATALOG, 0, f"chapters {missing} have no article in seeds/; expected a listing that holds them")
    return Plan(generated, skeletons)


def write_atomically(path: Path, text: str, *, replace: bool = True) -> bool:
    """Write ``text`` to a temporary file beside ``path``, then move it into place in one step.

    With ``replace=False`` an existing file is never touched (a hard link fails where a file
    exists, even one created a moment ago by an editor); returns whether the file was written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: an exclusive create is no-clobber too
            try:
                with open(path, "x", encoding="utf-8", newline="\n") as stream:
                    stream.write(text)
            except FileExistsError:
                return False
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)


def _differs(path: Path, text: str) -> bool:
    return not path.is_file() or path.read_bytes() != text.encode("utf-8")


def stale_generated(root: Path, plan: Plan) -> list[Path]:
    folder = root / GENERATED
    return sorted(p for p in folder.glob("*.md") if p not in plan.generated) if folder.is_dir() else []


def apply(root: Path, plan: Plan) -> list[str]:
    """Write what changed; return a line per file written or removed."""
    report = []
    for path, text in plan.generated.items():
        if _differs(path, text):
            write_atomically(path, text)
            report.append(f"wrote {path.relative_to(root)}")
    for path, text in plan.skeletons.items():
        if not path.exists() and not path.is_symlink() and write_atomically(path, text, replace=False):
            report.append(f"created {path.relative_to(root)} (hand-written from now on)")
    for path in stale_generated(root, plan):
        path.unlink()
        report.append(f"removed {path.relative_to(root)} (no article)")
    return report


def drift(root: Path, plan: Plan) -> list[str]:
    """Files that differ from what the importer would write now."""
    out = [str(p.relative_to(root)) for p, t in plan.generated.items() if _differs(p, t)]
    out += [f"{p.relative_to(root)} (missing)" for p in plan.skeletons if not p.exists()]
    out += [f"{p.relative_to(root)} (stale)" for p in stale_generated(root, plan)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seedimport", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's folder (default: .)")
    parser.add_argument("--check", action="store_true", help="write nothing; fail if any file would change")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        plan = plan_import(root)
        if args.check:
            changed = drift(root, plan)
            for line in changed:
                print(f"out of date: {line}", file=sys.stderr)
            return 1 if changed else 0
        for line in apply(root, plan):
            print(line)
    except SeedError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        # A file that cannot be read or written: each write is atomic, so every file is either
        # its old self or its new self, and the next run finishes the job.
        print(f"error: {shown(str(err.filename or root))}:0: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
