"""Accessible markup where docutils' HTML writer emits roles that ARIA no longer allows.

docutils writes a citation list as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
items: ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1 and not allowed on a ``div``, and a
``list`` must hold ``listitem``s (axe-core: aria-allowed-role, aria-deprecated-role,
aria-required-children; Lighthouse counts each against accessibility).  The entries become
``listitem``s of their list.

sphinx.ext.graphviz embeds an SVG diagram as ``<object>`` with its alt text as fallback content,
which assistive technology does not read for an object that renders (axe-core: object-alt), and
which a service worker never serves (browsers send object requests past it: offline the diagram
was missing).  The book's diagrams hold no links, so :func:`visit_graphviz` wraps the extension's
HTML visitor and writes the diagram as an ``<img>`` named by that alt text, whatever the
diagram's classes or options.

(The permalink marks' titles, which Sphinx 8.2's zh_CN catalogue leaves in English, are in the
book's own catalogue, locale/zh_CN/LC_MESSAGES/sphinx.po.)
"""

from __future__ import annotations

import posixpath
import re
from html import escape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.ext.graphviz import graphviz, html_visit_graphviz
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator

from kexuebook.sphinx.html.lazy_figures import diagram_attributes

REPLACEMENTS = {
    ' role="doc-biblioentry"': ' role="listitem"',
}
SVG_OBJECT = re.compile(r'<object data="([^"]*)" type="image/svg\+xml" class="([^"]*)">\s*<p class="warning">.*?</p>\s*</object>', re.S)


def visit_graphviz(self: HTML5Translator, node: graphviz) -> None:
    """sphinx.ext.graphviz's HTML, its SVG ``<object>`` an ``<img>`` named by the diagram's alt text."""
    start = len(self.body)
    try:
        html_visit_graphviz(self, node)
    finally:  # it ends with SkipNode, after writing the diagram
        html = "".join(self.body[start:])
        # The same text sphinx.ext.graphviz writes as fallback: :alt:, or else the dot code.
        label = escape(node["alt"]) if "alt" in node else self.encode(node["code"]).strip()
        def img(m: re.Match) -> str:
            svg = Path(self.builder.outdir, self.builder.imagedir, posixpath.basename(m.group(1)))
            return f'<img{diagram_attributes(node, svg)} src="{m.group(1)}" class="{m.group(2)}" alt="{label}" />'
        image = SVG_OBJECT.sub(img, html, count=1)
        if image != html:
            del self.body[start:]
            self.body.append(image)


def fix_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body:
        for old, new in REPLACEMENTS.items():
            body = body.replace(old, new)
        context["body"] = body


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(graphviz, override=True, html=(visit_graphviz, None))
    app.connect("html-page-context", fix_roles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
