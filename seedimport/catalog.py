"""The book's data file (chapters/book.toml): parts, chapters, line overrides, chrome."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SeedError
from .model import Kind

MAX_OVERRIDES_PER_SEED = 2


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

    @property
    def url(self) -> str | None:
        return f"{self.site.rstrip('/')}/archives/{self.archive}" if self.archive and self.site else None

    @property
    def docname(self) -> str:
        return f"chapters/{self.part.slug}/{self.slug}"


@dataclass(frozen=True)
class Catalog:
    path: Path
    parts: tuple[Part, ...]
    chapters: tuple[Chapter, ...]
    overrides: dict[str, dict[int, str]]
    chrome_lines: frozenset[str]
    source_name: str
    source_site: str
    licence: str

    def chapter_for(self, seed_title: str) -> Chapter | None:
        return next((c for c in self.chapters if c.seed_title == seed_title), None)

    def chapters_of(self, part: Part) -> list[Chapter]:
        return [c for c in self.chapters if c.part == part]


# A pattern and how an error message describes it.
SLUG = (re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*"), "lowercase letters and digits in words joined by '-' (like my-article)")
BIBKEY = (re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]*"), "a references.bib key: letters, digits, '_', '.', ':', '-'")
# The blog's address, which archive IDs are appended to (it becomes a link on every card).
SITE_RE = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%/-]*)?")
# Kinds an override may give a line: the ones no rule can tell apart (never math or a title).
OVERRIDE_KINDS = frozenset({Kind.QUOTE, Kind.HEADING, Kind.PARAGRAPH, Kind.LINK_TITLE})


def _table_lines(text: str, name: str) -> list[int]:
    """The line of each ``[[name]]`` header, so an error can point at its entry."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]


class _Tables:
    """The entries of one array of tables, each with the line its header is on."""

    def __init__(self, path: Path, data: dict, text: str, name: str) -> None:
        self.path, self.name = path, name
        entries = data.get(name, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise SeedError(path, 0, f"'{name}' must be an array of tables; expected [[{name}]] entries")
        lines = _table_lines(text, name)
        self.items = [(e, lines[i] if i < len(lines) else 0) for i, e in enumerate(entries)]

    def field(self, entry: dict, line: int, key: str, kind: type, pattern: tuple[re.Pattern[str], str] | None = None, required: bool = True) -> Any:
        value = entry.get(key)
        if value is None and not required:
            return None
        what = f"[[{self.name}]] entry"
        if value is None:
            raise SeedError(self.path, line, f"{what} has no '{key}'; expected {key} = ...")
        if kind is int and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise SeedError(self.path, line, f"{what}: {key} = {value!r}; expected a whole number > 0")
        if kind is str and (not isinstance(value, str) or not value.strip()):
            raise SeedError(self.path, line, f"{what}: {key} = {value!r}; expected a non-empty string")
        if pattern is not None and not pattern[0].fullmatch(value):
            raise SeedError(self.path, line, f"{what}: {key} = {value!r}; expected {pattern[1]}")
        return value


def load_catalog(path: Path) -> Catalog:
    """Read and check the data file; every problem names the file, the line and what was expected."""
    try:
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as err:
        raise SeedError(path, 0, f"not UTF-8 (byte 0x{err.object[err.start]:02x}); expected UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as err:
        where = re.search(r"at line (\d+)", str(err))
        raise SeedError(path, int(where.group(1)) if where else 0, f"not valid TOML: {err}") from None
    importer = data.get("importer", {})
    if not isinstance(importer, dict):
        raise SeedError(path, 0, "'importer' must be a table; expected [importer]")
    part_tables = _Tables(path, data, text, "parts")
    parts = tuple(Part(part_tables.field(e, line, "slug", str, SLUG), n) for n, (e, line) in enumerate(part_tables.items, start=1))
    by_slug = {p.slug: p for p in parts}
    # Chapters are numbered in part order, then in file order within a part.
    chapter_tables = _Tables(path, data, text, "chapters")
    raw_chapters = []
    for entry, line in chapter_tables.items:
        slug = chapter_tables.field(entry, line, "slug", str, SLUG)
        part = chapter_tables.field(entry, line, "part", str)
        if part not in by_slug:
            raise SeedError(path, line, f"chapter {slug!r}: part {part!r}; expected one of {sorted(by_slug)}")
        title = chapter_tables.field(entry, line, "title", str)
        bibkey = chapter_tables.field(entry, line, "bibkey", str, BIBKEY)
        archive = chapter_tables.field(entry, line, "archive", int, required=False)
        raw_chapters.append((by_slug[part], slug, title, bibkey, archive))
    site = importer.get("source_site", "")
    if any(entry[4] for entry in raw_chapters) and not (isinstance(site, str) and SITE_RE.fullmatch(site)):
        raise SeedError(path, 0, f"importer.source_site = {site!r}; expected the blog's https:// address, which archive IDs link to")
    ordered = sorted(raw_chapters, key=lambda e: e[0].number)
    chapters = tuple(
        Chapter(slug=slug, part=part, seed_title=title, number=n, bibkey=bibkey, archive=archive, site=site)
        for n, (part, slug, title, bibkey, archive) in enumerate(ordered, start=1)
    )
    checks = [(f"chapter {a}", [getattr(c, a) for c in chapters]) for a in ("slug", "seed_title", "bibkey")]
    for what, values in [*checks, ("part slug", [p.slug for p in parts])]:
        duplicates = {v for v in values if values.count(v) > 1}
        if duplicates:
            raise SeedError(path, 0, f"duplicate {what} {sorted(duplicates)}; expected each once")
    overrides: dict[str, dict[int, str]] = {}
    override_tables = _Tables(path, data, text, "overrides")
    for entry, line in override_tables.items:
        seed = override_tables.field(entry, line, "seed", str)
        number = override_tables.field(entry, line, "line", int)
        kind = override_tables.field(entry, line, "kind", str)
        if kind not in {k.value for k in OVERRIDE_KINDS}:
            raise SeedError(path, line, f"override kind {kind!r}; expected one of {sorted(k.value for k in OVERRIDE_KINDS)}")
        overrides.setdefault(seed, {})[number] = kind
    for seed, lines in overrides.items():
        if len(lines) > MAX_OVERRIDES_PER_SEED:
            raise SeedError(path, 0, f"{len(lines)} line overrides for {seed}; at most {MAX_OVERRIDES_PER_SEED}: improve the rules instead")
    chrome = importer.get("chrome_lines", [])
    if not isinstance(chrome, list) or not all(isinstance(c, str) for c in chrome):
        raise SeedError(path, 0, "importer.chrome_lines must be a list of strings")
    strings = {key: importer.get(key, "") for key in ("source_name", "source_site", "licence")}
    if not all(isinstance(v, str) for v in strings.values()):
        raise SeedError(path, 0, "importer.source_name, source_site and licence must be strings")
    return Catalog(
        path=path,
        parts=parts,
        chapters=chapters,
        overrides=overrides,
        chrome_lines=frozenset(chrome),
        **strings,
    )
