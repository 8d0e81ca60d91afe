"""Which files of the built site a reader needs offline, and their revisions.

The list is read from the built files themselves, not from globs: every HTML page, and every
local file a page loads (stylesheets, scripts, images, the search index, the web app manifest),
followed into the stylesheets (fonts, images).  A ``src:`` of ``@font-face`` names fallbacks in
order; a browser fetches the first it supports, so only the first one that exists is kept
(KaTeX's CSS also names .woff and .ttf files that the book does not ship).  Files a page only
links to (the PDF, the zip, the page sources) are not loaded by reading and are left out, and so
are the theme's assets that no page loads.

Pure functions of the output folder: the same files give the same list, byte for byte.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Folders of the output that hold no pages (theme templates are copied into _static as .html).
NOT_PAGES = ("_static/", "_sources/", "_downloads/", "_images/")
# Attributes through which a page loads a file while it is read (links to other pages are pages).
LOADS = {("link", "href"), ("script", "src"), ("img", "src"), ("object", "data"), ("embed", "src"),
         ("source", "src"), ("video", "poster"), ("image", "href"), ("use", "href")}
SRCSETS = {("img", "srcset"), ("source", "srcset")}
LINK_RELS_LOADED = {"stylesheet", "icon", "manifest", "preload", "apple-touch-icon"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
CSS_DECLARATION = re.compile(r"([-\w]+)\s*:\s*([^;{}]+)")


@dataclass(frozen=True)
class Entry:
    """One precached file: its path relative to the site root and a hash of its bytes."""

    path: str
    revision: str
    size: int


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value}
        if tag == "link" and not LINK_RELS_LOADED & set(values.get("rel", "").lower().split()):
            return
        for name, value in values.items():
            if (tag, name) in LOADS or (tag == "use" and name == "xlink:href"):
                self.urls.append(value)
            elif (tag, name) in SRCSETS:
                self.urls += [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]

    handle_startendtag = handle_starttag


def _local_path(url: str, referrer: str, site: Path) -> str | None:
    """The site-relative path a URL in ``referrer`` names, if it is a file of the site."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None  # another host, a data: URL, a fragment, or an address outside the book
    path = posixpath.normpath(posixpath.join(posixpath.dirname(referrer), unquote(parts.path)))
    if path.startswith("../") or path == "..":
        return None
    return path if (site / path).is_file() else None


def page_urls(html: str, _context: str = "") -> list[str]:
    """The URLs through which a page loads files while it is read, as written."""
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.urls


def page_references(html: str, page: str, site: Path, urls_of: Callable[[str], list[str]] = page_urls) -> list[str]:
    return [p for p in (_local_path(u, page, site) for u in urls_of(html)) if p]


def stylesheet_references(css: str, sheet: str, site: Path) -> list[str]:
    found = [p for p in (_local_path(m.group(2), sheet, site) for m in CSS_IMPORT.finditer(css)) if p]
    for name, value in CSS_DECLARATION.findall(css):
        paths = [p for p in (_local_path(m.group(2), sheet, site) for m in CSS_URL.finditer(value)) if p]
        found += paths[:1] if name.lower() == "src" else paths
    return found


def site_pages(site: Path) -> list[str]:
    """The site's pages (site-relative paths), without the files Sphinx keeps beside them."""
    pages = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith(NOT_PAGES))


def precache_entries(site: Path, extra: Sequence[str] = (), urls_of: Callable[[str], list[str]] = page_urls) -> list[Entry]:
    """Every page of ``site``, everything its pages load, and ``extra`` (site-relative paths).
    ``urls_of`` gives a page's URLs (:func:`page_urls`, or a cache of it)."""
    wanted: set[str] = set()
    todo = [*site_pages(site), *extra]
    while todo:
        path = todo.pop()
        if path in wanted:
            continue
        wanted.add(path)
        if path.endswith(".html"):
            todo += page_references((site / path).read_text(encoding="utf-8"), path, site, urls_of)
        elif path.endswith(".css"):
            todo += stylesheet_references((site / path).read_text(encoding="utf-8"), path, site)
    entries = []
    for path in sorted(wanted):
        data = (site / path).read_bytes()
        entries.append(Entry(path, hashlib.sha256(data).hexdigest()[:16], len(data)))
    return entries


def cache_version(entries: list[Entry]) -> str:
    """One hash of every path and revision: a new build with any change gets a new cache."""
    listing = "".join(f"{e.path}\t{e.revision}\n" for e in entries)
    return hashlib.sha256(listing.encode()).hexdigest()[:16]
