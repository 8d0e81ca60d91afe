"""The catalog (chapters/book.toml) as the Sphinx extensions see it: read again whenever it changes.

The live preview keeps one Sphinx application across builds, so a catalog read once would go
stale: an edit of book.toml (a new chapter, another order) must re-number the next build.  The
cache is keyed by the file's size and modification time.  A catalog that does not load is a
Sphinx error carrying the importer's own message (``chapters/book.toml:LINE: ...``).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import SphinxError

from kexuebook.catalog import Catalog, load_catalog
from kexuebook.importer.errors import SeedError

CATALOG_FILE = "chapters/book.toml"


class CatalogError(SphinxError):
    category = "Error in chapters/book.toml"


def catalog(app: Sphinx) -> Catalog:
    """The book's catalog as the file says now (read again only when the file has changed)."""
    path = Path(app.srcdir) / CATALOG_FILE
    try:
        stat = path.stat()
    except OSError as err:
        raise CatalogError(f"{CATALOG_FILE}:0: {err.strerror}") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = getattr(app, "_book_catalog", None)
    if cached is None or cached[0] != stamp:
        try:
            cached = (stamp, load_catalog(path))
        except SeedError as err:
            raise CatalogError("\n".join(e.located(app.srcdir) for e in err.errors)) from None
        app._book_catalog = cached  # type: ignore[attr-defined]
    return cached[1]
