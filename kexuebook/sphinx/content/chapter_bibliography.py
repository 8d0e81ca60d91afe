"""``{chapter-bibliography}``: a chapter's own reference list, numbered [c.1], [c.2] ...

sphinxcontrib-bibtex lists a key once per project unless each list has its own key prefix; a
paper cited in two chapters (the VAE paper in chapters 2 and 7) must appear in both lists.
So each chapter's citations are keyed with its slug as prefix, and this directive fills in that
prefix and the chapter's number from the catalog.  The prefix is the book's business, not the
editor's: in a chapter, ``{cite:p}`kingma2014vae``` (the key as in references.bib) is keyed
``vae-kingma2014vae`` by :class:`ChapterCiteRole`; the prefixed form written by hand still works.
A key that references.bib lacks is reported as that key, the one to add.

With one list per chapter, sphinxcontrib-bibtex's matching of citations to lists grows with
lists × entries × citations (and sorts citations with a list lookup per comparison): a
1,000-article book would take hours.  :class:`IndexedBibtexDomain` gives the same answers from
indexes built once per build.  pybtex looks its plugins up in the installed packages' entry
points on every call (some 30 ms each, twice per list); they never change during a build, so the
look-up is memoised.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pybtex.plugin
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.bibfile import process_bibdata
from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets
from sphinxcontrib.bibtex.directives import BibliographyDirective, BibliographyKey
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.roles import CiteRole

from kexuebook.sphinx.catalog import CATALOG_FILE, catalog
from kexuebook.sphinx.private_parts import expect


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


def chapter_key(key: str, slug: str, known: Iterable[str]) -> str:
    """The key a chapter's citation of ``key`` is listed under: ``<slug>-<bibkey>`` when
    references.bib has the bibkey (written plain or already prefixed); else the bare bibkey, so
    that the warning names the key to add to references.bib."""
    prefix = f"{slug}-"
    base = key[len(prefix):] if key.startswith(prefix) and key not in known else key
    return prefix + base if base in known else base


def _target_text(target: CitationTarget) -> str:
    """A citation target as the cite roles write it: ``{pre}key{post}``."""
    return (f"{{{target.pre}}}" if target.pre else "") + target.key + (f"{{{target.post}}}" if target.post else "")


class ChapterCiteRole(CiteRole):
    """sphinxcontrib-bibtex's cite role; in a chapter, each key is keyed to that chapter's list."""

    def result_nodes(self, document, env, node, is_ref):
        chapter = catalog(env.app).chapter_at(env.docname)
        if chapter is not None:
            known = env.get_domain("cite").bibdata.data.entries
            try:
                targets = list(parse_citation_targets(self.target))
            except ValueError:
                targets = []  # malformed: sphinxcontrib-bibtex reports it as written
            if targets:
                self.target = ",".join(_target_text(t._replace(key=chapter_key(t.key, chapter.slug, known))) for t in targets)
                node["reftarget"] = self.target
        return super().result_nodes(document, env, node, is_ref)


class ChapterBibliography(BibliographyDirective):
    """sphinxcontrib-bibtex's list, holding only the entries its chapter cites before it.

    sphinxcontrib-bibtex makes a citation node (an id and a target) for every entry of the .bib
    files in every list, since it learns which are cited only after all pages are read: with one
    list per chapter that is chapters × entries nodes in the pages and the pickled environment
    (a million at 1,000 articles: 2 GB of memory).  A chapter's list, the last section of its page,
    can only show the chapter's own citations, and those are read by then."""

    optional_arguments = 0
    has_content = False
    option_spec = {}

    def run(self):
        chapter = catalog(self.env.app).chapter_at(self.env.docname)
        if chapter is None:
            raise self.error(f"{self.env.docname} is not a chapter listed in {CATALOG_FILE}")
        self.env.note_dependency(CATALOG_FILE)
        prefix = f"{chapter.slug}-"
        self.options = {"keyprefix": prefix, "labelprefix": f"{chapter.number}."}
        domain = self.env.get_domain("cite")
        cited = {target.key[len(prefix):] for ref in domain.citation_refs if ref.docname == self.env.docname
                 for target in ref.targets if target.key.startswith(prefix)}
        domain.entries_only = cited
        try:
            return super().run()
        finally:
            domain.entries_only = None


# What formats the entries: a new version formats them again.
FORMATTERS = tuple(f"{name} {importlib.metadata.version(name)}" for name in ("pybtex", "sphinxcontrib-bibtex"))
logger = logging.getLogger(__name__)


