"""Which output a build makes: each output's code asks here, by builder name, never by format.

``builder.format == "html"`` also holds for the EPUB, singlehtml and dirhtml builders, so the
site's additions (404 page, robots.txt, PDF link, page metadata, KaTeX's web assets) would follow
into an EPUB, where they are dead links or invalid.  One question per output, decided here.
"""

from __future__ import annotations

from sphinx.builders import Builder

HTML_SITE_BUILDERS = frozenset({"html"})  # the web book (`make html`)
EPUB_BUILDERS = frozenset({"epub"})  # the EPUB 3 book (`make epub`)


def is_html_site(builder: Builder | None) -> bool:
    """The web book: the HTML builder by name."""
    return builder is not None and builder.name in HTML_SITE_BUILDERS


def is_epub(builder: Builder | None) -> bool:
    """The EPUB 3 book."""
    return builder is not None and builder.name in EPUB_BUILDERS
