"""``{chapter-bibliography}``: a chapter's own reference list, numbered [c.1], [c.2] ...

sphinxcontrib-bibtex lists a key once per project unless each list has its own key prefix; a
paper cited in two chapters (the VAE paper in chapters 2 and 7) must appear in both lists.
So each chapter cites with its slug as prefix (``{cite:p}`vae-kingma2014vae```) and this
directive fills in that prefix and the chapter's number from the catalog.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.directives import BibliographyDirective

from book_catalog import CATALOG_FILE, catalog


class ChapterBibliography(BibliographyDirective):
    optional_arguments = 0
    has_content = False
    option_spec = {}

    def run(self):
        chapter = next((c for c in catalog(self.env.app).chapters if c.docname == self.env.docname), None)
        if chapter is None:
            raise self.error(f"{self.env.docname} is not a chapter listed in {CATALOG_FILE}")
        self.env.note_dependency(CATALOG_FILE)
        self.options = {"keyprefix": f"{chapter.slug}-", "labelprefix": f"{chapter.number}."}
        return super().run()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_directive("chapter-bibliography", ChapterBibliography)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
