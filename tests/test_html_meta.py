"""What the HTML book says about itself: language, titles, descriptions, Open Graph, favicon,
404 page, robots.txt, and the search index built with the book's own jieba dictionary."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from helpers import page
from kexuebook.sphinx.html import page_meta  # the extension under test

BOOK = "科学空间选读：机器学习八篇注解"


def docnames(html_dir: Path) -> list[str]:
    skip = ("_static/", "_sources/", "_images/", ".doctrees/", "plot_directive/")
    return sorted(p.relative_to(html_dir).with_suffix("").as_posix() for p in html_dir.rglob("*.html")
                  if not p.relative_to(html_dir).as_posix().startswith(skip))


def meta(soup, **attrs) -> str | None:
    tag = soup.find("meta", attrs=attrs)
    return tag["content"] if tag else None


@pytest.fixture(scope="module")
def pages(html_dir):
    return {name: page(html_dir, name) for name in docnames(html_dir)}


def test_every_page_is_chinese(pages):
    assert {soup.html["lang"] for soup in pages.values()} == {"zh-CN"}


def test_every_page_has_a_meaningful_title(pages):
    for name, soup in pages.items():
        title = soup.title.get_text()
        assert title.strip(), name
        if name == "index":
            assert title == BOOK  # the cover: the book's title, once
        else:
            head, _, book = title.partition(" — ")
            assert book == BOOK and head and head != BOOK, (name, title)
    assert pages["search"].title.get_text() == f"搜索 — {BOOK}"
    assert pages["404"].title.get_text() == f"页面未找到 — {BOOK}"


def test_every_page_has_a_description_and_open_graph(pages):
    """Every page is described; every page of the book's text (not search, index, 404) previews."""
    descriptions = {}
    for name, soup in pages.items():
        description = meta(soup, name="description")
        assert description and len(description) >= 10, name
        assert len(description) <= page_meta.DESCRIPTION_LIMIT + 1, (name, description)
        assert description[-1] in "。！？；…", (name, description)  # a sentence end, or marked as cut
        assert not re.search(r"\[\d", description), (name, description)  # no citation marks
        if name in page_meta.GENERATED_PAGES:
            assert meta(soup, property="og:title") is None, name  # no document: nothing to preview
            continue
        assert meta(soup, property="og:description") == description
        assert meta(soup, property="og:title") == (BOOK if name == "index" else soup.title.get_text().split(" — ")[0])
        assert meta(soup, property="og:locale") == "zh_CN"
        assert meta(soup, property="og:site_name") == BOOK
        descriptions[name] = description
    chapters = [name for name in descriptions if name.startswith("chapters/") and not name.endswith("/index")]
    assert len({descriptions[name] for name in chapters}) == len(chapters), "each chapter describes itself"


def test_description_comes_from_the_guide(pages):
    """A chapter with a written 导读 is described by its first sentences."""
    soup = pages["chapters/information-theory/min-entropy"]
    description = meta(soup, name="description")
    heading = next(h for h in soup.select("article h2") if "导读" in h.get_text())
    first = re.sub(r"\[[\d.]+\]", "", heading.find_next("p").get_text())  # without citation marks
    assert description.startswith("这是“最小熵原理”系列的第二篇。")
    assert first.startswith(description.rstrip("…"))


def test_part_pages_are_described(pages):
    for name in pages:
        if name.startswith("chapters/") and name.endswith("/index"):
            assert meta(pages[name], name="description") != BOOK, name


