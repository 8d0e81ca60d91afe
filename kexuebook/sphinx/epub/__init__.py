"""The EPUB 3 book: what EPUBCheck requires beyond Sphinx's EPUB builder, and its cover."""
