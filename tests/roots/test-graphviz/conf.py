# A tiny book for html_a11y's diagrams: sphinx.ext.graphviz with SVG output, as in the book.
extensions = ["myst_parser", "sphinx.ext.graphviz", "kexuebook.sphinx.html.a11y"]
graphviz_output_format = "svg"
