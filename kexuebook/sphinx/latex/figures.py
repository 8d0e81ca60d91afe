"""The print figures carry real text: matplotlib's PDFs are written through cairo.

The plot directive saves each figure as SVG for the HTML and as PDF for print.  matplotlib's own
PDF writer cannot embed the book's Chinese font as text: Noto Sans CJK SC has CFF outlines in
a .ttc collection, which it writes as Type 3 glyph procedures (``pdf.fonttype`` 3, the default:
not searchable, blurry in some viewers) or, with ``pdf.fonttype`` 42, as a TrueType font whose
embedded file is CFF (matplotlib issue 20870; poppler: "Mismatch between font type and embedded
font file").  Cairo, which also writes the graphviz diagrams, embeds it as a CID-keyed CFF font
with a ToUnicode map, so a figure's labels can be searched and copied like the text around it.
This module is the backend matplotlib uses for ``.pdf`` files: its cairo canvas, with the PDF's
creation date taken from ``SOURCE_DATE_EPOCH`` (cairo 1.16 takes the clock), so the figures are
the same bytes in every build.  The SVG for the HTML is unchanged (matplotlib's SVG writer).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from matplotlib.backend_bases import register_backend
from matplotlib.backends.backend_cairo import FigureCanvasCairo, cairo
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

POINTS_PER_INCH = 72


class FigureCanvasBookPdf(FigureCanvasCairo):
    """matplotlib's cairo canvas; its PDF dated by SOURCE_DATE_EPOCH."""

    def print_pdf(self, fobj, *, orientation: str = "portrait", **kwargs) -> None:
        self.figure.dpi = POINTS_PER_INCH
        width, height = (inches * POINTS_PER_INCH for inches in self.figure.get_size_inches())
        surface = cairo.PDFSurface(fobj, width, height)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            date = datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            surface.set_metadata(cairo.PDF_METADATA_CREATE_DATE, date)
        self._renderer.dpi = self.figure.dpi
        self._renderer.set_context(cairo.Context(surface))
        self.figure.draw(self._renderer)
        self._renderer.gc.ctx.show_page()
        surface.finish()


FigureCanvas = FigureCanvasBookPdf  # what matplotlib looks for in a backend module


def setup(app: Sphinx) -> ExtensionMetadata:
    # Process-wide and before any figure is drawn: the plot directive calls savefig(…, "x.pdf").
    register_backend("pdf", __name__, "cairo: PDF with embedded CID fonts, reproducible")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
