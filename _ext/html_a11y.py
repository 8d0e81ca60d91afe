"""Accessible markup where docutils' HTML writer emits roles that ARIA no longer allows.

docutils writes a citation list as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
items: ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1 and not allowed on a ``div``, and a
``list`` must hold ``listitem``s (axe-core: aria-allowed-role, aria-deprecated-role,
aria-required-children; Lighthouse counts each against accessibility).  The entries become
``listitem``s of their list.

sphinx.ext.graphviz embeds an SVG diagram as ``<object>`` with its alt text as fallback content,
which assistive technology does not read for an object that renders (axe-core: object-alt), and
which a service worker never serves (browsers send object requests past it: offline the diagram
was missing).  The book's diagrams hold no links, so the object becomes an ``<img>`` with that alt
text.

The permalink marks' titles, which Sphinx 8.2's zh_CN catalogue leaves in English, are given in
Chinese: a screen reader announces them in the page's language.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

REPLACEMENTS = {
    ' role="doc-biblioentry"': ' role="listitem"',
    # Sphinx 8.2's zh_CN catalogue lacks these permalink titles (tooltips and accessible names).
    'title="Link to this heading"': 'title="链接到本节"',
    'title="Link to this image"': 'title="链接到此图"',
    'title="Link to this table"': 'title="链接到此表"',
    'title="Link to this code"': 'title="链接到此代码"',
    'title="Link to this term"': 'title="链接到此术语"',
    'title="Link to this definition"': 'title="链接到此定义"',
    'title="Permalink to this equation"': 'title="链接到此公式"',
}
GRAPHVIZ_OBJECT = re.compile(r'<object data="([^"]*)" type="image/svg\+xml" class="graphviz">\s*<p class="warning">([^<]*)</p>\s*</object>')


def _name_object(match: re.Match) -> str:
    return f'<img src="{match.group(1)}" class="graphviz" alt="{match.group(2).strip()}" />'


def fix_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body:
        for old, new in REPLACEMENTS.items():
            body = body.replace(old, new)
        context["body"] = GRAPHVIZ_OBJECT.sub(_name_object, body)  # alt text is HTML-escaped already


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", fix_roles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
