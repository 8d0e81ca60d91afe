"""Shared helpers of the test suite: build the book, read its pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
STRICT = ["-W", "-n", "--keep-going"]


def sphinx_build(builder: str, source: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a strict sphinx-build; fail the test with Sphinx's output when it does not succeed."""
    command = [sys.executable, "-m", "sphinx", "-b", builder, *STRICT, "-d", str(out / ".doctrees"), *extra, str(source), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise AssertionError(f"sphinx-build -b {builder} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}")
    return result


def page(html_dir: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def article_text(soup: BeautifulSoup) -> str:
    """The visible text of a page's body (the article, without navigation or scripts)."""
    main = soup.select_one("article.bd-article") or soup.body
    for hidden in main.select("script, style, .headerlink, .katex-mathml"):
        hidden.decompose()
    return main.get_text(" ")
