"""Each reference list prints where it stands: a chapter's at the chapter's end, the full one in
the back matter.

Sphinx's LaTeX writer gathers every ``citation`` of the book into one ``thebibliography`` at the
end (its ``BibliographyTransform``, priority 750), which starts a chapter of its own.  Just
before it runs, this post-transform turns each list that sphinxcontrib-bibtex rendered (a
container of citations, one per ``{chapter-bibliography}`` or ``{bibliography}``) into a
:class:`book_bibliography` of :class:`book_citation` entries, which Sphinx's transform does not
collect.  They print as ``\\bibitem``\\ s with the same keys Sphinx would use, so the links from
the citations in the text (``cite.<docname>:<id>``) still land on them, inside a
``bookbibliography`` list (kexuebook.sty) that opens no new chapter: the document's own
参考文献 heading stays its heading.  Keys are unique per document, so no citation is defined twice.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex.transforms import BibliographyTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.latex import LaTeXTranslator

from kexuebook.sphinx.latex.nodes import insert_before_targets, raw

MAX_LABEL = 8  # widest label the list makes room for (Sphinx caps its own the same way)


class book_bibliography(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """A reference list printed in place."""


class book_citation(nodes.General, nodes.Element):  # noqa: N801
    """One entry of a :class:`book_bibliography`: a citation Sphinx's writer will not move."""


class ReferenceListsInPlace(SphinxPostTransform):
    default_priority = BibliographyTransform.default_priority - 1
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for container in list(self.document.findall(nodes.container)):
            entries = [child for child in container.children if isinstance(child, nodes.citation)]
            if not entries or len(entries) != len(container.children):
                continue
            listing = book_bibliography()
            for citation in entries:
                entry = book_citation("", *citation.children, **citation.attributes)
                listing += entry
            container.replace_self(listing)
            section = listing.parent
            if isinstance(section, nodes.section) and isinstance(section.parent, nodes.section):
                # a chapter's references never start a page of their own: the chapter's last
                # lines come with them (the full bibliography is a chapter and starts a page anyway)
                insert_before_targets(section, raw(r"\bookkeepwithprevious"))


def visit_bibliography(self: LaTeXTranslator, node: book_bibliography) -> None:
    widest = max((entry[0].astext() for entry in node), key=len)[:MAX_LABEL]
    self.body.append("\n\\begin{bookbibliography}{%s}\n" % self.encode(widest))


def depart_bibliography(self: LaTeXTranslator, node: book_bibliography) -> None:
    self.body.append("\\end{bookbibliography}\n")


KEPT_TOGETHER = 2  # the last entries of a list never stand alone at the top of a page


def visit_citation(self: LaTeXTranslator, node: book_citation) -> None:
    if node.parent.index(node) == max(len(node.parent) - KEPT_TOGETHER, 1):
        self.body.append("\\bookbibkeep\n")  # no page break before this entry and the next
    LaTeXTranslator.visit_citation(self, node)  # \bibitem[label]{docname:id}, as Sphinx writes it


def depart_citation(self: LaTeXTranslator, node: book_citation) -> None:
    pass


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_node(book_bibliography, latex=(visit_bibliography, depart_bibliography))
    app.add_node(book_citation, latex=(visit_citation, depart_citation))
    app.add_post_transform(ReferenceListsInPlace)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
