"""Toctrees built from the catalog, so a chapter's part is data, not a hand-kept list.

``{parts-toctree}`` (on the cover) lists the part pages; ``{part-toctree}`` (on a part page)
lists that part's chapters, numbered.  Both are Sphinx's own toctree with generated entries.
"""

from __future__ import annotations

from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.directives.other import TocTree
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.catalog import CATALOG_FILE, catalog


class PartsToctree(TocTree):
    """The cover's toctree: every part page, in book order."""

    required_arguments = 0
    has_content = False

    def entries(self) -> list[str]:
        return [f"/chapters/{part.slug}/index" for part in catalog(self.env.app).parts]

    def run(self):
        self.env.note_dependency(CATALOG_FILE)
        self.content = StringList(self.entries(), source=CATALOG_FILE)
        return super().run()


class PartToctree(PartsToctree):
    """A part page's toctree: the part's chapters, numbered straight through the book."""

    def entries(self) -> list[str]:
        book = catalog(self.env.app)
        slug = self.env.docname.split("/")[-2]
        part = next((p for p in book.parts if p.slug == slug), None)
        if part is None:
            raise self.error(f"{self.env.docname} is not a part page listed in {CATALOG_FILE}")
        self.options.setdefault("numbered", 999)
        return [f"/{chapter.docname}" for chapter in book.chapters_of(part)]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("parts-toctree", PartsToctree)
    app.add_directive("part-toctree", PartToctree)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
