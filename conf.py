"""Sphinx configuration of the book: one source, an HTML book and a LaTeX PDF."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).parent.resolve()
sys.path[:0] = [str(ROOT), str(ROOT / "_ext")]  # the importer package and our extensions

from sphinx.errors import ConfigError  # noqa: E402
from sphinx.util.texescape import escape as tex_escape  # noqa: E402

from seedimport.catalog import load_catalog  # noqa: E402  (needs the path above)
from seedimport.errors import SeedError  # noqa: E402
from site_address import published_url, repository_url  # noqa: E402

try:
    CATALOG = load_catalog(ROOT / "chapters" / "book.toml")
except SeedError as _err:  # the editor's own message (file:line: what was expected), not a traceback
    raise ConfigError("\n".join(e.located(ROOT) for e in _err.errors)) from None

# Reproducible output: figures and the PDF's date come from the last commit, not the clock.
if "SOURCE_DATE_EPOCH" not in os.environ:
    _commit = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    if _commit.returncode == 0 and _commit.stdout.strip():
        os.environ["SOURCE_DATE_EPOCH"] = _commit.stdout.strip()

# -- The book ------------------------------------------------------------------------------------
project = CATALOG.full_title  # [book] in chapters/book.toml: the subtitle counts the chapters
author = "苏剑林（原文）；本书编者（注解）"
copyright = "原文 苏剑林，CC BY-NC-SA；注解与编排 本书编者，CC BY-NC-SA 4.0"
language = "zh_CN"
# The edition is the date of the sources (the last commit's, as above): the EPUB's version.
_edition = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or datetime.now().timestamp()  # no git: today
version = datetime.fromtimestamp(_edition, UTC).strftime("%Y.%m.%d")
root_doc = "index"
exclude_patterns = ["_build", ".venv", "node_modules", ".pytest_cache", ".hypothesis", "chapters/_generated", "README.md", "LICENSE-BOOK.md", "tests", "seeds"]
smartquotes = False  # seed punctuation is restored by the importer, never guessed by docutils

extensions = [
    "myst_parser",
    "markup_checks",  # an unclosed fence or a heading swallowed by a directive fails the build
    "sphinxcontrib.bibtex",
    "sphinxcontrib.katex",
    "book_toctree",  # parts and chapters from chapters/book.toml
    "book_text",  # {book}`chapters` ...: the cover's counts and title from chapters/book.toml
    "numbering",  # chapters 1–8 through the parts; the author's equation tags
    "chapter_bibliography",  # each chapter's references at its end
    "katex_assets",  # KaTeX CSS and fonts served from the book, not a CDN
    "book_values",  # {value}`topic.name`: numbers computed by bookmath at build time
    "excerpt_quote",  # {excerpt-quote}`…`: the author's words, checked against the chapter's excerpt
    "pinyin_order",  # glossary and index sorted by pinyin, grouped by initial
    "plot_dependencies",  # figures computed at build time (matplotlib's plot), rebuilt when their script or bookmath changes
    "plot_labels",  # a label before a plot figure names the figure, so {numref} numbers it
    "sphinx.ext.graphviz",  # diagrams
    "sphinxext.opengraph",  # HTML: Open Graph tags for link previews
    "notfound.extension",  # HTML: the 404 page, outside every toctree, working at any depth
    "page_meta",  # HTML: Chinese descriptions and titles, the book's address for the two above
    "html_a11y",  # HTML: ARIA roles of citation lists that axe-core accepts; diagrams named by their alt text
    "search_synonyms",  # HTML search: a glossary term's names are synonyms in the index
    "search_page_data",  # HTML search: the dictionary and reading order for the query splitter
    "copy_tex",  # HTML: copying an equation gives its TeX (KaTeX's copy-tex, served from the book)
    "ref_previews",  # HTML: hover or tap a reference to see its target, built from the book's pages
    "latex_structure",  # PDF: title/imprint pages, front and back matter, part introductions
    "latex_numbers",  # PDF: equation and figure numbers exactly as in the HTML
    "latex_excerpt",  # PDF: the seed's excerpt set apart from our commentary
    "latex_figures",  # PDF: figures written by cairo, their labels real text (no Type 3 fonts)
    "latex_bibliography",  # PDF: each chapter's references at its end, not all at the back
    "latex_build",  # PDF: xelatex without shell escape, reading only its folder, reproducible
    "pdf_download",  # HTML: the cover and the navigation link the PDF when a current one exists, never a stale one
    "offline",  # HTML: a service worker reads the whole book offline after one visit; web app manifest
    "epub_book",  # EPUB: the cover image, drawn from the title and credits
    "part_numbers",  # HTML: part pages titled 第一部分　概率模型 …
    "figure_links",  # HTML: each figure at the column's width, linked to its full-size SVG
    "cjk_linebreak",  # HTML: inline math and the punctuation after it stay on one line
    "deferred_scripts",  # HTML: no script in the head blocks the first paint
    "css_bundle",  # HTML: one stylesheet, cut by PurgeCSS to the rules the built pages use
    "lazy_figures",  # HTML: figures below the fold load lazily, their size set (no layout shift)
]

# -- MyST ----------------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "fieldlist"]
myst_dmath_double_inline = True

# -- Numbers: chapter.k for figures and equations, as in print -----------------------------------
numfig = True
math_numfig = True
numfig_secnum_depth = 1
math_eqref_format = "({number})"
numfig_format = {"figure": "图%s", "table": "表%s"}  # no space between Chinese and digits: 图1.1

# -- Figures: computed at build time, SVG in HTML, vector PDF in print, reproducible ------------
plot_formats = ["svg", "pdf"]
plot_html_show_formats = False
plot_html_show_source_link = False
plot_include_source = False
plot_pre_code = "import numpy as np\nfrom matplotlib import pyplot as plt\nimport bookmath"
plot_rcparams = {
    # Debian's Noto CJK .ttc files hold the JP face first; asking for "SC" by name picks the
    # simplified Chinese glyphs (直, 骨, 说 differ).
    "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
    "axes.unicode_minus": False,
    "svg.hashsalt": "kexue-reader",  # stable ids inside the SVG
    # Figures are drawn for a phone's column (3.5 in ≈ 336 CSS px, one panel a row), so 9 pt text
    # (8.5 pt at the least) reads at ~12 px there; book.css caps their width on wide screens.
    "figure.figsize": (3.5, 3.0),
    "font.size": 9,
    "savefig.bbox": "tight",
}
graphviz_output_format = "svg"
graphviz_dot_args = ["-Gfontname=Noto Sans CJK SC", "-Nfontname=Noto Sans CJK SC", "-Efontname=Noto Sans CJK SC"]

# -- Citations -----------------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "unsrt"

# -- HTML ----------------------------------------------------------------------------------------
# The book's child theme of sphinx-book-theme (_themes/kexue/): its templates serve the HTML
# builder only, not the EPUB, whose builder uses its own theme.
html_theme = "kexue"
html_theme_path = ["_themes"]
html_title = project
html_static_path = ["_static"]
html_css_files = ["book.css", "book-search.css"]
html_js_files = ["book.js"]  # the visible sidebar buttons work on phones
html_last_updated_fmt = None
html_search_language = "zh"
# jieba's default dictionary splits the book's terms (自编码器, 信息瓶颈 ...); ours keeps them whole.
html_search_options = {"dict": str(ROOT / "_ext" / "zh-search-dict.txt")}
html_theme_options = {
    "use_download_button": False,  # the theme's button prints the page; the cover links the real PDF
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "search_bar_text": "搜索本书…",
    # Every page carries the navigation tree: a small book shows every chapter; past 60 chapters
    # only the current part's, so a page's size and build cost stay bounded as the book grows.
    "collapse_navbar": len(CATALOG.chapters) > 60,
    "max_navbar_depth": 2,  # parts and chapters; a chapter's sections are in the page's own TOC
    # The theme's search button (pydata-sphinx-theme sets this option unless conf.py does, so
    # theme.toml cannot): named by path, as the theme's other components are.
    "navbar_persistent": ["kexue/search-button-field.html"],
}
# pydata-sphinx-theme reads the initial colour mode from here; left unset, every page starts with
# mode "" and the theme logs "Got invalid theme mode" in the console.  "auto" follows the reader's
# system setting until they pick one with the toggle (kept in localStorage across pages).
html_context = {"default_mode": "auto"}
locale_dirs = ["locale"]  # locale/zh_CN/LC_MESSAGES/sphinx.po: the themes' strings in Chinese; compiled by Sphinx
html_favicon = "_static/favicon.svg"
html_extra_path = ["_extra"]  # robots.txt, at the site's root
# Open Graph (sphinxext-opengraph): page_meta gives each page its Chinese description, the cover
# its type, and og:url the book's address (html_baseurl).
ogp_type = "article"
ogp_enable_meta_description = False  # page_meta writes <meta name="description">, in Chinese
ogp_social_cards = {"enable": False}  # no preview images drawn per page
ogp_custom_meta_tags = ['<meta property="og:locale" content="zh_CN" />']
# The 404 page (sphinx-notfound-page): outside every toctree, links absolute from the book's
# address (page_meta sets notfound_urls_prefix from html_baseurl), so it works at any depth.
notfound_template = "404.html"  # _themes/kexue/404.html, in Chinese
katex_prerender = True  # math is HTML at build time: no script, no CDN, works offline
katex_css_path = "katex/katex.min.css"  # copied from node_modules by katex_assets

# -- Publishing: the address and the repository come from the hosts' builds (_ext/site_address.py)
html_baseurl = published_url()  # canonical links, the sitemap, the 404 page's base; "" locally
if html_baseurl:  # a sitemap needs absolute addresses, which a local build does not know
    extensions.append("sphinx_sitemap")
sitemap_url_scheme = "{link}"  # one language, one version: no zh_CN/ in the addresses
sitemap_locales = [None]  # no alternate-language links
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
if repository_url():
    # The buttons name the page's own source: for a chapter the hand-written file, which includes
    # the generated card and excerpt (chapters/_generated/ holds no pages).
    html_theme_options |= {"repository_url": repository_url(), "repository_branch": "main", "path_to_docs": "",
                           "use_repository_button": True, "use_source_button": True, "use_edit_page_button": True,
                           "use_issues_button": True}

# -- EPUB ----------------------------------------------------------------------------------------
# EPUB 3 (make epub), from the same sources: math as MathML (katex_assets), figures as SVG, the
# HTML's numbers; the site's additions (404, robots.txt, PDF link, metadata) stay out (outputs.py).
epub_title = project
epub_author = author
epub_publisher = "本书编者"
epub_copyright = copyright  # the licence, as dc:rights
epub_language = "zh-CN"  # BCP 47, as EPUB wants it (not Sphinx's zh_CN)
epub_identifier = "urn:uuid:09d229c3-8b20-54b0-a2e0-dcfd020371e6"  # uuid5(NAMESPACE_URL, "urn:kexue-reader:book"), fixed
epub_scheme = "uuid"
epub_cover = ("_static/epub-cover.png", "")  # drawn by epub_book; readers show it, no extra page
epub_show_urls = "no"  # links stay links; no URL printed after each
epub_css_files = ["book-epub.css"]  # one full-width colon in the chapter card
epub_basename = "book"

# -- LaTeX / PDF ---------------------------------------------------------------------------------
# A real Chinese book: ctexbook (\frontmatter, 第N章, 第一部分) under Sphinx's manual class, xelatex
# via latexmk; look in latex/kexuebook.sty (not in _static/: nothing of it belongs in the site).
latex_engine = "xelatex"
latex_documents = [(root_doc, "book.tex", project, author, "manual", False)]
latex_docclass = {"manual": "ctexbook"}
latex_toplevel_sectioning = "part"  # the cover's entries are \part; see _ext/latex_structure.py
latex_front_matter = ["preface"]  # a \chapter without number before the parts
latex_back_matter = ["glossary", "bibliography"]  # after the parts, before the index
latex_additional_files = ["latex/kexuebook.sty"]
latex_show_urls = "no"
latex_elements = {
    # A4 on purpose: the PDF is read on screen and printed at home or in an office, one-sided;
    # hence symmetric margins and chapters that start on any page (no blank versos).
    "papersize": "a4paper",
    "pointsize": "",  # Sphinx then writes 10pt, which ctexbook ignores: zihao=5 (五号, 10.5 pt) sets the body
    "extraclassoptions": "oneside,openany,fontset=none,zihao=5",
    "cmappkg": "",  # cmap is for pdflatex; xelatex writes ToUnicode maps itself
    "fontpkg": "",  # fonts are set by kexuebook.sty (fontspec through ctex)
    "fontenc": "",
    "babel": "",
    "polyglossia": "",
    "fncychap": "",  # ctex formats part and chapter headings
    "sphinxsetup": "hmargin={27mm,27mm}, vmargin={25mm,27mm}, marginpar=0mm, HeaderFamily=\\sffamily\\bfseries",
    "passoptionstopackages": r"\PassOptionsToPackage{bookmarksnumbered,bookmarksopen,bookmarksopenlevel=0,pdflang=zh-CN}{hyperref}",
    "preamble": "\n".join([
        r"\usepackage{kexuebook}",
        rf"\newcommand{{\booktitle}}{{{tex_escape(CATALOG.title, 'xelatex')}}}",
        rf"\newcommand{{\booksubtitle}}{{{tex_escape(CATALOG.subtitle, 'xelatex')}}}",
        r"\newcommand{\bookpdfauthor}{苏剑林（原文）；本书编者（注解）}",
        r"\newcommand{\bookcredits}{\begin{tabular}{r@{\quad}l}原文 & 苏剑林（科学空间，kexue.fm）\\[0.5em] 注解与编排 & 本书编者\end{tabular}}",
        r"\newcommand{\booklicence}{原文以\mbox{CC BY-NC-SA}许可发表于科学空间（kexue.fm）；\\"
        r"本书（原文节选与注解）依同一许可以\mbox{CC BY-NC-SA 4.0}发布：\\"
        r"\url{https://creativecommons.org/licenses/by-nc-sa/4.0/}}",
        # The colophon on the back of the title page, written for print (the cover's text is the web's).
        r"\newcommand{\bookcolophon}{原文：苏剑林，刊于博客“科学空间”（kexue.fm）；本书逐字照录其中八篇文章的开头部分。\par "
        r"注解与编排：本书编者（导读、注解与延伸、图、术语表、索引）。\par "
        r"许可：原文以\mbox{CC BY-NC-SA}许可发表；依其“相同方式共享”条款，本书（原文节选与注解）以\mbox{CC BY-NC-SA 4.0}发布，"
        r"转载和改编时请保留上述署名并沿用同一许可：\url{https://creativecommons.org/licenses/by-nc-sa/4.0/}。\par "
        r"本书的程序代码（导入器、扩展、测试）以MIT许可发布。\par}",
    ]),
    "maketitle": r"\bookfrontmatter\booktitlepage",
    "tableofcontents": "",  # printed after the imprint page by latex_structure
}
