"""The sidebar shared by a part's chapters (kexuebook/sphinx/html/navigation_cache.py) is the theme's own, page by page.

Two copies of a small synthetic book (tools/synth_book.py, 21 articles: the first part holds five
chapters, so the second chapter's sidebar is the first one's with the mark moved) are built, one
without the extension: every page's sidebar is the same HTML in both, and marks its own page.
A third copy shows one chapter of a part (``kexuebook_sidebar_neighbours = 0``): a long part's list
is cut around the page (kexuebook/sphinx/html/nav_window.py), so a page's size does not grow with
the book's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, build_in_place, sphinx_build, synthetic_book_at

pytestmark = pytest.mark.workflow  # a synthetic book of its own (conftest: left out of make test-fast)

EXTENSION_LINE = '    "kexuebook.sphinx.html.navigation_cache",'
PARTS = Path("kexuebook") / "sphinx" / "__init__.py"  # where the book's extension lists its parts
FIRST, SECOND = "chapters/probabilistic-models/synthetic-0001", "chapters/probabilistic-models/synthetic-0002"


def build(book: Path) -> Path:
    build_in_place(book)
    return book / "_build" / "html"


def sidebar(html_dir: Path, docname: str) -> str:
    text = (html_dir / f"{docname}.html").read_text(encoding="utf-8")
    return str(BeautifulSoup(text, "html.parser").select_one("nav.bd-docs-nav"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    book = synthetic_book_at(tmp_path_factory.mktemp("navigation") / "book", articles=21)
    plain = book.parent / "plain"
    shutil.copytree(book, plain, symlinks=True)
    parts = (plain / PARTS).read_text(encoding="utf-8")
    line = next(line for line in parts.splitlines() if line.startswith(EXTENSION_LINE))
    (plain / PARTS).write_text(parts.replace(line + "\n", ""), encoding="utf-8")
    # Without the part, the template calls the theme's own generate_toctree_html.
    return build(book), build(plain)


@pytest.fixture(scope="module")
def narrow(builds) -> Path:
    """The book of ``builds`` whose sidebar shows no neighbour: its first part (five chapters) is long."""
    book = builds[0].parent.parent
    narrow = book.parent / "narrow"
    shutil.copytree(book, narrow, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    with (narrow / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nkexuebook_sidebar_neighbours = 0\n")
    return build(narrow)


def part_list(html_dir: Path, docname: str) -> list[tuple[str, str]]:
    """The current part's items in the sidebar: (text, href)."""
    nav = BeautifulSoup(sidebar(html_dir, docname), "html.parser")
    return [(a.get_text(), a["href"]) for a in nav.select("li.toctree-l1.current > details > ul > li > a")]


def test_every_sidebar_is_the_themes_own(builds):
    shared, plain = builds
    pages = sorted(p.relative_to(plain).with_suffix("").as_posix() for p in plain.rglob("*.html") if "_static" not in p.parts)
    assert SECOND in pages
    for docname in pages:
        assert sidebar(shared, docname) == sidebar(plain, docname), docname


def test_the_second_chapter_is_marked_itself(builds):
    shared, _ = builds
    nav = BeautifulSoup(sidebar(shared, SECOND), "html.parser")
    current = nav.select("li.toctree-l2.current > a.current")
    assert [a.get_text() for a in current] == [nav.select_one("a[href='#']").get_text()]
    assert "合成文章2" in current[0].get_text()
    assert nav.select_one(f"a[href='{Path(FIRST).name}.html']") is not None, "the first chapter is linked"


def test_the_mark_is_moved_only_between_items_sphinx_wrote(builds):
    from kexuebook.sphinx.html.navigation_cache import moved_mark

    _, plain = builds
    first = sidebar(plain, FIRST)
    assert moved_mark(first, FIRST, SECOND) == sidebar(plain, SECOND)
    assert moved_mark(first, FIRST, "chapters/probabilistic-models/index") is None, "a part page is not a chapter item"


def test_a_404_page_without_any_toctree_builds(tmp_path):
    """sphinx-notfound-page's toctree() answers None for a book with no toctree, which the theme
    then parsed as HTML: the build stopped (the bench's cover-only baseline)."""
    (tmp_path / "conf.py").write_text(
        "extensions = ['notfound.extension', 'kexuebook.sphinx.html.navigation_cache']\n"
        f"html_theme = 'kexue'\nhtml_theme_path = [{str(ROOT / '_themes')!r}]\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text("封面\n====\n\n只有一页。\n", encoding="utf-8")
    sphinx_build("html", tmp_path, tmp_path / "_build")
    assert "只有一页" in (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "_build" / "404.html").is_file()


def test_a_long_parts_list_shows_the_chapters_around_the_page_and_links_the_rest(narrow, builds):
    plain = builds[1]
    titles = [text for text, _ in part_list(plain, FIRST)]
    assert len(titles) == 5, titles
    first = part_list(narrow, FIRST)
    assert first == [(titles[0], "#"), ("后面还有4章，见本部分目录", "index.html")], first
    # one chapter left out before: shown instead of an item standing for it
    assert part_list(narrow, SECOND) == [(titles[0], "synthetic-0001.html"), (titles[1], "#"), ("后面还有3章，见本部分目录", "index.html")]
    third = "chapters/probabilistic-models/synthetic-0003"
    assert part_list(narrow, third) == [("前面还有2章，见本部分目录", "index.html"), (titles[2], "#"), ("后面还有2章，见本部分目录", "index.html")]
    # the part's own page lists them all in its body: the item says so, and links nothing
    part = BeautifulSoup(sidebar(narrow, "chapters/probabilistic-models/index"), "html.parser")
    assert part_list(narrow, "chapters/probabilistic-models/index") == [(titles[0], "synthetic-0001.html")]
    assert [li.get_text() for li in part.select("li.book-nav-more")] == ["后面还有4章，见本页目录"]
    assert not part.select("li.book-nav-more a")
    # only the page's own part is cut: the other parts' lists are the theme's
    others = lambda html_dir: [str(ul) for ul in BeautifulSoup(sidebar(html_dir, third), "html.parser").select("li.toctree-l1:not(.current) ul")]
    assert others(narrow) == others(plain) and len(others(plain)) == 4


def test_the_window_keeps_as_many_chapters_at_either_end():
    from kexuebook.sphinx.html.nav_window import window

    assert window(5, 2, neighbours=10) == range(5)
    assert window(30, 0, neighbours=2) == range(5)
    assert window(30, 15, neighbours=2) == range(13, 18)
    assert window(30, 29, neighbours=2) == range(25, 30)
    assert window(30, None, neighbours=2) == range(5), "the part's own page: its first chapters"
    assert window(30, 3, neighbours=2) == range(6), "one chapter left out before: shown"
    assert window(30, 26, neighbours=2) == range(24, 30), "one chapter left out after: shown"
