"""The book's data file (chapters/book.toml): parts, chapters, line overrides, chrome."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .importer.errors import SeedError, raise_all
from .importer.numerals import chinese_numeral
from .importer.schema import schema_errors
from .importer.toml_lines import key_lines, line_of

MAX_OVERRIDES_PER_SEED = 2
COUNT = "{count}"  # in [book] subtitle: the number of chapters


@dataclass(frozen=True)
class Part:
    slug: str
    number: int  # 1-based, in book order


@dataclass(frozen=True)
class Chapter:
    slug: str
    part: Part
    seed_title: str
    number: int  # 1-based, straight through the parts
    bibkey: str
    archive: int | None = None
    site: str = ""  # the blog's address (importer.source_site in book.toml)
    at: int = 0  # the line of its [[chapters]] entry in book.toml

    @property
    def url(self) -> str | None:
        return f"{self.site.rstrip('/')}/archives/{self.archive}" if self.archive and self.site else None

    @property
    def docname(self) -> str:
        return f"chapters/{self.part.slug}/{self.slug}"


@dataclass(frozen=True)
class Override:
    """One [[overrides]] entry: a seed line's kind, and where the entry is written (``at``)."""

    seed: str
    line: int
    kind: str
    at: int


@dataclass(frozen=True)
class Catalog:
    path: Path
    title: str  # [book] title
    subtitle_form: str  # [book] subtitle, with {count} for the number of chapters (may be "")
    parts: tuple[Part, ...]
    chapters: tuple[Chapter, ...]
    overrides: dict[str, dict[int, str]]  # seed file name -> line -> kind
    override_entries: tuple[Override, ...]
    chrome_lines: frozenset[str]
    source_name: str
    source_site: str
    licence: str

    @property
    def subtitle(self) -> str:
        """The subtitle with the chapters counted: 机器学习九篇注解 once a ninth article is listed."""
        return self.subtitle_form.replace(COUNT, chinese_numeral(len(self.chapters), count=True))

    @property
    def full_title(self) -> str:
        """Title and subtitle as the HTML and the PDF's metadata show them: 科学空间选读：机器学习八篇注解."""
        return f"{self.title}：{self.subtitle}" if self.subtitle else self.title

    def chapter_for(self, seed_title: str) -> Chapter | None:
        return next((c for c in self.chapters if c.seed_title == seed_title), None)

    def chapter_at(self, docname: str) -> Chapter | None:
        """The chapter whose page is ``docname`` (None for the cover, a part page, the matter)."""
        return next((c for c in self.chapters if c.docname == docname), None)

    def chapters_of(self, part: Part) -> list[Chapter]:
        return [c for c in self.chapters if c.part == part]


def _duplicates(path: Path, lines: dict, what: str, values: list[tuple[tuple, str]]) -> list[SeedError]:
    """An error at each repeat of a value that must be unique (``values``: (place, value))."""
    first: dict[str, int] = {}
    errors = []
    for place, value in values:
        line = line_of(lines, place)
        if value in first:
            errors.append(SeedError(path, line, f"duplicate {what} {value!r} (first at line {first[value]}); expected each once"))
        else:
            first[value] = line
    return errors


def _read_toml(path: Path, text: str | None = None) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8") if text is None else text
        return text, tomllib.loads(text)
    except UnicodeDecodeError as err:
        raise SeedError(path, 0, f"not UTF-8 (byte 0x{err.object[err.start]:02x}); expected UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as err:
        where = re.search(r"at line (\d+)", str(err))
        raise SeedError(path, int(where.group(1)) if where else 0, f"not valid TOML: {err}") from None


def load_catalog(path: Path, text: str | None = None) -> Catalog:
    """Read and check the data file; every problem names the file, the line and what was expected.

    All problems of the file are reported at once (a :class:`SeedErrors`), in file order.
    ``text``: the file's text as it is about to be written (checked before it replaces ``path``).
    """
    text, data = _read_toml(path, text)
    raise_all(schema_errors(data, text, str(path)))
    lines = key_lines(text)
    errors: list[SeedError] = []
    importer = data["importer"]
    parts = tuple(Part(entry["slug"], n) for n, entry in enumerate(data.get("parts", []), start=1))
    by_slug = {p.slug: p for p in parts}
    raw_chapters = []
    for index, entry in enumerate(data.get("chapters", [])):
        part = by_slug.get(entry["part"])
        if part is None:
            what = "is not filled in" if not entry["part"].strip() else "names no part"
            errors.append(SeedError(
                path, line_of(lines, ("chapters", index, "part")),
                f"chapter {entry['slug']!r}: part = {entry['part']!r} {what}; expected one of the [[parts]]: {', '.join(by_slug) or '(none yet)'}",
            ))
            continue
        raw_chapters.append((part, index, entry))
    # Chapters are numbered in part order, then in file order within a part.
    ordered = sorted(raw_chapters, key=lambda e: e[0].number)
    chapters = tuple(
        Chapter(
            slug=entry["slug"], part=part, seed_title=entry["title"], number=n, bibkey=entry["bibkey"],
            archive=entry.get("archive"), site=importer["source_site"], at=line_of(lines, ("chapters", index)),
        )
        for n, (part, index, entry) in enumerate(ordered, start=1)
    )
    entries = list(enumerate(data.get("chapters", [])))
    for key, what in (("slug", "chapter slug"), ("title", "chapter title"), ("bibkey", "chapter bibkey")):
        errors += _duplicates(path, lines, what, [(("chapters", i, key), e[key]) for i, e in entries])
    errors += _duplicates(path, lines, "part slug", [(("parts", i, "slug"), e["slug"]) for i, e in enumerate(data.get("parts", []))])
    overrides: dict[str, dict[int, str]] = {}
    entries_of: list[Override] = []
    for index, entry in enumerate(data.get("overrides", [])):
        at = line_of(lines, ("overrides", index))
        if entry["line"] in overrides.get(entry["seed"], {}):
            errors.append(SeedError(path, at, f"second override for {entry['seed']} line {entry['line']}; expected one per line"))
            continue
        overrides.setdefault(entry["seed"], {})[entry["line"]] = entry["kind"]
        entries_of.append(Override(entry["seed"], entry["line"], entry["kind"], at))
    for seed, seed_lines in overrides.items():
        if len(seed_lines) > MAX_OVERRIDES_PER_SEED:
            first = next(o.at for o in entries_of if o.seed == seed)
            errors.append(SeedError(
                path, first, f"{len(seed_lines)} line overrides for {seed}; at most {MAX_OVERRIDES_PER_SEED}: improve the rules instead",
            ))
    raise_all(sorted(errors, key=lambda e: e.line))
    book = data["book"]
    return Catalog(
        path=path,
        title=book["title"],
        subtitle_form=book.get("subtitle", ""),
        parts=parts,
        chapters=chapters,
        overrides=overrides,
        override_entries=tuple(entries_of),
        chrome_lines=frozenset(importer.get("chrome_lines", [])),
        source_name=importer["source_name"],
        source_site=importer["source_site"],
        licence=importer["licence"],
    )
