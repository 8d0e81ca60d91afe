"""Which output a build makes: each output's code asks here, never the builder itself.

``builder.format == "html"`` also holds for the EPUB, singlehtml and dirhtml builders, so the
site's additions (404 page, robots.txt, PDF link, page metadata, KaTeX's web assets) ask by
builder name (:func:`is_html_site`), or they would follow into an EPUB, where they are dead links
or invalid.  What every HTML page carries, the EPUB's too (line breaks beside math, part titles,
figure links ...), asks :func:`writes_html_pages`.  One question per output, decided here.
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


def writes_html_pages(builder: Builder | None) -> bool:
    """Any builder whose pages are HTML: the web book, the EPUB's pages, singlehtml, dirhtml."""
    return builder is not None and builder.format == "html"
