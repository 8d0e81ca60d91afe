"""Part pages titled as in a printed Chinese book: 第一部分　概率模型 (HTML).

The PDF gets the same words from ctexbook's \\part; the HTML gets them here, only for HTML
builders: the part page's own heading, and the title Sphinx shows for it everywhere else: the
navigation and the cover's contents (from the page's table of contents, ``env.tocs``), the
previous/next links and the page's <title> (``env.titles``).  The part's number is its place in
chapters/book.toml.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from kexuebook.importer.numerals import chinese_numeral
from kexuebook.sphinx.catalog import catalog
from kexuebook.sphinx.outputs import writes_html_pages

SEPARATOR = "\u3000"  # an ideographic space between 第一部分 and the part's name, as in print


def part_labels(app: Sphinx) -> dict[str, str]:
    """Docname of each part page → 第N部分."""
    return {f"chapters/{part.slug}/index": f"第{chinese_numeral(part.number)}部分" for part in catalog(app).parts}


def _is_html(app: Sphinx) -> bool:
    return writes_html_pages(app.builder)


def label_titles(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Prefix the part pages' titles as the rest of the site shows them (once per node)."""
    if _is_html(app):
        for docname, label in part_labels(app).items():
            toc = env.tocs.get(docname)
            top = next(iter(toc.findall(nodes.reference)), None) if toc is not None else None
            for node in (env.titles.get(docname), top):
                if node is not None and not node.get("book_part_label"):
                    node.insert(0, nodes.Text(label + SEPARATOR))
                    node["book_part_label"] = label
    return []


def label_heading(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The part page's own heading."""
    label = part_labels(app).get(docname)
    if not _is_html(app) or label is None:
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is not None:
        title.insert(0, nodes.inline("", label, classes=["part-number"]))
        title.insert(1, nodes.Text(SEPARATOR))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-updated", label_titles)
    app.connect("doctree-resolved", label_heading)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
