# Makefile of the book (sphinx-quickstart style). `make html` and `make test` set everything up.
SHELL        := /bin/bash
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
SPHINXBUILD  := $(BIN)/sphinx-build
SPHINXOPTS   ?= -W -n --keep-going
BUILDDIR     := _build
SITEZIP      := $(BUILDDIR)/zip/kexue-reader-html.zip
ENSURE       := tools/ensure-debian-packages

# Debian packages: the HTML build (figures with Chinese labels, diagrams, KaTeX assets via npm),
# the PDF (TeX, fonts), and what only the tests use (browser, PDF text tools).
# libcairo2: CairoSVG draws the web app's icons from the favicon.
DEB_HTML := graphviz fonts-noto-cjk nodejs libcairo2
# The PDF's OpenType fonts are named too: apt runs without recommends, and texlive only recommends them.
DEB_PDF  := latexmk texlive-xetex texlive-lang-chinese texlive-latex-extra texlive-fonts-recommended fonts-noto-cjk xindy \
            fonts-texgyre fonts-texgyre-math fonts-lmodern
DEB_TEST := chromium chromium-driver poppler-utils epubcheck

.PHONY: help html epub latexpdf site-zip book livehtml livehtml-autobuild import move lint test test-fast bench clean debian-packages deps-html deps-pdf deps-test

help:
	@echo "make html      build the HTML book into $(BUILDDIR)/html (sets up everything it needs)"
	@echo "make epub      build the EPUB 3 book into $(BUILDDIR)/epub/book.epub"
	@echo "make latexpdf  build the PDF into $(BUILDDIR)/latex/book.pdf"
	@echo "make site-zip  the HTML book as a zip to read from disk, $(SITEZIP)"
	@echo "make book      the PDF, the EPUB and the zip, then the HTML book that offers them"
	@echo "make livehtml  live preview while editing (warm Sphinx; make livehtml-autobuild: plain sphinx-autobuild)"
	@echo "make import    regenerate the chapters' generated files from seeds/"
	@echo "make move      rename a chapter or move it to another part: CHAPTER=slug TO=new-slug PART=part"
	@echo "make lint      ruff and mypy (configured in pyproject.toml)"
	@echo "make test      lint, then the whole test suite (installs TeX, fonts and Chromium if missing)"
	@echo "make test-fast the tests that need no TeX, no browser, no EPUBCheck and no book of their own"
	@echo "make bench     the benchmark (prints its figures)"
	@echo "make clean     remove $(BUILDDIR)"

# -- set-up ------------------------------------------------------------------------------------
# The book's own package (kexuebook/, pyproject.toml) is installed editable: conf.py, the tools
# and the tests import it from this folder, and an edit takes effect without reinstalling.
# --compile-bytecode: uv writes no .pyc, and where Python writes none either (PYTHONDONTWRITEBYTECODE)
# every build compiled its ~1,300 modules again: about 1.5 s of each build's start-up.
$(VENV)/.book-stamp: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.9
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.test-stamp: requirements-test.txt $(VENV)/.book-stamp
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements-test.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || $(ENSURE) npm  # Debian's nodejs ships npm separately
	npm ci --no-audit --no-fund

# What a host must install to build the book (the Pages workflow and .readthedocs.yaml name these).
debian-packages:
	@echo $(sort $(DEB_HTML) $(DEB_PDF))

deps-html:
	@$(ENSURE) $(DEB_HTML)
deps-pdf:
	@$(ENSURE) $(DEB_PDF)
deps-test:
	@$(ENSURE) $(DEB_HTML) $(DEB_PDF) $(DEB_TEST)

# -- builds ------------------------------------------------------------------------------------
# The catalog is checked first: a mistake in chapters/book.toml is one line, not a Sphinx report.
html: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	@$(BIN)/python -m kexuebook.importer --catalog
	$(SPHINXBUILD) -M html . $(BUILDDIR) $(SPHINXOPTS) $(O)

# -M keeps the doctrees outside _build/epub, which the EPUB builder packs whole.
epub: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(SPHINXBUILD) -M epub . $(BUILDDIR) $(SPHINXOPTS) $(O)

