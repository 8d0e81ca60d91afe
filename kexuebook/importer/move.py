"""Rename a chapter's slug or move it to another part, taking the hand-written file with it.

``python -m kexuebook.importer --move SLUG [--to NEW_SLUG] [--part PART]`` (``make move CHAPTER=SLUG
TO=NEW PART=PART``).  Changing ``slug`` or ``part`` in book.toml by hand would leave the written
chapter behind and make the importer create an empty skeleton at the new place; this does the
whole change at once:

- book.toml: the entry's ``slug`` and ``part`` (nothing else of the file changes);
- the chapter file moves to ``chapters/<part>/<slug>.md``; its includes name the new generated
  files, and its chapter-keyed citations (``{cite:p}`OLD-key```) the new slug;
- the labels the importer makes from the slug (``chapter-OLD``, ``OLD-excerpt``, ``OLD-tag-…``,
  ``OLD-seed-…``) are renamed wherever the book's own pages refer to them;
- the generated files are written again under the new slug (the old ones are removed).

Everything is checked first (the new book.toml must load, the import must succeed, the target
must be free); only then are files written, each atomically.  Labels the editor wrote are the
editor's and keep their names; figure scripts stay where they are (their paths still work).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..catalog import Catalog, Chapter, load_catalog
from .errors import SeedError
from .schema import SLUG_EXPECTED, SLUG_PATTERN
from .toml_lines import key_lines

# The book's own pages: where a label made from a slug may be referred to.
PAGES = ("*.md", "chapters/*/*.md")
CITE_ROLE_RE = re.compile(r"(\{cite(?::[a-z]+)?\}`)([^`]*)(`)")


@dataclass(frozen=True)
class Move:
    """What a move writes: new texts by path, and the chapter file it leaves."""

    texts: dict[Path, str]
    old_file: Path
    new_file: Path
    catalog: Catalog


def _entry_index(catalog: Catalog, text: str, chapter: Chapter) -> int:
    lines = key_lines(text)
    return next(i for i in range(len(catalog.chapters)) if lines.get(("chapters", i)) == chapter.at)


def _set_value(text: str, line: int, key: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line - 1], count = re.subn(rf'^(\s*{key}\s*=\s*)("[^"\n]*"|\'[^\'\n]*\')', rf'\g<1>"{value}"', lines[line - 1])
    if count != 1:
        raise SeedError("chapters/book.toml", line, f"cannot rewrite {key} here; expected {key} = \"...\" on one line")
    return "".join(lines)


def renamed_labels(text: str, old: str, new: str) -> str:
    """``text`` with the labels the importer makes from slug ``old`` made from ``new``."""
    text = re.sub(rf"(?<![\w-])chapter-{re.escape(old)}(?![\w-])", f"chapter-{new}", text)
    return re.sub(rf"(?<![\w-]){re.escape(old)}-(excerpt|tag-[0-9a-z-]+|seed-[0-9]+)(?![\w-])", rf"{new}-\1", text)


def _renamed_citations(text: str, old: str, new: str) -> str:
    def keys(match: re.Match[str]) -> str:
        inner = re.sub(rf"(^|,|\}})(\s*){re.escape(old)}-", rf"\1\2{new}-", match.group(2))
        return match.group(1) + inner + match.group(3)

    return CITE_ROLE_RE.sub(keys, text)


def plan_move(root: Path, slug: str, new_slug: str | None, part: str | None) -> Move:
    """Check the move and compute every text it writes; nothing is written."""
    from .plan import CATALOG, plan_import  # the importer's plan, with the new catalog

    path = root / CATALOG
    catalog = load_catalog(path)
    chapter = next((c for c in catalog.chapters if c.slug == slug), None)
    if chapter is None:
        slugs = [c.slug for c in catalog.chapters]
        close = difflib.get_close_matches(slug, slugs, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SeedError(path, 0, f"no chapter with slug {slug!r}{hint}; expected one of: {', '.join(slugs)}")
    new_slug = new_slug or chapter.slug
    new_part = part or chapter.part.slug
    if not re.fullmatch(SLUG_PATTERN, new_slug):
        raise SeedError(path, chapter.at, f"new slug {new_slug!r}; expected {SLUG_EXPECTED}")
    if new_slug != slug and any(c.slug == new_slug for c in catalog.chapters):
        raise SeedError(path, chapter.at, f"slug {new_slug!r} is taken by another chapter; expected a free slug")
    if new_part not in {p.slug for p in catalog.parts}:
        raise SeedError(path, chapter.at, f"part {new_part!r}; expected one of the [[parts]]: {', '.join(p.slug for p in catalog.parts)}")
    if (new_slug, new_part) == (slug, chapter.part.slug):
        raise SeedError(path, chapter.at, f"chapter {slug!r} is already {new_part}/{slug}; expected a new slug (--to) or part (--part)")
    old_file = root / f"{chapter.docname}.md"
    new_file = root / "chapters" / new_part / f"{new_slug}.md"
    if not old_file.is_file():
        raise SeedError(old_file, 0, "the chapter file is missing; expected it there (run make import to create it)")
    if new_file.exists():
        raise SeedError(new_file, 0, "a file is already there; expected the new place free")

    text = path.read_text(encoding="utf-8")
    index = _entry_index(catalog, text, chapter)
    lines = key_lines(text)
    new_text = _set_value(text, lines[("chapters", index, "slug")], "slug", new_slug)
    new_text = _set_value(new_text, lines[("chapters", index, "part")], "part", new_part)
    new_catalog = load_catalog(path, new_text)
    plan_import(root, new_catalog)  # the import must succeed with it (its errors say why not)

    texts: dict[Path, str] = {path: new_text}
    for pattern in PAGES:
        for page in sorted(root.glob(pattern)):
            if page == old_file or page.parent.name == "_generated":  # the importer writes those anew
                continue
            original = page.read_text(encoding="utf-8")
            changed = renamed_labels(original, slug, new_slug) if new_slug != slug else original
            if changed != original:
                texts[page] = changed
    mine = old_file.read_text(encoding="utf-8")
    if new_slug != slug:
        mine = mine.replace(f"../_generated/{slug}-card.md", f"../_generated/{new_slug}-card.md")
        mine = mine.replace(f"../_generated/{slug}-excerpt.md", f"../_generated/{new_slug}-excerpt.md")
        mine = _renamed_citations(renamed_labels(mine, slug, new_slug), slug, new_slug)
    texts[new_file] = mine
    return Move(texts, old_file, new_file, new_catalog)


def apply_move(root: Path, move: Move) -> list[str]:
    """Write the move (each file atomically), then the generated files; a line per change."""
    from .plan import apply, plan_import, write_atomically

    report = []
    if not write_atomically(move.new_file, move.texts[move.new_file], replace=False):
        raise SeedError(move.new_file, 0, "a file appeared there meanwhile; expected the new place free")
    report.append(f"moved {move.old_file.relative_to(root)} -> {move.new_file.relative_to(root)}")
    for path, text in move.texts.items():
        if path != move.new_file:
            write_atomically(path, text)
            report.append(f"rewrote {path.relative_to(root)}")
    move.old_file.unlink()
    return report + apply(root, plan_import(root))
