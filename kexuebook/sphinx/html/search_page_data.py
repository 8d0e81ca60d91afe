"""What the search page's script needs to know about the book, written into search.html.

- ``dictionary``: the words of the book's jieba dictionary (``html_search_options['dict']``), so
  the browser segments a query with the same words the index was segmented with;
- ``order``: every page in reading order (the toctree's prev/next chain), and ``kinds``: which of
  them are chapters and part pages, and ``titles``: each page's title, so results rank chapters
  first, a chapter whose title names the query before the others and, among equals, the one a
  reader meets first;
- ``glossary``: each glossary entry's names and the pages that link it (where the book introduces
  the term), so a query naming a term ranks those pages high.

The template (_themes/kexue/search.html) prints it as a JSON script element: no extra request.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.catalog import catalog
from kexuebook.sphinx.html.search_synonyms import collected_entries, term_links


def dictionary_words(path: Path) -> list[str]:
    """The words of a jieba dictionary file (``word [freq] [tag]`` per line)."""
    return [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def reading_order(app: Sphinx) -> list[str]:
    relations = app.env.collect_relations()
    order, docname = [], app.config.root_doc
    while docname and docname not in order:
        order.append(docname)
        docname = relations.get(docname, [None, None, None])[2]
    return order


def page_titles(app: Sphinx) -> dict[str, str]:
    return {docname: title.astext() for docname, title in sorted(app.env.titles.items())}


def page_kinds(app: Sphinx) -> dict[str, str]:
    book = catalog(app)
    kinds = {chapter.docname: "chapter" for chapter in book.chapters}
    kinds.update({f"chapters/{part.slug}/index": "part" for part in book.parts})
    return kinds


def search_page_data(app: Sphinx) -> dict:
    dict_path = app.config.html_search_options.get("dict")
    if not dict_path or not Path(dict_path).is_file():
        # Sphinx ignores a missing dictionary without a word; the book's search would silently differ.
        raise ExtensionError(f"html_search_options['dict'] is not a file: {dict_path!r}")
    linking: dict[str, list[str]] = {}
    for docname, terms in sorted(term_links(app.env).items()):
        for term in terms:
            linking.setdefault(term, []).append(docname)
    glossary = [{"names": list(entry.names), "pages": linking.get(entry.term.lower(), [])} for entry in collected_entries(app.env)]
    return {"dictionary": dictionary_words(Path(dict_path)), "order": reading_order(app), "kinds": page_kinds(app), "titles": page_titles(app), "glossary": glossary}


def add_to_search_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename == "search":
        # </script> cannot occur in JSON of words and docnames, but escape "<" anyway.
        context["book_search_data"] = json.dumps(search_page_data(app), ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", add_to_search_page)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
