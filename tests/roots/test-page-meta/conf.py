# A tiny book for page_meta, with the book's own settings of sphinxext-opengraph and
# sphinx-notfound-page, its theme and its templates (the 404 page).
from pathlib import Path

import page_meta

extensions = ["myst_parser", "sphinxext.opengraph", "notfound.extension", "page_meta"]
project = "小书"
language = "zh_CN"
html_theme = "sphinx_book_theme"
templates_path = [str(Path(page_meta.__file__).resolve().parents[1] / "_templates")]
ogp_type = "article"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
notfound_template = "404.html"
