"""The glossary's names of a term are synonyms in the search index.

Every entry of the glossary gives a term (变分自编码器) and opens its definition with the term's
other name (``variational autoencoder（VAE）。…``).  A page that uses any of these names is
indexed under all of them, so a reader who types the English name finds the chapters written in
Chinese, and 焦点损失 finds the pages that say "focal loss".

Sphinx's search ANDs the words of a query; the words added here are exactly the index's own
segmentation of each name (the search language's ``split``), so a query for any one name finds
every page that holds any of them.  They are added as ``<meta name="keywords">`` (a node Sphinx's
indexer reads by design) after the doctree is resolved: that runs in the main process, under
``-j`` too, once the glossary has been read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# The other name ends at the first full stop; an abbreviation may follow it in full-width brackets.
# A name is not a clause: no Chinese comma, enumeration comma, colon or semicolon in it.
OTHER_NAME = re.compile(r"^(?P<name>[^。（），、：；]{1,60}?)(?:（(?P<abbr>[^（）。，、：；]{1,40})）)?。")


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    names: tuple[str, ...]  # the term first, then its other names (no duplicates)


def glossary_entries(env: BuildEnvironment) -> list[GlossaryEntry]:
    """Every entry of every glossary of the book; a definition without its other name is an error."""
    entries = []
    for docname in sorted(glossary_docnames(env)):
        for item in env.get_doctree(docname).findall(nodes.definition_list_item):
            if not isinstance(item.parent.parent, addnodes.glossary):
                continue
            term = item.next_node(nodes.term).astext().strip()
            definition = item.next_node(nodes.definition).astext().strip()
            found = OTHER_NAME.match(definition)
            if not found:
                logger.warning(
                    "glossary term %r: expected its definition to open with the term's other name "
                    "(English for a Chinese term), then 。, as in 'variational autoencoder（VAE）。…'",
                    term, location=item, type="search", subtype="glossary",
                )
                continue
            names: dict[str, str] = {}  # one spelling per name, whatever its case (mixup / mixup, Dropout / dropout)
            for name in (term, found["name"].strip(), (found["abbr"] or "").strip()):
                if name:
                    names.setdefault(name.lower(), name)
            entries.append(GlossaryEntry(term, tuple(names.values())))
    return entries


def glossary_docnames(env: BuildEnvironment) -> set[str]:
    return {docname for _, _, kind, docname, _, _ in env.get_domain("std").get_objects() if kind == "term"}


def _mentions(name: str, text: str) -> bool:
    """Whether a page's text uses a name: Latin names as whole words, any case; Chinese as written."""
    if re.fullmatch(r"[\x00-\x7f–]+", name):
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None
    return name in text


def add_synonym_keywords(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:  # not an HTML build with a search index
        return
    entries = collected_entries(app.env)
    text = doctree.astext()
    words: list[str] = []
    for entry in entries:
        if any(_mentions(name, text) for name in entry.names):
            for name in entry.names:
                words.extend(word.strip() for word in indexer.lang.split(name) if word.strip() and "," not in word)
    if words:
        doctree += nodes.meta(name="keywords", content=", ".join(dict.fromkeys(words)))


# Our data on the environment (pickled with it), under names BuildEnvironment does not declare:
# read and written only through the typed accessors below.
ENTRIES_ATTR = "book_glossary_entries"
TERM_LINKS_ATTR = "book_term_links"


def collect_entries(app: Sphinx, env: BuildEnvironment) -> None:
    setattr(env, ENTRIES_ATTR, glossary_entries(env))


def collected_entries(env: BuildEnvironment) -> list[GlossaryEntry]:
    """The glossary's entries as :func:`collect_entries` stored them ([] before it has run)."""
    entries: list[GlossaryEntry] = getattr(env, ENTRIES_ATTR, [])
    return entries


def note_term_links(app: Sphinx, doctree: nodes.document) -> None:
    """Which glossary terms a page links ({term} roles): where the book introduces a term."""
    links = {xref["reftarget"].lower() for xref in doctree.findall(addnodes.pending_xref) if xref.get("reftype") == "term"}
    if links:
        term_links(app.env)[app.env.docname] = sorted(links)


def term_links(env: BuildEnvironment) -> dict[str, list[str]]:
    """Page → the (lower-cased) glossary terms it links."""
    if not hasattr(env, TERM_LINKS_ATTR):
        setattr(env, TERM_LINKS_ATTR, {})
    links: dict[str, list[str]] = getattr(env, TERM_LINKS_ATTR)
    return links


def purge_term_links(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    term_links(env).pop(docname, None)


def merge_term_links(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    term_links(env).update({d: v for d, v in term_links(other).items() if d in docnames})


def reindex_all_when_the_glossary_changes(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    return sorted(env.found_docs) if glossary_docnames(env) & (added | changed | removed) else []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-read", note_term_links)
    app.connect("env-purge-doc", purge_term_links)
    app.connect("env-merge-info", merge_term_links)
    app.connect("env-get-outdated", reindex_all_when_the_glossary_changes)
    app.connect("env-updated", collect_entries)
    app.connect("doctree-resolved", add_synonym_keywords)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
