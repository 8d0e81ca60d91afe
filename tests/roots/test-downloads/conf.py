# A tiny book whose cover offers downloads (pdf_download), as the book's cover does.
extensions = ["kexuebook.sphinx.html.pdf_download"]
project = "小书"
language = "zh_CN"