def test_a_page_that_is_only_a_table_of_contents_names_its_chapters():
    from docutils import nodes

    def item(text):
        return nodes.list_item("", nodes.paragraph("", "", nodes.reference(text, text)))

    doctree = nodes.section("", nodes.title("", "损失函数"),
                            nodes.compound("", nodes.bullet_list("", item("3. 从loss的硬截断、软化到focal loss"), item("4. 另一章")),
                                           classes=["toctree-wrapper"]))
    assert page_meta.first_paragraph(doctree) == ""
    assert page_meta.toc_summary(doctree, "损失函数") == "损失函数：从loss的硬截断、软化到focal loss；另一章。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("短句。", "短句。"),
        ("一" * 60 + "。" + "二" * 50 + "。" + "三" * 30 + "。", "一" * 60 + "。" + "二" * 50 + "。"),
        ("一" * 80 + "，" + "二" * 80 + "。", "一" * 80 + "…"),
        ("一" * 200, "一" * 119 + "…"),
    ],
)
def test_truncate_cuts_at_a_sentence_end(text, expected):
    assert page_meta.truncate(text) == expected


def test_favicon_is_bundled(pages, html_dir):
    for name, soup in pages.items():
        icon = soup.find("link", rel="icon")
        assert icon is not None, name
        assert not icon["href"].startswith(("http:", "https:", "//")), name
        href = icon["href"]  # the 404 page's are absolute paths: it is shown at any depth
        target = html_dir / href.lstrip("/") if href.startswith("/") else (html_dir / name).parent / href
        assert target.resolve().is_file(), (name, href)
    assert (html_dir / "_static" / "favicon.svg").read_text().startswith("<svg")


def test_404_page_exists_outside_the_toctree(pages):
    soup = pages["404"]
    assert "页面未找到" in soup.select_one("article").get_text()
    cover = soup.select_one('article a[href$="/index.html"]')
    assert cover is not None and cover["href"].startswith("/"), "the cover's link works from any depth"
    nav_links = {a["href"] for a in pages["index"].select("nav.bd-docs-nav a[href]")}
    assert not any("404" in href for href in nav_links)


def test_robots_txt_allows_crawling(html_dir):
    assert (html_dir / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"


def test_search_scripts_only_on_the_search_page(pages):
    for name, soup in pages.items():
        sources = {s.get("src", "").split("?")[0].rsplit("/", 1)[-1] for s in soup.find_all("script")}
        if name == "search":
            assert {"searchtools.js", "searchindex.js", "book-search.js"} <= sources
        else:
            assert not sources & {"searchtools.js", "searchindex.js", "book-search.js"}, name


def test_no_external_assets(pages):
    for name, soup in pages.items():
        for tag in soup.find_all(["script", "link", "img", "iframe", "source"]):
            url = tag.get("src") or (tag.get("href") if tag.name == "link" else None) or ""
            assert not url.startswith(("http:", "https:", "//")), (name, str(tag)[:200])


def test_default_colour_mode_is_set(pages):
    for name, soup in pages.items():
        assert soup.body["data-default-mode"] == "auto", name
        assert soup.html.get("data-theme") == "auto", name


def test_permalink_titles_are_chinese(pages):
    titles = {a.get("title") for soup in pages.values() for a in soup.select("article a.headerlink")}
    assert "链接到本节" in titles and "链接到此公式" in titles
    assert not [title for title in titles if title and re.search(r"[A-Za-z]{4}", title)]


def test_download_button_is_not_offered(pages):
    for name, soup in pages.items():
        assert not soup.select(".btn-download-pdf-button, [onclick*='print']"), name


# -- the search dictionary ----------------------------------------------------------------------


def search_terms(html_dir: Path) -> dict:
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return index["terms"]


def test_custom_search_dictionary_is_loaded(html_dir):
    """Sphinx silently ignores a missing dictionary: the index must hold the words only it keeps whole."""
    with warnings.catch_warnings():  # jieba 0.42 has invalid escape sequences in its regexes
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba

    plain = jieba.Tokenizer()  # jieba's own dictionary, without the book's
    terms = search_terms(html_dir)
    for word in ("自编码器", "信息瓶颈"):
        assert plain.lcut(word) != [word], f"jieba alone keeps {word} whole: pick another witness"
        assert word in terms, f"{word} is not a search term: the custom dictionary was not loaded"
