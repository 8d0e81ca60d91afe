"""``{book}`chapters```: book-level text taken from the catalog, so the cover counts what book.toml lists.

The cover once said 八篇 in prose written for eight articles; with a ninth in book.toml it must
say 九.  Names: ``title``, ``subtitle``, ``full-title`` (as [book] in book.toml gives them, the
subtitle's ``{count}`` filled in), ``chapters`` and ``parts`` (counts in Chinese numerals, as
before a measure word: 八篇, 五个部分), ``last-chapter`` (the last chapter's number in digits).
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole
from sphinx.util.typing import ExtensionMetadata

from kexuebook.catalog import Catalog
from kexuebook.importer.numerals import chinese_numeral
from kexuebook.sphinx.catalog import CATALOG_FILE, catalog

TEXTS: dict[str, Callable[[Catalog], str]] = {
    "title": lambda book: book.title,
    "subtitle": lambda book: book.subtitle,
    "full-title": lambda book: book.full_title,
    "chapters": lambda book: chinese_numeral(len(book.chapters), count=True),
    "parts": lambda book: chinese_numeral(len(book.parts), count=True),
    "last-chapter": lambda book: str(book.chapters[-1].number if book.chapters else 0),
}


class BookTextRole(SphinxRole):
    def run(self):
        name = self.text.strip()
        if name not in TEXTS:
            message = self.inliner.reporter.error(
                f"unknown book text {name!r}; expected one of: {', '.join(TEXTS)}", line=self.lineno
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        self.env.note_dependency(CATALOG_FILE)
        return [nodes.inline(self.rawtext, TEXTS[name](catalog(self.env.app)), classes=["book-text"])], []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_role("book", BookTextRole())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
