# A tiny book of one part and two chapters citing references.bib (tests/test_citations.py).
extensions = ["myst_parser", "sphinxcontrib.bibtex", "kexuebook.sphinx.content.toctree", "kexuebook.sphinx.content.chapter_bibliography"]
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "unsrt"
