# A tiny book of one part and two chapters citing references.bib (tests/test_citations.py).
extensions = ["myst_parser", "sphinxcontrib.bibtex", "book_toctree", "chapter_bibliography"]
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "unsrt"
