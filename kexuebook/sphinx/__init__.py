"""The book's Sphinx extension, grouped by what each part serves.

- :mod:`.content`: builder-independent (toctree and numbering, equations, values, figures,
  citations, glossary and index order, markup checks);
- :mod:`.html`: the web book; :mod:`.latex`: the PDF; :mod:`.epub`: the EPUB 3 book.

Which builder makes which output is decided once, in :mod:`.outputs`.
"""
