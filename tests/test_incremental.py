"""Incremental builds follow every source of a page (issue 16): `make html` twice, an edit between.

On a small synthetic book (tools/synth_book.py, two articles) whose first chapter has a figure
computed by a script of its own and numbers computed by kexuebook.math (``{value}``), each test edits
one source and builds again into the same folders, as ``make html`` does: the page must show the
edit.  The figure once never changed (the plot directive noted no dependency), nor did a number
whose text comes from kexuebook/math/prose.py or from the corpus.  The book's builds import its
own copy of the package (PYTHONPATH), as they would in a checkout of their own.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import article_text, build_in_place, edit, synthetic_book_at, with_figure

pytestmark = pytest.mark.workflow  # a synthetic book of its own (conftest: left out of make test-fast)

CHAPTER = "chapters/probabilistic-models/synthetic-0001"
OTHER = "chapters/regularization/synthetic-0002"
SCRIPT = "chapters/probabilistic-models/figures/demo.py"
FIGURE = '''"""A figure of the synthetic chapter: a line whose height the test changes."""
from kexuebook.math.prose import significant

HEIGHT = 1.0
fig, ax = plt.subplots()
ax.plot([0, 1], [0, HEIGHT])
ax.set_title(significant(HEIGHT))
'''
ADDED = f"""
语料共有{{value}}`entropy.n_sentences`句；聚焦损失的伽马取{{value}}`focal.gamma`。

```{{eval-rst}}
.. plot:: {SCRIPT}
   :alt: 一条斜线
```
"""


def build(book: Path) -> str:
    """An incremental HTML build into the book's _build (as `make html`); its output."""
    return build_in_place(book, timeout=300).stdout


def reread(output: str) -> set[str]:
    """The documents a build read again."""
    return set(re.findall(r"reading sources\.\.\. \[[ 0-9]+%\] (\S+)", output))


def page(book: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((book / "_build" / "html" / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def written(output: str) -> set[str]:
    """The pages a build wrote."""
    return set(re.findall(r"writing output\.\.\. \[[ 0-9]+%\] (\S+)", output))


def figure_bytes(book: Path) -> str:
    soup = page(book, CHAPTER)
    image = soup.select_one("figure img, img[alt='一条斜线']")
    assert image is not None, "the chapter has its figure"
    return hashlib.sha256((book / "_build" / "html" / CHAPTER).parent.joinpath(image["src"]).resolve().read_bytes()).hexdigest()



@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = with_figure(synthetic_book_at(tmp_path_factory.mktemp("incremental") / "book"), CHAPTER, SCRIPT, FIGURE, ADDED)
    build(root)
    return root


def test_editing_the_figure_script_redraws_the_figure(book):
    before = figure_bytes(book)
    edit(book / SCRIPT, "HEIGHT = 1.0", "HEIGHT = 3.0")
    assert CHAPTER in reread(build(book))
    assert figure_bytes(book) != before


def test_editing_the_formulas_prose_rewrites_the_numbers_and_the_figure(book):
    before = figure_bytes(book)
    edit(book / "kexuebook" / "math" / "prose.py", 'trim="-")', 'trim="-") + "′"')
    output = build(book)
    assert CHAPTER in reread(output) and OTHER not in reread(output), "the pages that use it, no others"
    assert "伽马取2′" in "".join(article_text(page(book, CHAPTER)).split())
    assert figure_bytes(book) != before, "the figure's title is written by kexuebook.math.prose"


def test_editing_the_corpus_recounts(book):
    text = "".join(article_text(page(book, CHAPTER)).split())
    count = int(re.search(r"语料共有(\d+)句", text).group(1))
    with (book / "kexuebook" / "math" / "data" / "corpus.txt").open("a", encoding="utf-8") as corpus:
        corpus.write("新 加 的 一 句\n")
    assert CHAPTER in reread(build(book))
    assert f"语料共有{count + 1}句" in "".join(article_text(page(book, CHAPTER)).split())


def test_editing_references_bib_shows_the_new_text(book):
    edit(book / "references.bib", "title = {合成文章1}", "title = {改过的题目}")
    assert CHAPTER in reread(build(book))
    references = " ".join(c.get_text(" ", strip=True) for c in page(book, CHAPTER).select("div.citation"))
    assert "改过的题目" in references and "合成文章1" not in references


def test_reordering_parts_in_book_toml_renumbers(book):
    def number(docname: str) -> str:
        return page(book, docname).select_one("article h1 .section-number, h1 .section-number").get_text(strip=True)

    assert (number(CHAPTER), number(OTHER)) == ("1.", "2.")
    edit(book / "chapters" / "book.toml", '[[parts]]\nslug = "probabilistic-models"\n', "")
    edit(book / "chapters" / "book.toml", '[[parts]]\nslug = "tooling"\n', '[[parts]]\nslug = "tooling"\n\n[[parts]]\nslug = "probabilistic-models"\n')
    build(book)
    assert (number(OTHER), number(CHAPTER)) == ("1.", "2.")


def test_a_chapter_text_edit_writes_that_chapter_not_its_part_page(book):
    edit(book / f"{OTHER}.md", "\n## ", "\n新加的一段话，不改任何标题。\n\n## ")
    pages = written(build(book))
    assert OTHER in pages and "chapters/regularization/index" not in pages, pages
    assert "新加的一段话" in page(book, OTHER).get_text()


def test_a_chapter_section_edit_writes_its_part_page_again(book):
    edit(book / f"{OTHER}.md", "\n## ", "\n## 新加的一节\n\n这一节是测试加的。\n\n## ")
    pages = written(build(book))
    assert {OTHER, "chapters/regularization/index"} <= pages, pages
    assert "新加的一节" in page(book, "chapters/regularization/index").get_text()
