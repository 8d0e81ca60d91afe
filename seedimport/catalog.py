"""The book's data file (chapters/book.toml): parts, chapters, line overrides, chrome."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def url(self) -> str | None:
        return f"https://kexue.fm/archives/{self.archive}" if self.archive else None

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


def load_catalog(path: Path) -> Catalog:
    """Read and check the data file; every problem names the file and what was expected."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise SeedError(path, getattr(err, "lineno", 0) or 0, f"not valid TOML: {err}") from None
    importer = data.get("importer", {})
    parts = tuple(Part(p["slug"], n) for n, p in enumerate(data.get("parts", []), start=1))
    by_slug = {p.slug: p for p in parts}
    # Chapters are numbered in part order, then in file order within a part.
    raw_chapters = data.get("chapters", [])
    for entry in raw_chapters:
        if entry.get("part") not in by_slug:
            raise SeedError(path, 0, f"chapter {entry.get('slug')!r}: part {entry.get('part')!r}; expected one of {sorted(by_slug)}")
    ordered = sorted(raw_chapters, key=lambda e: by_slug[e["part"]].number)
    chapters = tuple(
        Chapter(
            slug=e["slug"],
            part=by_slug[e["part"]],
            seed_title=e["title"],
            number=n,
            bibkey=e["bibkey"],
            archive=e.get("archive"),
        )
        for n, e in enumerate(ordered, start=1)
    )
    for attribute in ("slug", "seed_title", "bibkey"):
        values = [getattr(c, attribute) for c in chapters]
        duplicates = {v for v in values if values.count(v) > 1}
        if duplicates:
            raise SeedError(path, 0, f"duplicate chapter {attribute} {sorted(duplicates)}; expected each once")
    overrides: dict[str, dict[int, str]] = {}
    for entry in data.get("overrides", []):
        Kind(entry["kind"])  # a typo in a kind fails here, not later
        overrides.setdefault(entry["seed"], {})[int(entry["line"])] = entry["kind"]
    for seed, lines in overrides.items():
        if len(lines) > MAX_OVERRIDES_PER_SEED:
            raise SeedError(path, 0, f"{len(lines)} line overrides for {seed}; at most {MAX_OVERRIDES_PER_SEED}: improve the rules instead")
    return Catalog(
        path=path,
        parts=parts,
        chapters=chapters,
        overrides=overrides,
        chrome_lines=frozenset(importer.get("chrome_lines", [])),
        source_name=importer.get("source_name", ""),
        source_site=importer.get("source_site", ""),
        licence=importer.get("licence", ""),
    )
