"""``{chapter-bibliography}``: a chapter's own reference list, numbered [c.1], [c.2] ...

sphinxcontrib-bibtex lists a key once per project unless each list has its own key prefix; a
paper cited in two chapters (the VAE paper in chapters 2 and 7) must appear in both lists.
So each chapter cites with its slug as prefix (``{cite:p}`vae-kingma2014vae```) and this
directive fills in that prefix and the chapter's number from the catalog.

With one list per chapter, sphinxcontrib-bibtex's matching of citations to lists grows with
lists × entries × citations (and sorts citations with a list lookup per comparison): a
1,000-article book would take hours.  :class:`IndexedBibtexDomain` gives the same answers from
indexes built once per build.  pybtex looks its plugins up in the installed packages' entry
points on every call (some 30 ms each, twice per list); they never change during a build, so the
look-up is memoised.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

import pybtex.plugin
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.directives import BibliographyDirective, BibliographyKey
from sphinxcontrib.bibtex.domain import BibtexDomain

from book_catalog import CATALOG_FILE, catalog
from private_parts import expect


def bibtex_private_helpers():
    """sphinxcontrib-bibtex's ``_FilterVisitor`` (a list's ``:filter:``) and ``get_docnames``
    (documents in reading order), which :class:`IndexedBibtexDomain` calls as the domain does.

    Private: neither is an API of sphinxcontrib-bibtex; nor are the domain's attributes the
    indexed domain reads (``citation_refs``, ``bibliographies``, ``get_entries``)."""
    from sphinxcontrib.bibtex import domain

    expect(domain, "_FilterVisitor", "get_docnames", distribution="sphinxcontrib-bibtex")
    expect(BibtexDomain, "env_updated", "get_all_cited_keys", "get_filtered_entries", "get_entries", distribution="sphinxcontrib-bibtex")
    return domain._FilterVisitor, domain.get_docnames


_FilterVisitor, get_docnames = bibtex_private_helpers()


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


logger = logging.getLogger(__name__)


class IndexedBibtexDomain(BibtexDomain):
    """sphinxcontrib-bibtex's domain, matching citations through indexes instead of scans."""

    def env_updated(self) -> Iterable[str]:
        position = {docname: n for n, docname in enumerate(get_docnames(self.env))}
        refs = sorted(self.citation_refs, key=lambda ref: position[ref.docname])
        self._cited_keys = [target.key for ref in refs for target in ref.targets]
        self._cited_in: dict[str, set[str]] = defaultdict(set)
        for ref in self.citation_refs:
            for target in ref.targets:
                self._cited_in[target.key].add(ref.docname)
        try:
            return super().env_updated()
        finally:
            del self._cited_keys, self._cited_in

    def get_all_cited_keys(self, docnames):
        if hasattr(self, "_cited_keys"):
            return iter(self._cited_keys)
        return super().get_all_cited_keys(docnames)

    def get_filtered_entries(self, bibliography_key: BibliographyKey):
        if not hasattr(self, "_cited_in"):
            yield from super().get_filtered_entries(bibliography_key)
            return
        bibliography = self.bibliographies[bibliography_key]
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            visitor = _FilterVisitor(entry=entry, docname=bibliography_key.docname, cited_docnames=self._cited_in.get(key, set()))
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                logger.warning("syntax error in :filter: expression; %s", err, location=(bibliography_key.docname, bibliography.line))
                success = bool(self._cited_in.get(key))
            if success or entry.key in bibliography.keys:
                yield key, entry


def memoise_pybtex_plugins() -> None:
    """pybtex's plugin look-up, memoised for the whole process.

    Private: a global replacement of ``pybtex.plugin.find_plugin``, which sphinxcontrib-bibtex
    calls as a module attribute (``pybtex.plugin.find_plugin(...)``) and so gets the memoised one."""
    expect(pybtex.plugin, "find_plugin", distribution="pybtex")
    if not hasattr(pybtex.plugin.find_plugin, "cache_info"):
        pybtex.plugin.find_plugin = functools.lru_cache(maxsize=None)(pybtex.plugin.find_plugin)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(IndexedBibtexDomain, override=True)
    memoise_pybtex_plugins()
    app.add_directive("chapter-bibliography", ChapterBibliography)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
