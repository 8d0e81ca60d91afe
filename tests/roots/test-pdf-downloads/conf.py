# A tiny printed book: the book's LaTeX shape (latex_structure, latex/kexuebook.sty) and its
# imprint page, which names the published files (pdf_download).
# The test copies the book's latex/kexuebook.sty in beside this file.
extensions = ["kexuebook.sphinx.latex.structure", "kexuebook.sphinx.html.pdf_download"]
project = "小书"
language = "zh_CN"
latex_engine = "xelatex"
latex_documents = [("index", "book.tex", project, "编者", "manual", False)]
latex_docclass = {"manual": "ctexbook"}
latex_toplevel_sectioning = "part"
latex_additional_files = ["latex/kexuebook.sty"]
latex_elements = {
    "papersize": "a4paper",
    "extraclassoptions": "oneside,openany,fontset=none,zihao=5",
    "cmappkg": "", "fontpkg": "", "fontenc": "", "babel": "", "polyglossia": "", "fncychap": "",
    "preamble": "\n".join([
        r"\usepackage{kexuebook}",
        r"\newcommand{\booktitle}{小书}",
        r"\newcommand{\booksubtitle}{一章}",
        r"\newcommand{\bookcolophon}{这本小书只有一章。\par}",
    ]),
    "maketitle": r"\bookfrontmatter",
    "tableofcontents": "",
}