latexpdf: deps-pdf $(VENV)/.book-stamp node_modules/.package-lock.json
	@$(BIN)/python -m kexuebook.importer --catalog
	$(SPHINXBUILD) -M latexpdf . $(BUILDDIR) $(SPHINXOPTS) $(O)

# The site to read from disk: an HTML build of its own, whose cover offers no downloads (the zip
# cannot hold itself), packed by tools/site_zip.py.  From file:// the search index loads (a
# <script>), but a browser refuses the fetch() by which Sphinx's search reads each hit's page for
# its excerpt: this build lists hits without excerpts instead of failing on each one.
site-zip: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(SPHINXBUILD) -b html . $(BUILDDIR)/site -d $(BUILDDIR)/site-doctrees $(SPHINXOPTS) \
	  -D kexuebook_pdf_file= -D kexuebook_site_zip_file= -D html_show_search_summary=0 $(O)
	$(BIN)/python -m tools.site_zip $(BUILDDIR)/site $(SITEZIP)

# The EPUB and the zip first, then the PDF (with BOOK_BASEURL its imprint page names the current
# ones by their published address), then the HTML that copies all three into the site and links them.
# latexmk leaves the PDF's date alone when the .tex did not change (an edit to an extension that
# changes nothing in print): just built from the current sources, it is current all the same.
book: epub site-zip
	$(MAKE) latexpdf
	touch $(BUILDDIR)/latex/book.pdf
	$(MAKE) html O='$(O) -D kexuebook_pdf_file=$(abspath $(BUILDDIR))/latex/book.pdf -D kexuebook_epub_file=$(abspath $(BUILDDIR))/epub/book.epub -D kexuebook_site_zip_file=$(abspath $(SITEZIP))'

livehtml: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(BIN)/python -m tools.livehtml $(O)

livehtml-autobuild: deps-html $(VENV)/.book-stamp node_modules/.package-lock.json
	$(BIN)/sphinx-autobuild . $(BUILDDIR)/html $(SPHINXOPTS) -D kexuebook_offline_worker=0 --ignore "*/_generated/*.tmp" $(O)

import: $(VENV)/.book-stamp
	$(BIN)/python -m kexuebook.importer

# Rename a chapter or move it to another part, with its hand-written file:
# make move CHAPTER=vae TO=vae-intro   and/or   PART=information-theory
move: $(VENV)/.book-stamp
	@test -n "$(CHAPTER)" || { echo "make move CHAPTER=SLUG [TO=NEW_SLUG] [PART=PART]"; exit 2; }
	$(BIN)/python -m kexuebook.importer --move $(CHAPTER) $(if $(TO),--to $(TO)) $(if $(PART),--part $(PART))

# -- checks ------------------------------------------------------------------------------------
lint: $(VENV)/.test-stamp
	$(BIN)/ruff check .
	$(BIN)/mypy

# Two pytest-xdist workers (the machine's two cores), each module's tests on one worker (its
# module-scoped fixtures, such as the live preview's server, start once). Not --dist loadgroup:
# pytest 9.2 derives a test's id from its node, and xdist 3.8's groups (a suffix it writes into
# the id) are silently dropped.
XDIST := -n 2 --dist loadfile
test: lint deps-test $(VENV)/.test-stamp node_modules/.package-lock.json
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The shared HTML build and every check of it, the importer, the formulas, the tiny projects; not
# the PDF, the browser, the EPUB, nor the workflows that build a book of their own (markers in
# pyproject.toml); the importer's fuzzing with a tenth of its examples; two pytest-xdist workers
# (the machine's two cores) that share the one HTML build. `make test` runs everything.
FAST_TESTS := not pdf and not browser and not epub and not workflow
test-fast: deps-html $(VENV)/.test-stamp node_modules/.package-lock.json
	KEXUE_FUZZ_SHARE=0.1 $(BIN)/python -m pytest $(XDIST) -m "$(FAST_TESTS)" $(PYTEST_ARGS)

bench: deps-test $(VENV)/.test-stamp node_modules/.package-lock.json
	$(BIN)/python -m tools.bench $(O)

clean:
	rm -rf $(BUILDDIR)
