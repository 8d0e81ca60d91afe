"""A tiny book: two chapters quoting their excerpts, one faithfully, one not."""

extensions = ["myst_parser", "kexuebook.sphinx.content.excerpt_quote"]
kexuebook_excerpt_source = "_generated/{slug}-excerpt.md"
exclude_patterns = ["_build", "_generated"]
