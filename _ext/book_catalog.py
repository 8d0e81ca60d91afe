"""The catalog (chapters/book.toml) as the Sphinx extensions see it: loaded once per build."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from seedimport.catalog import Catalog, load_catalog

CATALOG_FILE = "chapters/book.toml"


def catalog(app: Sphinx) -> Catalog:
    """The book's catalog, read from the source folder (cached on the app)."""
    cached = getattr(app, "_book_catalog", None)
    if cached is None:
        cached = load_catalog(Path(app.srcdir) / CATALOG_FILE)
        app._book_catalog = cached  # type: ignore[attr-defined]
    return cached
