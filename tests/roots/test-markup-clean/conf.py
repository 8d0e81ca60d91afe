# A tiny book of legal fences and headings: the checks must say nothing (tests/test_markup_checks.py).
extensions = ["myst_parser", "kexuebook.sphinx.content.markup_checks"]
myst_enable_extensions = ["colon_fence", "dollarmath", "fieldlist"]
exclude_patterns = ["parts"]