class IndexedBibtexDomain(BibtexDomain):
    """sphinxcontrib-bibtex's domain, matching citations through indexes instead of scans."""

    roles = {name: ChapterCiteRole() for name in BibtexDomain.roles}
    # While a chapter's list is made: the bibkeys it may hold (see ChapterBibliography.run).
    entries_only: set[str] | None = None

    def get_entries(self, bibfiles):
        entries = super().get_entries(bibfiles)
        if self.entries_only is None:
            return entries
        keys = self.entries_only
        return (entry for entry in entries if entry.key in keys)

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

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        """As sphinxcontrib-bibtex resolves it; a key no list holds is reported as the key to add
        to references.bib (not as the chapter-keyed name, which the editor never wrote)."""
        try:
            targets = list(parse_citation_targets(target))
        except ValueError:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        listed = self._listed_keys()
        missing = [t for t in targets if t.key not in listed]
        if not missing:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        entries = self.bibdata.data.entries
        chapter = catalog(env.app).chapter_at(fromdocname)
        own_list = None if chapter is None else next(
            (b for k, b in self.bibliographies.items() if k.docname == fromdocname and b.keyprefix == f"{chapter.slug}-"), None)
        for t in missing:
            bibkey = t.key[len(chapter.slug) + 1:] if chapter and t.key.startswith(f"{chapter.slug}-") else t.key
            if bibkey in entries and own_list is not None:
                message = (f"citation key {bibkey!r} is cited after this chapter's {{chapter-bibliography}} (line {own_list.line}); "
                           "expected every citation of a chapter before its list")
            elif bibkey in entries:
                message = f"citation key {bibkey!r}: no bibliography lists it here; expected a {{chapter-bibliography}} under 参考文献"
            else:
                message = f"citation key {bibkey!r} is not in references.bib; expected an entry with this key there, like @article{{{bibkey}, ...}}"
            logger.warning(message, location=node, type="bibtex", subtype="key_not_found")
        found = [t for t in targets if t.key in listed]
        if not found:
            return contnode  # the build fails on the warning; the page shows the key as written
        return super().resolve_xref(env, fromdocname, builder, typ, ",".join(_target_text(t) for t in found), node, contnode)

    def get_formatted_entries(self, bibliography_key, docnames, tooltips, tooltips_style):
        """sphinxcontrib-bibtex's formatted lists, kept while their inputs stay the same.

        Every build formats every list again (pybtex: 0.3 s of a one-chapter rebuild, a large
        share of one in the live preview); a list is the same while the .bib files (as parsed:
        their times), pybtex, its style and prefixes and the entries it holds, in order, are.
        Kept in the domain's data, so in the pickled environment: a new process has them too.
        """
        bibliography = self.bibliographies[bibliography_key]
        keys = tuple(key for key, _ in self.get_sorted_entries(bibliography_key, docnames))
        stamp = (bibliography.style, bibliography.keyprefix, bibliography.labelprefix, tooltips, tooltips_style, keys)
        sources = (FORMATTERS, self.bibdata.encoding, tuple(sorted((str(path), bib.mtime) for path, bib in self.bibdata.bibfiles.items())))
        kept_for, formatted = self.data.get("kexuebook_formatted", (None, {}))
        if kept_for != sources:
            formatted = {}
            self.data["kexuebook_formatted"] = (sources, formatted)
        cached = formatted.get(bibliography_key)
        if cached is None or cached[0] != stamp:
            cached = (stamp, list(super().get_formatted_entries(bibliography_key, docnames, tooltips, tooltips_style)))
            formatted[bibliography_key] = cached
        return iter(cached[1])

    def _listed_keys(self) -> set[str]:
        """The keys some bibliography lists (computed once per build, not per citation)."""
        stamp = (id(self.citations), len(self.citations))
        if getattr(self, "_listed_stamp", None) != stamp:
            self._listed, self._listed_stamp = {citation.key for citation in self.citations}, stamp
        return self._listed

    def get_all_cited_keys(self, docnames):
        if hasattr(self, "_cited_keys"):
            return iter(self._cited_keys)
        return super().get_all_cited_keys(docnames)

    def get_filtered_entries(self, bibliography_key: BibliographyKey):
        if not hasattr(self, "_cited_in"):
            yield from super().get_filtered_entries(bibliography_key)
            return
        bibliography = self.bibliographies[bibliography_key]
        entries = self.bibdata.data.entries
        # The entries the list has citation nodes for, in the .bib files' order (as get_entries
        # gives them): a chapter's, only those its chapter cites (ChapterBibliography).
        for key in bibliography.citation_nodes:
            entry = entries[key[len(bibliography.keyprefix):]]
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


def reread_bibfiles(app: Sphinx, env, docnames: list[str]) -> None:
    """Parse references.bib again when it changed since the last build.

    sphinxcontrib-bibtex parses it once, when the builder starts: a live preview that keeps one
    Sphinx would re-read the pages of an edited .bib but show its old text.  The pages that list
    its entries note the file as a dependency, so they are re-read with the new entries.
    """
    domain = env.get_domain("cite")
    bibfiles = [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles]
    domain.data["bibdata"] = process_bibdata(domain.bibdata, bibfiles, app.config.bibtex_encoding)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("env-before-read-docs", reread_bibfiles)
    app.add_domain(IndexedBibtexDomain, override=True)
    memoise_pybtex_plugins()
    app.add_directive("chapter-bibliography", ChapterBibliography)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
