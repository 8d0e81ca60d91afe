"""The import, planned and applied: every listing in seeds/ parsed and rendered in memory first.

Only then are files written, each atomically, so bad input leaves the tree exactly as it was.  A
hand-written chapter file is created the first time and never touched again.  The command line
is :mod:`kexuebook.importer.__main__` (``make import``).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..catalog import Catalog, load_catalog
from .decode import decode
from .errors import SeedError, raise_all
from .parse import LineKind, parse_listing
from .render import render_card, render_chapter_skeleton, render_excerpt
from .suggest import missing_entry_message

CATALOG = Path("chapters/book.toml")
SEEDS = Path("seeds")
GENERATED = Path("chapters/_generated")


@dataclass(frozen=True)
class Plan:
    """What an import would write: generated files (always) and chapter skeletons (if missing)."""

    generated: dict[Path, str]
    skeletons: dict[Path, str]


def seed_files(root: Path) -> list[Path]:
    """The listings in seeds/, in name order; a file the importer cannot take with certainty is refused.

    Refused: a name ending in '.txt' in another case ('.TXT' would be skipped silently on one
    machine and read on another), a symbolic link out of seeds/ (the book would depend on a file
    outside it), a '.txt' that is no file, a name with a control character.
    """
    folder = root / SEEDS
    if not folder.is_dir():
        raise SeedError(folder, 0, "no seeds/ folder; expected the scraped listings in seeds/")
    inside = folder.resolve()
    seeds: list[Path] = []
    errors: list[SeedError] = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() != ".txt":
            continue
        if not entry.name.isprintable():
            errors.append(SeedError(entry, 0, "file name with a control character or undecodable bytes; expected a plain name"))
        elif entry.suffix != ".txt":
            errors.append(SeedError(entry, 0, f"extension {entry.suffix!r}; expected '.txt' in lower case (rename the file)"))
        elif entry.is_symlink() and inside not in entry.resolve().parents:
            errors.append(SeedError(entry, 0, "a symbolic link to a file outside seeds/; expected the listing itself in seeds/"))
        elif not entry.is_file():
            errors.append(SeedError(entry, 0, "not a file (a folder or a broken link); expected a listing"))
        else:
            seeds.append(entry)
    raise_all(errors)
    return seeds


def _line_kinds(kinds: list[LineKind], count: int) -> dict[int, str]:
    """What each line of a listing is, in words, for an override that names it."""
    named = {k.line: k.kind for k in kinds}
    return {n: named.get(n, "blank") for n in range(1, count + 1)}


def override_errors(catalog: Catalog, seeds: list[Path], read: dict[str, tuple[list, list[LineKind], int]]) -> list[SeedError]:
    """An override must name a seed file, and a line of it that starts a block of an article."""
    errors = []
    names = [seed.name for seed in seeds]
    for override in catalog.override_entries:
        if override.seed not in names:
            close = difflib.get_close_matches(override.seed, names, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append(SeedError(
                catalog.path, override.at, f"[[overrides]] entry: seed = {override.seed!r} names no file in seeds/{hint}; expected one of: {', '.join(names)}",
            ))
            continue
        if override.seed not in read:
            continue  # that listing failed to parse: its own error says why
        articles, kinds, count = read[override.seed]
        starts = {block.line for article in articles for block in article.blocks}
        if override.line not in starts:
            what = "past the end of the file" if override.line > count else f"a {_line_kinds(kinds, count)[override.line]} line"
            errors.append(SeedError(
                catalog.path, override.at,
                f"[[overrides]] entry: line {override.line} of {override.seed} is {what}; expected the line of a paragraph, heading or quotation",
            ))
    return errors


def plan_import(root: Path, catalog: Catalog | None = None) -> Plan:
    """Parse every seed and render every file, writing nothing.

    Every problem found is reported at once (each listing that does not parse, each article
    that book.toml lacks, each override that names no line), so one run shows the editor all.
    ``catalog``: the one to import with (default: chapters/book.toml as it is on disk).
    """
    catalog = catalog or load_catalog(root / CATALOG)
    seeds = seed_files(root)
    generated: dict[Path, str] = {}
    skeletons: dict[Path, str] = {}
    imported: set[str] = set()
    errors: list[SeedError] = []
    read: dict[str, tuple[list, list[LineKind], int]] = {}
    suggested: set[str] = set()
    for seed in seeds:
        try:
            lines = decode(seed.read_bytes(), seed)
            articles, kinds = parse_listing(lines, seed, catalog.overrides.get(seed.name), catalog.chrome_lines)
        except SeedError as err:
            errors.append(err)
            continue
        read[seed.name] = (articles, kinds, len(lines))
        for article in articles:
            chapter = catalog.chapter_for(article.title)
            if chapter is None:
                errors.append(SeedError(seed, article.title_line, missing_entry_message(article, catalog, str(CATALOG), suggested)))
                continue
            if chapter.slug in imported:
                errors.append(SeedError(seed, article.title_line, f"article {article.title!r} appears in two listings; expected once"))
                continue
            imported.add(chapter.slug)
            generated[root / GENERATED / f"{chapter.slug}-card.md"] = render_card(article, chapter, catalog, seed.name)
            generated[root / GENERATED / f"{chapter.slug}-excerpt.md"] = render_excerpt(article, chapter, seed.name)
            skeletons[root / f"{chapter.docname}.md"] = render_chapter_skeleton(chapter)
    errors += override_errors(catalog, seeds, read)
    if len(read) == len(seeds):  # with a listing unread, its chapters would be reported missing wrongly
        errors += [
            SeedError(catalog.path, c.at, f"chapter {c.slug!r} ({c.seed_title!r}) has no article in seeds/; expected a listing that holds it, or remove the entry")
            for c in catalog.chapters
            if c.slug not in imported
        ]
    raise_all(errors)
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

