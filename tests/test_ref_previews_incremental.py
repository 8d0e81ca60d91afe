"""An incremental build writes the previews of the pages it wrote again, and reads no other page.

On a small synthetic book (tools/synth_book.py, two articles), built twice into the same folders
with a section added to the first chapter in between: that chapter's previews hold the new
section; the other chapter's preview file is left as it was (its page was not written again).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import STRICT
from kexuebook.importer import __main__ as importer
from tools.synth_book import write_book

CHAPTER = "chapters/probabilistic-models/synthetic-0001"
OTHER = "chapters/regularization/synthetic-0002"


def build(book: Path) -> None:
    out = book / "_build"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "--no-color", *STRICT, "-d", str(out / "doctrees"),
               "-D", "pdf_download_file=_build/no.pdf", str(book), str(out / "html")]
    # The copy's kexuebook, not the installed one: first on the path (`-m` puts the working folder first).
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(book)}, cwd=book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def previews(book: Path, docname: str) -> Path:
    return book / "_build" / "html" / "_static" / "previews" / f"{docname}.json"


def test_an_edit_updates_its_pages_previews_only(tmp_path):
    book = write_book(2, tmp_path / "book")
    assert importer.main(["--root", str(book)]) == 0
    build(book)
    other = previews(book, OTHER).stat().st_mtime_ns
    with (book / f"{CHAPTER}.md").open("a", encoding="utf-8") as chapter:
        chapter.write("\n\n(added-section)=\n## 新加的一节\n\n这一节是测试加上的。\n")
    build(book)
    data = json.loads(previews(book, CHAPTER).read_text(encoding="utf-8"))
    assert any("新加的一节" in preview for preview in data.values()), "the new section has a preview"
    assert previews(book, OTHER).stat().st_mtime_ns == other
