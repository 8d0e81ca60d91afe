# A tiny Chinese project for figure_legends: figures whose captions use Sphinx's math role.
extensions = ["kexuebook.sphinx.content.figure_legends"]
language = "zh_CN"
