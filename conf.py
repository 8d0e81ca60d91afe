"""Sphinx configuration of the book: one source, an HTML book and a LaTeX PDF."""

import sys
from pathlib import Path

ROOT = Path(__file__).parent.resolve()
sys.path[:0] = [str(ROOT), str(ROOT / "_ext")]  # the importer package and our extensions

# -- The book ------------------------------------------------------------------------------------
project = "科学空间选读：机器学习八篇注解"
author = "苏剑林（原文）；本书编者（注解）"
copyright = "原文 苏剑林，CC BY-NC-SA；注解与编排 本书编者，CC BY-NC-SA 4.0"
language = "zh_CN"
root_doc = "index"
exclude_patterns = ["_build", ".venv", "node_modules", "chapters/_generated", "README.md", "LICENSE-BOOK.md", "tests", "seeds"]
smartquotes = False  # seed punctuation is restored by the importer, never guessed by docutils

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "sphinxcontrib.katex",
    "book_toctree",  # parts and chapters from chapters/book.toml
    "numbering",  # chapters 1–8 through the parts; the author's equation tags
    "chapter_bibliography",  # each chapter's references at its end
    "katex_assets",  # KaTeX CSS and fonts served from the book, not a CDN
    "book_values",  # {value}`topic.name`: numbers computed by bookmath at build time
    "pinyin_order",  # glossary and index sorted by pinyin, grouped by initial
    "matplotlib.sphinxext.plot_directive",  # figures computed at build time
    "sphinx.ext.graphviz",  # diagrams
]

# -- MyST ----------------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "fieldlist"]
myst_dmath_double_inline = True

# -- Numbers: chapter.k for figures and equations, as in print -----------------------------------
numfig = True
math_numfig = True
numfig_secnum_depth = 1
math_eqref_format = "({number})"

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
    "figure.figsize": (6.4, 3.6),
    "savefig.bbox": "tight",
}
graphviz_output_format = "svg"
graphviz_dot_args = ["-Gfontname=Noto Sans CJK SC", "-Nfontname=Noto Sans CJK SC", "-Efontname=Noto Sans CJK SC"]

# -- Citations -----------------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "unsrt"

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_last_updated_fmt = None
html_search_language = "zh"
# jieba's default dictionary splits the book's terms (自编码器, 信息瓶颈 ...); ours keeps them whole.
html_search_options = {"dict": str(ROOT / "_ext" / "zh-search-dict.txt")}
html_theme_options = {
    "use_download_button": False,  # the theme's button prints the page; the cover links the real PDF
    "use_fullscreen_button": False,
    "show_toc_level": 2,
}
katex_prerender = True  # math is HTML at build time: no script, no CDN, works offline
katex_css_path = "katex/katex.min.css"  # copied from node_modules by katex_assets

# -- LaTeX / PDF ---------------------------------------------------------------------------------
latex_engine = "xelatex"
latex_documents = [(root_doc, "book.tex", project, author, "manual", False)]
latex_toplevel_sectioning = "part"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "fontpkg": "",
    "fontenc": "",
    "babel": "",
    "polyglossia": "",
    "preamble": r"\usepackage[heading=true]{ctex}",
}
