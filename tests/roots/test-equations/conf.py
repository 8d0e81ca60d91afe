# A tiny book: one numbered chapter with single, multi-equation and author-tagged displays.
extensions = ["myst_parser", "kexuebook.sphinx.content.equations", "kexuebook.sphinx.latex.numbering"]
myst_enable_extensions = ["dollarmath"]
numfig = True
math_numfig = True
numfig_secnum_depth = 1
math_eqref_format = "({number})"
latex_engine = "xelatex"
latex_documents = [("index", "equations.tex", "Equations", "Test", "manual")]
latex_elements = {"fontpkg": ""}  # fontspec's Latin Modern: no FreeSerif needed
