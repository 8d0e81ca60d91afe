"""A tiny book: two chapters quoting their excerpts, one faithfully, one not."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "_ext"))
extensions = ["myst_parser", "excerpt_quote"]
excerpt_quote_source = "_generated/{slug}-excerpt.md"
exclude_patterns = ["_build", "_generated"]
