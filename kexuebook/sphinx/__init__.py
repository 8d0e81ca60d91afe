"""The book's Sphinx extension: conf.py names only this; :func:`setup` sets up every part.

The parts are grouped by what they serve, each a small extension of its own (a tiny test project
under tests/roots/ may load just the one it tests):

- :mod:`.content`: builder-independent (toctree and numbering, equations, values, figures,
  citations, glossary and index order, markup checks);
- :mod:`.html`: the web book; :mod:`.latex`: the PDF; :mod:`.epub`: the EPUB 3 book.

Which builder makes which output is decided once, in :mod:`.outputs`: an output's part asks
there and does nothing for the other builders.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

# What our parts keep in the pickled environment: the equation tags (content.numbering:
# env.book_equation_tags), the glossary's entries and term links (html.search_synonyms:
# env.book_glossary_entries, env.book_term_links), the offered downloads (html.pdf_download:
# env.download_offers), the formatted bibliographies (content.chapter_bibliography: the cite
# domain's data["kexuebook_formatted"]).  Bump when one of them changes shape: Sphinx then reads every page again
# instead of unpickling data of the old shape.
ENV_VERSION = 2

# In the order they are set up (the order of their event handlers among equals), with the
# libraries they build on where they stand.
PARTS = (
    "myst_parser",
    "kexuebook.sphinx.content.markup_checks",  # an unclosed fence or a heading swallowed by a directive fails the build
    "sphinxcontrib.bibtex",
    "sphinxcontrib.katex",
    "kexuebook.sphinx.content.toctree",  # parts and chapters from chapters/book.toml
    "kexuebook.sphinx.content.book_text",  # {book}`chapters` ...: the cover's counts and title from chapters/book.toml
    "kexuebook.sphinx.content.equations",  # display equations keeping the author's \tag (numbering and latex.numbering need it)
    "kexuebook.sphinx.content.numbering",  # chapters 1–8 through the parts; the author's equation tags
    "kexuebook.sphinx.content.toctree_rewrites",  # a part page written again only when a chapter's entry in it changed
    "kexuebook.sphinx.content.chapter_bibliography",  # each chapter's references at its end
    "kexuebook.sphinx.html.katex_assets",  # KaTeX CSS and fonts served from the book, not a CDN
    "kexuebook.sphinx.content.values",  # {value}`topic.name`: numbers computed by kexuebook.math at build time
    "kexuebook.sphinx.content.excerpt_quote",  # {excerpt-quote}`…`: the author's words, checked against the chapter's excerpt
    "kexuebook.sphinx.content.pinyin_order",  # glossary and index sorted by pinyin, grouped by initial
    "kexuebook.sphinx.content.plot_formats",  # figures drawn only in the running builder's format (SVG for HTML/EPUB, PDF for LaTeX)
    "kexuebook.sphinx.content.plot_cache",  # a figure drawn once per content, kept under _build/figure-cache
    "kexuebook.sphinx.content.plot_ahead",  # a cold build draws its figures in forked workers while the pages are read
    "kexuebook.sphinx.content.plot_dependencies",  # figures computed at build time (matplotlib's plot), rebuilt when their script or kexuebook.math changes
    "kexuebook.sphinx.content.figure_legends",  # no empty legend left by docutils' report of a role's first use
    "kexuebook.sphinx.content.plot_labels",  # a label before a plot figure names the figure, so {numref} numbers it
    "sphinx.ext.graphviz",  # diagrams
    "sphinxext.opengraph",  # HTML: Open Graph tags for link previews
    "notfound.extension",  # HTML: the 404 page, outside every toctree, working at any depth
    "kexuebook.sphinx.html.page_meta",  # HTML: Chinese descriptions and titles, the book's address for the two above
    "kexuebook.sphinx.html.a11y",  # HTML: ARIA roles of citation lists that axe-core accepts; diagrams named by their alt text
    "kexuebook.sphinx.html.search_synonyms",  # HTML search: a glossary term's names are synonyms in the index
    "kexuebook.sphinx.html.search_page_data",  # HTML search: the dictionary and reading order for the query splitter
    "kexuebook.sphinx.html.search_chinese",  # HTML search: jieba and its dictionary loaded at the first page indexed, not at start-up
    "kexuebook.sphinx.html.search_index_entries",  # HTML search: a rebuild keeps the index entries of the pages it did not write
    "kexuebook.sphinx.html.copy_tex",  # HTML: copying an equation gives its TeX (KaTeX's copy-tex, served from the book)
    "kexuebook.sphinx.html.ref_previews",  # HTML: hover or tap a reference to see its target, built from the book's pages
    "kexuebook.sphinx.latex.structure",  # PDF: title/imprint pages, front and back matter, part introductions
    "kexuebook.sphinx.latex.numbering",  # PDF: equation and figure numbers exactly as in the HTML
    "kexuebook.sphinx.latex.excerpt",  # PDF: the seed's excerpt set apart from our commentary
    "kexuebook.sphinx.latex.figures",  # PDF: figures written by cairo, their labels real text (no Type 3 fonts)
    "kexuebook.sphinx.latex.bibliography",  # PDF: each chapter's references at its end, not all at the back
    "kexuebook.sphinx.latex.build",  # PDF: xelatex without shell escape, reading only its folder, reproducible
    "kexuebook.sphinx.html.pdf_download",  # HTML: the cover and the navigation link the PDF when a current one exists, never a stale one
    "kexuebook.sphinx.html.offline",  # HTML: a service worker reads the whole book offline after one visit; web app manifest
    "kexuebook.sphinx.epub.book",  # EPUB: the cover image, drawn from the title and credits
    "kexuebook.sphinx.html.part_numbers",  # HTML: part pages titled 第一部分　概率模型 …
    "kexuebook.sphinx.html.navigation_cache",  # HTML: the sidebar resolved once per part, not once per page
    "kexuebook.sphinx.html.figure_links",  # HTML: each figure at the column's width, linked to its full-size SVG
    "kexuebook.sphinx.html.cjk_linebreak",  # HTML: inline math and the punctuation after it stay on one line
    "kexuebook.sphinx.html.deferred_scripts",  # HTML: no script in the head blocks the first paint
    "kexuebook.sphinx.html.css_bundle",  # HTML: one stylesheet, cut by PurgeCSS to the rules the built pages use
    "kexuebook.sphinx.html.lazy_figures",  # HTML: figures below the fold load lazily, their size set (no layout shift)
)


def setup(app: Sphinx) -> ExtensionMetadata:
    for part in PARTS:
        app.setup_extension(part)
    return {"version": "1", "env_version": ENV_VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
