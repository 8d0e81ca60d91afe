"""The search index keeps every page's index entries through an incremental build.

Sphinx 8.2 collects a page's index entries for the search while it writes the page, after the
environment is pickled, and ``IndexBuilder.load`` reads the last build's index back without its
``indexentries``.  So a rebuild's ``searchindex.js`` lists only the entries of the pages it wrote:
on this book, 4 of 53 after a one-chapter edit, and a search for 信息瓶颈 no longer finds its
index entry (sphinx-doc/sphinx issue 12599, open).  Here the entries of the pages that are not
written again are read back from the last index; and the words that no page holds any more are
dropped (Sphinx kept them with an empty list of pages), so a rebuild's index is the same bytes as
a cold build's.

Private: ``StandaloneHTMLBuilder.load_indexer`` (wrapped), the indexer's ``_index_entries``,
``_mapping`` and ``_title_mapping``, and the
index's frozen layout (``docnames``, ``indexentries``: entry → [document number, target, main]).
An upstream fix would be ``IndexBuilder.load`` restoring ``indexentries`` as it restores ``terms``,
and ``IndexBuilder.prune`` dropping a word left with no page.
"""

from __future__ import annotations

from collections.abc import Set

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search import IndexBuilder
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.private_parts import changed, expect

_load_indexer = StandaloneHTMLBuilder.load_indexer


def previous_index_entries(frozen: dict, docnames: Set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """The entries of ``docnames`` in a frozen index, as ``IndexBuilder._index_entries`` holds them
    (the index keeps each entry lower-cased, as it writes it again)."""
    index2fn = frozen["docnames"]
    entries: dict[str, list[tuple[str, str, str]]] = {}
    for entry, places in frozen["indexentries"].items():
        for document, target, main in places:
            if index2fn[document] in docnames:
                entries.setdefault(index2fn[document], []).append((entry, target, "main" if main else ""))
    return {docname: sorted(found) for docname, found in entries.items()}


def load_indexer_with_index_entries(self: StandaloneHTMLBuilder, docnames: Set[str]) -> None:
    _load_indexer(self, docnames)
    indexer = self.indexer
    if indexer is None or not all(hasattr(indexer, name) for name in ("_index_entries", "_mapping", "_title_mapping")):
        raise changed("sphinx", "the search indexer has no _index_entries, _mapping or _title_mapping")
    for words in (indexer._mapping, indexer._title_mapping):
        for word in [word for word, pages in words.items() if not pages]:
            del words[word]  # left by the pages written again; they add back the words they still hold
    path = self.outdir / self.searchindex_filename
    try:
        with path.open(encoding="utf-8") as stream:
            frozen = self.indexer_format.load(stream)
        kept = previous_index_entries(frozen, set(self.env.all_docs) - set(docnames))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return  # no usable last index: Sphinx has warned, or every page is written again
    current = indexer._index_entries
    # In the order of a cold build (pages by name), so that the index is the same bytes: a page
    # written now replaces its placeholder in place.
    ordered = {docname: current.get(docname) or kept.get(docname, []) for docname in sorted(self.env.all_docs)}
    current.clear()
    current.update(ordered)


def patch_load_indexer() -> None:
    """Wrap Sphinx's ``load_indexer`` (checked first: private, see the module's docstring)."""
    expect(StandaloneHTMLBuilder, "load_indexer", "searchindex_filename", "indexer_format", distribution="sphinx")
    expect(IndexBuilder, "load", "prune", "freeze", distribution="sphinx")
    if StandaloneHTMLBuilder.load_indexer is not load_indexer_with_index_entries:
        StandaloneHTMLBuilder.load_indexer = load_indexer_with_index_entries  # type: ignore[method-assign]


def setup(app: Sphinx) -> ExtensionMetadata:
    patch_load_indexer()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
