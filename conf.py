"""Sphinx configuration of the book: one source, an HTML book and a LaTeX PDF."""

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util.texescape import escape as tex_escape

from kexuebook.catalog import load_catalog
from kexuebook.importer.errors import SeedError
from kexuebook.importer.numerals import chinese_numeral
from kexuebook.sphinx.html.site_address import published_url, repository_url

ROOT = Path(__file__).parent.resolve()

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
# The title is written once, in chapters/book.toml ([book]; the subtitle counts the chapters), the
# author once, here: the HTML, the EPUB and the PDF (its title page and metadata) read both from here.
project = CATALOG.full_title
author = "苏剑林（原文）；本书编者（注解）"
copyright = "原文 苏剑林，CC BY-NC-SA；注解与编排 本书编者，CC BY-NC-SA 4.0"
language = "zh_CN"
# The edition is the date of the sources (the last commit's, as above): the EPUB's version.
_edition = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or datetime.now().timestamp()  # no git: today
version = datetime.fromtimestamp(_edition, UTC).strftime("%Y.%m.%d")
today_fmt = "%Y年%-m月%-d日"  # the printed date: 2026年12月3日, not 12月03日
root_doc = "index"
exclude_patterns = ["_build", ".venv", "node_modules", ".pytest_cache", ".hypothesis", "chapters/_generated", "README.md", "LICENSE-BOOK.md", "tests", "seeds"]
smartquotes = False  # seed punctuation is restored by the importer, never guessed by docutils

# The book's extension (kexuebook/sphinx/): it sets up each of its parts and the libraries they
# build on (MyST, sphinxcontrib-bibtex and -katex, graphviz, sphinxext-opengraph, sphinx-notfound-page).
extensions = ["kexuebook.sphinx"]

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
# Each build draws only its own format, once per content (kexuebook/sphinx/content/plot_formats.py and plot_cache.py).
plot_formats = ["svg", "pdf"]
plot_html_show_formats = False
plot_html_show_source_link = False
plot_include_source = False
plot_pre_code = "import numpy as np\nfrom matplotlib import pyplot as plt\nimport kexuebook.math"
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
html_search_options = {"dict": str(ROOT / "kexuebook" / "sphinx" / "html" / "zh-search-dict.txt")}
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

# -- Publishing: the address and the repository come from the hosts' builds (kexuebook/sphinx/html/site_address.py)
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
epub_cover = ("_static/epub-cover.png", "")  # drawn by kexuebook.sphinx.epub.book; readers show it, no extra page
epub_show_urls = "no"  # links stay links; no URL printed after each
epub_css_files = ["book-epub.css"]  # one full-width colon in the chapter card
epub_basename = "book"

# -- LaTeX / PDF ---------------------------------------------------------------------------------
# A real Chinese book: ctexbook (\frontmatter, 第N章, 第一部分) under Sphinx's manual class, xelatex
# via latexmk; look in latex/kexuebook.sty (not in _static/: nothing of it belongs in the site).
latex_engine = "xelatex"
latex_documents = [(root_doc, "book.tex", project, author, "manual", False)]
latex_docclass = {"manual": "ctexbook"}
latex_toplevel_sectioning = "part"  # the cover's entries are \part; see kexuebook/sphinx/latex/structure.py
kexuebook_front_matter = ["preface"]  # PDF: a \chapter without number before the parts (kexuebook.sphinx.latex.structure)
kexuebook_back_matter = ["glossary", "bibliography"]  # PDF: after the parts, before the index
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
        rf"\newcommand{{\bookpdfauthor}}{{{tex_escape(author, 'xelatex')}}}",
        r"\newcommand{\bookcredits}{\begin{tabular}{r@{\quad}l}原文 & 苏剑林（科学空间，kexue.fm）\\[0.5em] 注解与编排 & 本书编者\end{tabular}}",
        r"\newcommand{\booklicence}{原文以\mbox{CC BY-NC-SA}许可发表于科学空间（kexue.fm）；\\"
        r"本书（原文节选与注解）依同一许可以\mbox{CC BY-NC-SA 4.0}发布：\\"
        r"\url{https://creativecommons.org/licenses/by-nc-sa/4.0/}}",
        # The colophon on the back of the title page, written for print (the cover's text is the web's).
        rf"\newcommand{{\bookcolophon}}{{原文：苏剑林，刊于博客“科学空间”（kexue.fm）；本书逐字照录其中{chinese_numeral(len(CATALOG.chapters), count=True)}篇文章的开头部分。\par "
        r"注解与编排：本书编者（导读、注解与延伸、图、术语表、索引）。\par "
        r"许可：原文以\mbox{CC BY-NC-SA}许可发表；依其“相同方式共享”条款，本书（原文节选与注解）以\mbox{CC BY-NC-SA 4.0}发布，"
        r"转载和改编时请保留上述署名并沿用同一许可：\newline\url{https://creativecommons.org/licenses/by-nc-sa/4.0/}\par "  # the address on a line of its own
        r"本书的程序代码（如\texttt{kexuebook}包、测试、工具、作图脚本、构建配置，以及网页、EPUB与PDF的样式表、脚本和模板）以MIT许可发布；书中印出的文字，包括写在代码文件里的书名、信息卡和版权页的文字，以及测试中照录的原文，不在此列。\par}",
    ]),
    "maketitle": r"\bookfrontmatter\booktitlepage",
    "tableofcontents": "",  # printed after the imprint page by kexuebook.sphinx.latex.structure
}
