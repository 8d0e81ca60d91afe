"""The book's formulas, once: the commentary's figures, the numbers in its prose and the math
tests all call these functions.  One module per topic; each may define ``VALUES``, a mapping from
a name to a function returning the text of a number the prose states (see ``{value}``).
"""
