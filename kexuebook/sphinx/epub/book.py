"""The EPUB 3 book: Sphinx's EPUB 3 builder with what EPUBCheck requires and Sphinx 8.2 omits.

- A package document item whose page holds MathML carries ``properties="mathml"`` (EPUB 3.2,
  OPF-014); Sphinx's template knows only ``nav``.  :meth:`BookEpubBuilder.build_content` adds
  it to the items of pages that hold a ``<math>`` element, and ``cover-image`` to the cover.
- SVG figures (matplotlib, graphviz) start with an SVG 1.1 DOCTYPE, whose external DTD EPUB 3
  forbids (HTM-003), and matplotlib writes a space's glyph as a ``<path>`` without ``d``, which
  the SVG schema requires (RSC-005): the EPUB's copies lose the DOCTYPE and get ``d=""``
  (the figures themselves are unchanged).
- The NCX's ``dtb:uid`` must be the book's identifier (NCX-001); Sphinx writes the XML id there.
- Reproducible: every packed file is dated SOURCE_DATE_EPOCH (the zip stores each file's
  modification time), so two builds of the same sources give the same bytes.
- The reader's table of contents (nav.xhtml, toc.ncx) numbers chapters and sections as the
  pages do (7., 7.1.); Sphinx lists the titles without their numbers.
- The cover image is drawn at build time from the book's title and credits (conf.py names it,
  ``epub_cover``), before Sphinx lists the book's files: never a stale copy of an old title.
  The drawing is reproducible (no timestamp in the PNG), in the figures' Chinese font.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import is_epub

FONT = ["Noto Sans CJK SC", "DejaVu Sans"]  # .ttc files: ask for SC by name (see conf.py)
DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>\s*")
PATH_WITHOUT_D = re.compile(r"<path(?![^>]*\sd=)(?=[\s/>])")
MANIFEST_ITEM = re.compile(r'<item id="(?P<id>[^"]+)" href="(?P<href>[^"]+)" media-type="(?P<type>[^"]+)" />')
INK, PAPER, ACCENT = "#1f2a36", "#f6f1e7", "#8c2f1b"


def draw_cover(path: Path, title: str, subtitle: str, credits: list[str], edition: str) -> None:
    figure = Figure(figsize=(6, 9), dpi=200, facecolor=PAPER)  # 1200 × 1800 px, a 2:3 cover
    FigureCanvasAgg(figure)
    text: dict[str, Any] = {"color": INK, "family": FONT, "ha": "center"}
    figure.text(0.5, 0.70, title, fontsize=34, weight="bold", **text)
    figure.text(0.5, 0.62, subtitle, fontsize=20, **text)
    figure.add_artist(_rule(figure, 0.57))
    for k, line in enumerate(credits):
        figure.text(0.5, 0.48 - 0.05 * k, line, fontsize=14, **text)
    figure.text(0.5, 0.08, edition, fontsize=11, **text)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", facecolor=PAPER, metadata={"Software": None})


def _rule(figure: Figure, y: float) -> Line2D:
    return Line2D([0.3, 0.7], [y, y], color=ACCENT, linewidth=2, transform=figure.transFigure)


def write_cover(app: Sphinx) -> None:
    if not is_epub(app.builder) or not app.config.epub_cover:
        return
    title, _, subtitle = app.config.project.partition("：")
    credits = [part.strip() for part in app.config.epub_author.split("；") if part.strip()]
    edition = f"{app.config.version}版" if app.config.version else ""
    draw_cover(Path(app.outdir, app.config.epub_cover[0]), title, subtitle, credits, edition)


# matplotlib's plot directive copies its stylesheet after the build, when the EPUB is already
# packed: the EPUB's pages do not link it (it only centres the figures, as epub.css does).
NOT_IN_EPUB = ("plot_directive.css",)


def drop_unpacked_stylesheets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if is_epub(app.builder) and "css_files" in context:
        context["css_files"] = [css for css in context["css_files"] if not css.filename.endswith(NOT_IN_EPUB)]


class BookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, its package document and figures made valid EPUB 3."""

    def copy_image_files(self) -> None:
        super().copy_image_files()
        for svg in sorted(Path(self.outdir, self.imagedir).glob("*.svg")):
            text = svg.read_text(encoding="utf-8")
            svg.write_text(PATH_WITHOUT_D.sub('<path d=""', DOCTYPE.sub("", text, count=1)), encoding="utf-8")

    def build_epub(self) -> None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch is not None:
            for name in ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]:
                os.utime(Path(self.outdir, name), (int(epoch), int(epoch)))
        super().build_epub()

    def toc_add_files(self, refnodes: list[dict[str, Any]]) -> None:
        """Both tables of contents pass their entries through here (Sphinx 8.2)."""
        super().toc_add_files(refnodes)
        for node in refnodes:
            number = self._section_number(node["refuri"])
            if number:
                node["text"] = f"{number} {node['text']}"

    def _section_number(self, refuri: str) -> str:
        """The number the page shows for the chapter or section at ``refuri``, as "7.1."."""
        page, _, anchor = refuri.partition("#")
        numbers = self.env.toc_secnumbers.get(page.removesuffix(self.out_suffix), {})
        number = numbers.get(f"#{anchor}" if anchor else "")
        return "".join(f"{part}." for part in number) if number else ""

    def toc_metadata(self, level: int, navpoints: list) -> dict:
        return {**super().toc_metadata(level, navpoints), "uid": self.config.epub_identifier}

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir, "content.opf")
        cover = self.config.epub_cover[0] if self.config.epub_cover else None
        opf.write_text(MANIFEST_ITEM.sub(lambda m: self._with_properties(m, cover), opf.read_text(encoding="utf-8")), encoding="utf-8")

    def _with_properties(self, item: re.Match, cover: str | None) -> str:
        properties = []
        if item["type"] == "application/xhtml+xml" and "<math" in Path(self.outdir, item["href"]).read_text(encoding="utf-8"):
            properties.append("mathml")
        if item["href"] == cover:
            properties.append("cover-image")
        if not properties:
            return item[0]
        return item[0].replace(" />", f' properties="{" ".join(properties)}" />')


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_builder(BookEpubBuilder, override=True)
    app.connect("builder-inited", write_cover)
    app.connect("html-page-context", drop_unpacked_stylesheets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
