# Makefile of the book (sphinx-quickstart style). `make html` and `make test` set everything up.
SHELL        := /bin/bash
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
SPHINXBUILD  := $(BIN)/sphinx-build
SPHINXOPTS   ?= -W -n --keep-going
BUILDDIR     := _build
ENSURE       := tools/ensure-debian-packages

# Debian packages: the HTML build (figures with Chinese labels, diagrams, KaTeX assets via npm),
# the PDF (TeX, fonts), and what only the tests use (browser, PDF text tools).
DEB_HTML := graphviz fonts-noto-cjk nodejs
# The PDF's OpenType fonts are named too: apt runs without recommends, and texlive only recommends them.
DEB_PDF  := latexmk texlive-xetex texlive-lang-chinese texlive-latex-extra texlive-fonts-recommended fonts-noto-cjk xindy \
            fonts-texgyre fonts-texgyre-math fonts-lmodern
DEB_TEST := chromium chromium-driver poppler-utils epubcheck

.PHONY: help html epub latexpdf book livehtml livehtml-autobuild import lint test bench clean deps-html deps-pdf deps-test

help:
	@echo "make html      build the HTML book into $(BUILDDIR)/html (sets up everything it needs)"
	@echo "make epub      build the EPUB 3 book into $(BUILDDIR)/epub/book.epub"
	@echo "make latexpdf  build the PDF into $(BUILDDIR)/latex/book.pdf"
	@echo "make book      the PDF and the EPUB, then the HTML book that offers them"
	@echo "make livehtml  live preview while editing (warm Sphinx; make livehtml-autobuild: plain sphinx-autobuild)"
	@echo "make import    regenerate the chapters' generated files from seeds/"
	@echo "make lint      ruff and mypy (configured in pyproject.toml)"
	@echo "make test      lint, then the whole test suite (installs TeX, fonts and Chromium if missing)"
	@echo "make bench     the benchmark (prints its figures)"
	@echo "make clean     remove $(BUILDDIR)"

# -- set-up ------------------------------------------------------------------------------------
$(VENV)/.book-stamp: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.txt
	touch $@

$(VENV)/.test-stamp: requirements-test.txt $(VENV)/.book-stamp
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements-test.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || $(ENSURE) npm  # Debian's nodejs ships npm separately
	npm ci --no-audit --no-fund

deps-html:
	@$(ENSURE) $(DEB_HTML)
deps-pdf:
	@$(ENSURE) $(DEB_PDF)
deps-test:
	@$(ENSURE) $(DEB_HTML) $(DEB_PDF) $(DEB_TEST)

# -- builds ------------------------------------------------------------------------------------
html: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(SPHINXBUILD) -M html . $(BUILDDIR) $(SPHINXOPTS) $(O)

# -M keeps the doctrees outside _build/epub, which the EPUB builder packs whole.
epub: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(SPHINXBUILD) -M epub . $(BUILDDIR) $(SPHINXOPTS) $(O)

latexpdf: deps-pdf $(VENV)/.book-stamp node_modules/.package-lock.json
	$(SPHINXBUILD) -M latexpdf . $(BUILDDIR) $(SPHINXOPTS) $(O)

# The PDF and the EPUB first, then the HTML that copies them into the site and links them from the cover.
book: latexpdf epub
	$(MAKE) html O='$(O) -D pdf_download_file=$(abspath $(BUILDDIR))/latex/book.pdf -D epub_download_file=$(abspath $(BUILDDIR))/epub/book.epub'

livehtml: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(BIN)/python -m tools.livehtml $(O)

livehtml-autobuild: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(BIN)/sphinx-autobuild . $(BUILDDIR)/html $(SPHINXOPTS) --ignore "*/_generated/*.tmp" $(O)

import: $(VENV)/.book-stamp
	$(BIN)/python -m seedimport

# -- checks ------------------------------------------------------------------------------------
lint: $(VENV)/.test-stamp
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint deps-test $(VENV)/.test-stamp node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: deps-test $(VENV)/.test-stamp node_modules/.package-lock.json
	$(BIN)/python -m tools.bench

clean:
	rm -rf $(BUILDDIR)
