"""The built HTML book: parts and numbering, chapter anatomy, metadata cards, math, fidelity."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT, article_text, normalise, page, phrases, seed_articles, seed_formulas, seed_prose, tex_form
from kexuebook.catalog import load_catalog
from kexuebook.importer.render import equation_label, restored_text

CATALOG = load_catalog(ROOT / "chapters" / "book.toml")


ARTICLES = seed_articles()


def headings(soup, level: str) -> list[str]:
    return [normalise(h.get_text()).rstrip("#") for h in soup.select(f"article {level}")]


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_chapter_anatomy_and_numbers(html_dir, chapter):
    soup = page(html_dir, chapter.docname)
    n = chapter.number

    assert headings(soup, "h1")[0] == f"{n}." + normalise(restored_text(ARTICLES[chapter.slug].title))
    sections = headings(soup, "h2")
    assert sections[:3] == [f"{n}.1.导读", f"{n}.2.原文(节选)", f"{n}.3.注解与延伸"]
    assert sections[-1] == f"{n}.4.参考文献"
    seed_headings = [b for b in ARTICLES[chapter.slug].blocks if b.kind.value == "heading"]
    subsections = headings(soup, "h3")
    for k, block in enumerate(seed_headings, start=1):
        assert f"{n}.2.{k}.{normalise(block.text)}" in subsections


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_metadata_card(html_dir, chapter):
    article = ARTICLES[chapter.slug]
    card = page(html_dir, chapter.docname).select_one(".chapter-card")
    assert card is not None
    text = card.get_text(" ", strip=True)
    assert article.author in text and article.date.isoformat() in text and str(article.readers) in text
    assert "CC BY-NC-SA" in text and "许可" in text
    links = [a["href"] for a in card.select("a[href^='http']")]
    assert links == ([chapter.url] if chapter.url else [])
    assert card.select("a[href*='#id'], a.reference.internal"), "the card cites the original post"


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_fidelity_every_seed_phrase_in_order_and_no_chrome(html_dir, chapter):
    soup = page(html_dir, chapter.docname)
    for math in soup.select(".katex"):
        math.replace_with("\u2063")  # math is compared as TeX below, not as text
    body = normalise(article_text(soup))
    position = 0
    article = ARTICLES[chapter.slug]
    for block in seed_prose(article):
        for phrase in phrases(block):
            found = body.find(phrase, position)
            assert found >= 0, f"seed phrase missing or out of order: {phrase[:60]}"
            position = found + len(phrase)
    for chrome in CATALOG.chrome_lines:
        assert normalise(chrome) not in body
    assert "位读者|引用" not in body


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_seed_math_is_in_the_generated_source_and_the_html(html_dir, chapter):
    soup = page(html_dir, chapter.docname)
    annotations = [tex_form(a.get_text()) for a in soup.select("annotation[encoding='application/x-tex']")]
    source = tex_form((ROOT / "chapters" / "_generated" / f"{chapter.slug}-excerpt.md").read_text(encoding="utf-8"))
    article = ARTICLES[chapter.slug]
    for tex in seed_formulas(article):
        assert tex_form(tex) in source
        assert any(tex_form(tex) in a for a in annotations), f"formula not rendered: {tex}"


def test_seed_equations_keep_the_authors_numbers_and_stable_ids(html_dir):
    chapter = next(c for c in CATALOG.chapters if c.slug == "min-entropy")
    soup = page(html_dir, chapter.docname)
    tagged = [b for b in ARTICLES["min-entropy"].blocks if b.tag]
    for block in tagged:
        node = soup.select_one(f"#equation-{equation_label(chapter, block, 0)}")
        assert node is not None
        assert node.select_one(".eqno").get_text(strip=True).rstrip("#") == f"({block.tag})"
    forgetting = next(c for c in CATALOG.chapters if c.slug == "forgetting")
    eqnos = [e.get_text(strip=True).rstrip("#") for e in page(html_dir, forgetting.docname).select(".eqno")]
    assert eqnos[0] == f"({forgetting.number}.1)", "the seed's untagged equation is numbered within its chapter"


def test_every_math_element_is_rendered_and_nothing_loads_from_another_host(html_dir):
    for path in sorted(html_dir.rglob("*.html")):
        soup = page(html_dir, str(path.relative_to(html_dir))[:-5])
        for math in soup.select("span.math, div.math"):
            assert math.select_one(".katex"), f"{path.name}: unrendered math {math.get_text()[:40]}"
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in soup.find_all(tag):
                url = element.get(attr) or ""
                assert not re.match(r"^(https?:)?//", url), f"{path.name} loads {url}"
    fonts = list((html_dir / "_static" / "katex" / "fonts").glob("*.woff2"))
    assert fonts and (html_dir / "_static" / "katex" / "katex.min.css").is_file()


def _bib_entries():
    import pybtex.database

    return pybtex.database.parse_file(str(ROOT / "references.bib")).entries


@pytest.mark.parametrize("key", list(_bib_entries()), ids=str)
def test_bibliography_prints_titles_as_written_and_blog_posts_name_their_venue(html_dir, key):
    """The unsrt style lowercases unprotected capitals ("variational bayes", "ssh"); every title
    must print exactly as references.bib writes it (braces aside), and every blog post must name
    科学空间 as its venue."""
    entry = _bib_entries()[key]
    title = entry.fields["title"].replace("{", "").replace("}", "")
    soup = page(html_dir, "bibliography")
    entries = [c.get_text(" ") for c in soup.select("div.citation")]
    printed = [text for text in entries if normalise(title) in normalise(text)]
    assert printed, f"{key}: title {title!r} not printed as written in {entries}"
    if "kexue.fm" in entry.fields.get("url", "") or entry.fields.get("howpublished", "").startswith("科学空间"):
        assert "科学空间（kexue.fm）" in printed[0], printed[0]  # full-width brackets in Chinese text
