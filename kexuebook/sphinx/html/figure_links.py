"""Every figure of the HTML book links to its full-size SVG (a tap opens it to zoom on a phone).

Sphinx links an image to its own file when the image is drawn at a set size
(``html_scaled_image_link``); the book's SVG figures are drawn for a phone's column and shown at
the column's width (capped in book.css), so each gets that width here, and with it the link.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import writes_html_pages

SIZE_OPTIONS = ("width", "height", "scale")


def size_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not writes_html_pages(app.builder):
        return
    for figure in doctree.findall(nodes.figure):
        for image in figure.findall(nodes.image):
            if image["uri"].endswith(".svg") and not any(key in image for key in SIZE_OPTIONS):
                image["width"] = "100%"
                image["classes"].append("book-figure")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-resolved", size_figures)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
