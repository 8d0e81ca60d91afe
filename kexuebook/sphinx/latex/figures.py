"""The print figures carry real text: matplotlib's PDFs are written through cairo.

The plot directive saves each figure as SVG for the HTML and as PDF for print.  matplotlib's own
PDF writer cannot embed the book's Chinese font as text: Noto Sans CJK SC has CFF outlines in
a .ttc collection, which it writes as Type 3 glyph procedures (``pdf.fonttype`` 3, the default:
not searchable, blurry in some viewers) or, with ``pdf.fonttype`` 42, as a TrueType font whose
embedded file is CFF (matplotlib issue 20870; poppler: "Mismatch between font type and embedded
font file").  Cairo, which also writes the graphviz diagrams, embeds it as a CID-keyed CFF font
with a ToUnicode map, so a figure's labels can be searched and copied like the text around it.
This module makes ``cairo_pdf.py`` the backend matplotlib uses for ``.pdf`` files: its cairo canvas, with the PDF's
creation date taken from ``SOURCE_DATE_EPOCH`` (cairo 1.16 takes the clock), so the figures are
the same bytes in every build.  The SVG for the HTML is unchanged (matplotlib's SVG writer).
"""

from __future__ import annotations

from matplotlib.backend_bases import register_backend
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    # Process-wide and before any figure is drawn: the plot directive calls savefig(…, "x.pdf").
    # matplotlib imports the backend module when a figure is first saved as PDF.
    register_backend("pdf", "kexuebook.sphinx.latex.cairo_pdf", "cairo: PDF with embedded CID fonts, reproducible")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
