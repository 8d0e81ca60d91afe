"""Seed importer: turns a scraped kexue.fm listing into the book's generated MyST files.

Pure Python, no Sphinx: ``python -m kexuebook.importer`` (``make import``) runs it.
"""
