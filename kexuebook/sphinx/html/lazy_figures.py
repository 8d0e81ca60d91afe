"""HTML: figures below the fold load when the reader scrolls near them, with their size set.

A chapter's figures sit in its commentary, screens below the top: fetched at once, each competes
with the stylesheet and the text's fonts for a phone's bandwidth.  Every image after the page's
first paragraph gets ``loading="lazy"`` (docutils writes it from the node's ``loading``); one
before it may be the first thing a reader sees and loads at once.  Each image also gets
``width`` and ``height`` attributes, its file's own size: the browser reserves the figure's box
before the file arrives (with book.css's ``height: auto`` the box keeps the figure's aspect at
the column's width), so nothing below it moves when it does.  Diagrams (sphinx.ext.graphviz,
written as ``<img>`` by a11y.py) get the same attributes from :func:`diagram_attributes`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.graphviz import graphviz
from sphinx.util.images import get_image_size
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import is_html_site

SIZED = "book_intrinsic_size"  # node attribute: set on the images whose tag gets width/height


def mark_images(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_html_site(app.builder):
        return
    seen_paragraph = False
    for node in doctree.findall(lambda n: isinstance(n, nodes.paragraph | nodes.image | graphviz)):
        if isinstance(node, nodes.paragraph):
            seen_paragraph = True
            continue
        if isinstance(node, graphviz):  # its file is drawn when the page is written
            node["loading"] = "lazy" if seen_paragraph else ""
            continue
        if "://" in node["uri"]:
            continue
        size = get_image_size(app.srcdir / node["uri"])
        if size is not None:
            node[SIZED] = size
        if seen_paragraph:
            node["loading"] = "lazy"


def visit_image(self, node: nodes.image) -> None:
    """The translator's own <img>, with the width and height of the image's file."""
    type(self).visit_image(self, node)
    size = node.get(SIZED)
    tag = self.body[-1]
    if size and tag.startswith("<img ") and " width=" not in tag and " height=" not in tag:
        self.body[-1] = f'<img width="{size[0]}" height="{size[1]}" ' + tag[len("<img "):]


def diagram_attributes(node: graphviz, svg: Path) -> str:
    """The attributes, after ``<img``, of a diagram drawn to ``svg``: its size, lazy loading."""
    size = get_image_size(svg)
    sized = f' width="{size[0]}" height="{size[1]}"' if size else ""
    return sized + (' loading="lazy"' if node.get("loading") == "lazy" else "")


def depart_image(self, node: nodes.image) -> None:
    type(self).depart_image(self, node)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-resolved", mark_images)
    app.add_node(nodes.image, override=True, html=(visit_image, depart_image))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
