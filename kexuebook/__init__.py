"""The book's code, one package: the catalog of chapters/book.toml, the seed importer, the formulas
and the Sphinx extension.

- :mod:`kexuebook.catalog`: the book.toml model, read by the importer and the Sphinx side alike;
- :mod:`kexuebook.importer`: ``python -m kexuebook.importer`` (``make import``), pure Python;
- :mod:`kexuebook.math`: the formulas behind the figures, the prose numbers and the math tests;
- :mod:`kexuebook.sphinx`: the extension conf.py names, grouped by the output each part serves.
"""
