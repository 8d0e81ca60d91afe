"""The printed book: the LaTeX builder's structure, numbers, figures and how TeX runs."""
