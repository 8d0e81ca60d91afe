# A tiny book for cjk_linebreak: paragraphs whose punctuation text nodes repeat, as on a real page.
extensions = ["myst_parser", "kexuebook.sphinx.html.cjk_linebreak"]
myst_enable_extensions = ["dollarmath"]
language = "zh_CN"
