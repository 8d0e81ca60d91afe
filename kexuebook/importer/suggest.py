"""What to tell the editor when a listing holds an article that chapters/book.toml does not list."""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import urlsplit

from ..catalog import Catalog
from .model import Article

LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+")


def _pinyin(text: str) -> list[str]:
    try:
        from pypinyin import lazy_pinyin  # the book's own requirement; the importer runs without it
    except ImportError:
        return []
    return [w for w in lazy_pinyin(text) if w.isascii() and w.isalnum()]


def suggest_slug(article: Article, catalog: Catalog, taken: set[str] | None = None) -> str:
    """A slug from the title's Latin words (or its pinyin), unique in the catalog and in ``taken``
    (the slugs already suggested in this run, which the new one joins)."""
    words = [w.lower() for w in LATIN_WORD_RE.findall(article.title)]
    if not words:
        words = [w.lower() for w in _pinyin(article.title)][:4]
    base = "-".join(words)[:40].strip("-") or f"article-{article.date:%Y%m%d}"
    taken = taken if taken is not None else set()
    used = taken | {c.slug for c in catalog.chapters}
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def bibkey_prefix(catalog: Catalog) -> str:
    """The book's key convention: the blog's host name without dots (kexue.fm -> kexuefm-)."""
    host = urlsplit(catalog.source_site).hostname or ""
    return re.sub(r"[^a-z0-9]", "", host.lower().removeprefix("www.")) + "-" if host else ""


def near_titles(article: Article, catalog: Catalog) -> list[str]:
    """Catalog titles that differ from the seed title only in width or spacing (（）vs ())."""

    def fold(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    return [c.seed_title for c in catalog.chapters if fold(c.seed_title) == fold(article.title)]


def missing_entry_message(article: Article, catalog: Catalog, catalog_name: str, taken: set[str] | None = None) -> str:
    """The error text: what is missing, and a [[chapters]] entry ready to paste.

    The part is left empty for the editor to choose (the choices are listed): a default would
    file the chapter silently under a part nobody chose, and the empty one is refused until filled.
    """
    slug = suggest_slug(article, catalog, taken)
    parts = ", ".join(p.slug for p in catalog.parts)
    choose = f"fill in one of: {parts}" if parts else "add a [[parts]] entry first"
    lines = [
        f"article {article.title!r} ({article.author}, {article.date}) is not in {catalog_name}; "
        "expected a [[chapters]] entry with this title. Add (and adjust) this entry:",
        "",
        "[[chapters]]",
        f"slug = {json.dumps(slug)}",
        f'part = ""  # {choose}',
        f"title = {json.dumps(article.title, ensure_ascii=False)}",
        f"bibkey = {json.dumps(bibkey_prefix(catalog) + slug)}  # and add this entry to references.bib",
        f"# archive = 1234  # the article's archive ID on {catalog.source_site or 'the blog'}, if known",
    ]
    near = near_titles(article, catalog)
    if near:
        lines += ["", f"{catalog_name} has {near[0]!r}: the title must be the seed's, exactly as scraped."]
    return "\n".join(lines)
