"""What to tell the editor when a listing holds an article that chapters/book.toml does not list."""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import urlsplit

from .catalog import Catalog
from .model import Article

LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+")


def _pinyin(text: str) -> list[str]:
    try:
        from pypinyin import lazy_pinyin  # the book's own requirement; the importer runs without it
    except ImportError:
        return []
    return [w for w in lazy_pinyin(text) if w.isascii() and w.isalnum()]


def suggest_slug(article: Article, catalog: Catalog) -> str:
    """A slug from the title's Latin words (or its pinyin), unique in the catalog."""
    words = [w.lower() for w in LATIN_WORD_RE.findall(article.title)]
    if not words:
        words = [w.lower() for w in _pinyin(article.title)][:4]
    base = "-".join(words)[:40].strip("-") or f"article-{article.date:%Y%m%d}"
    taken = {c.slug for c in catalog.chapters}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
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


def missing_entry_message(article: Article, catalog: Catalog, catalog_name: str) -> str:
    """The error text: what is missing, and a [[chapters]] entry ready to paste."""
    slug = suggest_slug(article, catalog)
    parts = ", ".join(p.slug for p in catalog.parts)
    default_part = catalog.parts[-1].slug if catalog.parts else "PART"
    lines = [
        f"article {article.title!r} ({article.author}, {article.date}) is not in {catalog_name}; "
        "expected a [[chapters]] entry with this title. Add (and adjust) this entry:",
        "",
        "[[chapters]]",
        f"slug = {json.dumps(slug)}",
        f"part = {json.dumps(default_part)}  # one of: {parts}",
        f"title = {json.dumps(article.title, ensure_ascii=False)}",
        f"bibkey = {json.dumps(bibkey_prefix(catalog) + slug)}  # and add this entry to references.bib",
        f"# archive = 1234  # the article's archive ID on {catalog.source_site or 'the blog'}, if known",
    ]
    near = near_titles(article, catalog)
    if near:
        lines += ["", f"{catalog_name} has {near[0]!r}: the title must be the seed's, exactly as scraped."]
    return "\n".join(lines)
