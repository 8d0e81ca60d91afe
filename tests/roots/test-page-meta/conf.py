# A tiny book for page_meta, with the book's own settings of sphinxext-opengraph and
# sphinx-notfound-page, its child theme and that theme's templates (the 404 page).
from pathlib import Path

from kexuebook.sphinx.html import page_meta

extensions = ["myst_parser", "sphinxext.opengraph", "notfound.extension", "kexuebook.sphinx.html.page_meta"]
project = "小书"
language = "zh_CN"
html_theme = "kexue"
html_theme_path = [str(Path(page_meta.__file__).resolve().parents[3] / "_themes")]
ogp_type = "article"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
notfound_template = "404.html"
