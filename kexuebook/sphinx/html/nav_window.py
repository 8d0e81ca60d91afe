"""A long part's chapters, shortened in the sidebar to the ones around the page.

The sidebar lists the chapters of the page's part; in a part of 200 chapters (a 1,000-article
book) that list was half of every chapter's page, so a page grew with the book.  A part of more
than ``2 * NEIGHBOURS + 1`` chapters shows the page's chapter and up to ``NEIGHBOURS`` on each
side; an item before and after the window says how many chapters it leaves out and links the
part's page, whose body lists them all (on that page the item is text; book.css sets the items
off from the chapters).  Shorter parts (every part of this book) are unchanged.  The list is
shortened only when it is exactly as Sphinx writes it for parts and chapters (one ``toctree-l2``
item per line, no deeper level); any other sidebar is left whole.
"""

from __future__ import annotations

import re

from sphinx.locale import _

NEIGHBOURS = 10

# The current part's item up to its list of chapters (class "current" unless the page is the part's).
_CURRENT_PART = re.compile(r'<li class="toctree-l1 current active has-children"><a class="[^"]*" href="(?P<href>[^"]*)">'
                           r'[^<]*</a><details open="open"><summary>.*?</summary><ul(?: class="current")?>\n')
_ITEM = re.compile(r'<li class="toctree-l2(?: current active)?"><a [^\n]*</a></li>')


def window(count: int, current: int | None, neighbours: int = NEIGHBOURS) -> range:
    """The items shown of ``count``: ``current`` (None on the part's own page: the first ones) and
    up to ``neighbours`` each side, moved inwards at either end so that as many are shown; a
    single chapter left out at an end is shown instead of an item standing for it."""
    size = 2 * neighbours + 1
    if count <= size:
        return range(count)
    start = 0 if current is None else min(max(current - neighbours, 0), count - size)
    stop = start + size
    return range(0 if start == 1 else start, count if count - stop == 1 else stop)


def more_item(count: int, href: str, before: bool) -> str:
    """The item standing for ``count`` chapters left out, linking the part's page; on that page
    itself (``href`` "#"), which lists them all in its body, it says so and links nothing (a
    link to the page's top would leave a phone's drawer open over it, seeming to do nothing)."""
    if href == "#":
        text = _("%d earlier chapters: listed on this page") if before else _("%d later chapters: listed on this page")
        return f'<li class="toctree-l2 book-nav-more"><span>{text % count}</span></li>'
    text = _("%d earlier chapters: see the part's contents") if before else _("%d later chapters: see the part's contents")
    return f'<li class="toctree-l2 book-nav-more"><a class="reference internal" href="{href}">{text % count}</a></li>'


def bounded_sidebar(html: str, neighbours: int = NEIGHBOURS) -> str:
    """``html`` (the theme's sidebar) with its current part's chapters cut to the window."""
    part = _CURRENT_PART.search(html)
    if part is None:
        return html
    opened, closed = part.end(), html.find("\n</ul>", part.end())
    if closed < 0:
        return html
    body = html[opened:closed]
    items = body.split("\n")
    if len(items) <= 2 * neighbours + 1 or not all(_ITEM.fullmatch(item) for item in items):
        return html
    current = next((n for n, item in enumerate(items) if item.startswith('<li class="toctree-l2 current active">')), None)
    shown = window(len(items), current, neighbours)
    kept = items[shown.start:shown.stop]
    if shown.start:
        kept.insert(0, more_item(shown.start, part["href"], before=True))
    if shown.stop < len(items):
        kept.append(more_item(len(items) - shown.stop, part["href"], before=False))
    return html[:opened] + "\n".join(kept) + html[closed:]
