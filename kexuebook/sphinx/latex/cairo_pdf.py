"""matplotlib's backend for ``.pdf`` files in this book: its cairo canvas, the PDF dated by
``SOURCE_DATE_EPOCH`` (see :mod:`kexuebook.sphinx.latex.figures`, which registers it).

A module of its own so that cairo is imported only by a build that draws a PDF (an HTML build
never does), not at every build's start (0.15 s).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from matplotlib.backends.backend_cairo import FigureCanvasCairo, cairo

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
