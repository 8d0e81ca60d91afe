"""The sidebar navigation is resolved once per part, not once per page.

pydata-sphinx-theme builds each page's sidebar by resolving every toctree of the book and parsing
the result with BeautifulSoup: at 300 synthetic chapters that was 14% of the build, and it grows
with chapters × chapters.  The chapters of a part share their folder, so their sidebars are the
same HTML but for which chapter is marked current.  The first chapter of a part written gets the
theme's own sidebar; every other chapter of that part gets a copy in which the mark is moved
from the one chapter's item to its own.  The copy is used only when both items are found exactly
once, in the form Sphinx writes them; any other page (the cover, a part page, the preface) gets
the theme's own.  The copies are kept for one build.  Each page's sidebar then has a long part's
list cut to the chapters around the page (nav_window.py).  The book's sidebar template
(_themes/kexue/sbt-sidebar-nav.html) calls ``shared_toctree_html`` with the theme's arguments.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.html.nav_window import NEIGHBOURS, bounded_sidebar

# A chapter's item in the sidebar, as Sphinx writes it for another page and for the page itself.
LINKED = '<li class="toctree-l2"><a class="reference internal" href="{href}">'
CURRENT = '<li class="toctree-l2 current active"><a class="current reference internal" href="#">'

# (page's folder, the theme function's arguments) -> (a page of that folder, its sidebar's HTML)
_sidebars: dict[tuple, tuple[str, str]] = {}


def moved_mark(html: str, marked: str, pagename: str) -> str | None:
    """The sidebar ``html`` of page ``marked`` with the current mark on ``pagename`` instead (both
    chapters of one folder), or None when the items are not exactly where Sphinx puts them."""
    theirs, ours = LINKED.format(href=f"{posixpath.basename(marked)}.html"), LINKED.format(href=f"{posixpath.basename(pagename)}.html")
    if html.count(CURRENT) != 1 or html.count(ours) != 1 or theirs in html:
        return None
    return html.replace(ours, "\0").replace(CURRENT, theirs).replace("\0", CURRENT)


def shared_sidebar(pagename: str, generate: Callable[..., object], neighbours: int = NEIGHBOURS) -> Callable[..., str]:
    """The theme's ``generate_toctree_html(kind="sidebar", ...)`` for this page, from the part's."""
    this_page: dict[tuple, str] = {}  # pydata-sphinx-theme renders the sidebar twice per page

    def shared_toctree_html(kind: str = "sidebar", startdepth: int = 1, show_nav_level: int = 1, **kwargs) -> str:
        if kind != "sidebar":  # the same signature as the theme's, so the template may call either
            return str(generate(kind, startdepth, show_nav_level, **kwargs))
        key = (posixpath.dirname(pagename), startdepth, show_nav_level, tuple(sorted(kwargs.items())))
        if key not in this_page:
            marked, html = _sidebars.get(key, ("", ""))
            moved = moved_mark(html, marked, pagename) if html else None
            if moved is None:
                moved = str(generate("sidebar", startdepth, show_nav_level, **kwargs))
                if moved.count(CURRENT) == 1:  # a chapter's sidebar: the one others can start from
                    _sidebars[key] = (pagename, moved)
            this_page[key] = bounded_sidebar(moved, neighbours)
        return this_page[key]

    return shared_toctree_html


def _text_toctree(context: dict) -> None:
    """sphinx-notfound-page's ``toctree()`` for the 404 page returns None where Sphinx's returns
    "" (a book with no toctree: the bench's cover-only baseline), and pydata-sphinx-theme parses
    what it gets as HTML: the build stopped.  An upstream fix: notfound returning ""."""
    toctree = context.get("toctree")
    if toctree is not None and not getattr(toctree, "returns_text", False):
        def text_toctree(**kwargs) -> str:
            return toctree(**kwargs) or ""
        text_toctree.returns_text = True  # type: ignore[attr-defined]
        context["toctree"] = text_toctree


def add_shared_sidebar(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # The theme's function and notfound's toctree are looked up when the template calls: their
    # handlers put them in the context after this one.
    def generate(*args, **kwargs):
        _text_toctree(context)
        return context["generate_toctree_html"](*args, **kwargs)
    context["shared_toctree_html"] = shared_sidebar(pagename, generate, app.config.kexuebook_sidebar_neighbours)


def forget(app: Sphinx, env: BuildEnvironment) -> None:
    _sidebars.clear()  # a new build may have other titles, chapters or order


def setup(app: Sphinx) -> ExtensionMetadata:
    # How many chapters a long part's list shows each side of the page's (nav_window.py).
    app.add_config_value("kexuebook_sidebar_neighbours", NEIGHBOURS, "html", int)
    # _themes/kexue/sbt-sidebar-nav.html calls shared_toctree_html (also when pydata-sphinx-theme
    # renders it early, to see whether it is empty)
    app.connect("html-page-context", add_shared_sidebar)
    app.connect("env-updated", forget)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
