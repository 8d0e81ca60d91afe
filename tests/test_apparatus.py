"""The scholarly apparatus: bibliography data, citations, cross-references, glossary, index, links."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from pybtex.database import parse_file

from helpers import ROOT, page
from kexuebook.catalog import load_catalog
from kexuebook.sphinx.content.pinyin_order import pinyin_key

CATALOG = load_catalog(ROOT / "chapters" / "book.toml")
BIB = ROOT / "references.bib"
REQUIRED = {
    "online": {"author", "title", "year", "url"},
    "misc": {"author", "title", "year"},
    "inproceedings": {"author", "title", "booktitle", "year"},
    "article": {"author", "title", "journal", "year", "volume", "pages"},
}
CITE_RE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`")


def cited_keys() -> dict[str, set[str]]:
    """Chapter slug → bib keys its sources cite (prefix removed)."""
    out: dict[str, set[str]] = {}
    for chapter in CATALOG.chapters:
        sources = [ROOT / f"{chapter.docname}.md", *sorted((ROOT / "chapters" / "_generated").glob(f"{chapter.slug}-*.md"))]
        keys = {k.strip() for s in sources for group in CITE_RE.findall(s.read_text(encoding="utf-8")) for k in group.split(",")}
        prefix = f"{chapter.slug}-"
        assert all(k.startswith(prefix) for k in keys), f"{chapter.slug}: cite with the chapter's prefix {prefix!r}"
        out[chapter.slug] = {k[len(prefix) :] for k in keys}
    return out


def test_bib_keys_are_unique_and_entries_complete():
    keys = re.findall(r"^@\w+\{([^,]+),", BIB.read_text(encoding="utf-8"), flags=re.M)
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates
    data = parse_file(str(BIB))
    for key, entry in data.entries.items():
        fields = {f.lower() for f in entry.fields} | ({"author"} if entry.persons.get("author") else set())
        missing = REQUIRED[entry.type] - fields
        assert not missing, f"{key}: missing {sorted(missing)}"
        if "doi" in entry.fields:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", entry.fields["doi"]), key
        if "eprint" in entry.fields:
            assert re.fullmatch(r"(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})", entry.fields["eprint"]), key


def test_every_entry_is_cited_and_every_citation_exists():
    data = parse_file(str(BIB))
    cited = set().union(*cited_keys().values())
    assert cited <= set(data.entries), f"unknown keys: {cited - set(data.entries)}"
    assert set(data.entries) <= cited, f"entries cited nowhere: {set(data.entries) - cited}"


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_each_chapter_lists_its_references_at_its_end(html_dir, chapter):
    soup = page(html_dir, chapter.docname)
    sections = soup.select("article section")
    last = [s for s in sections if s.find("h2") and "参考文献" in s.find("h2").get_text()][-1]
    labels = [c.get_text(strip=True) for c in last.select(".citation .label, div.citation span.label, [role=doc-biblioentry] .label")]
    entries = last.select("div.citation, [role=doc-biblioentry]")
    assert len(entries) == len(cited_keys()[chapter.slug]), "one entry per cited key"
    assert all(label.startswith(f"[{chapter.number}.") for label in labels if label)
    for ref in soup.select("span.problematic, .system-message"):
        pytest.fail(f"unresolved reference: {ref.get_text()}")


def test_every_chapter_links_to_another_chapter(html_dir):
    chapter_pages = {f"{c.docname.split('/')[-1]}.html": c for c in CATALOG.chapters}
    for chapter in CATALOG.chapters:
        soup = page(html_dir, chapter.docname)
        body = soup.select_one("article.bd-article")
        targets = {a["href"].split("#")[0].split("/")[-1] for a in body.select("a.reference.internal[href]")}
        others = {t for t in targets if t in chapter_pages and t != f"{chapter.slug}.html"}
        assert others, f"{chapter.slug} links to no other chapter"


def test_every_internal_link_and_anchor_resolves(html_dir):
    broken = []
    ids: dict[Path, set[str]] = {}
    for path in sorted(html_dir.rglob("*.html")):
        soup = page(html_dir, str(path.relative_to(html_dir))[:-5])
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target, fragment = urldefrag(href)
            # The 404 page's links start at the book's address (the site root in a local build).
            base = html_dir if target.startswith("/") else path.parent
            file = (base / unquote(target).lstrip("/")).resolve() if target else path
            if file.is_dir():
                file = file / "index.html"
            if not file.exists():
                broken.append(f"{path.name}: {href}")
                continue
            if fragment and file.suffix == ".html":
                if file not in ids:
                    ids[file] = {t["id"] for t in page(html_dir, str(file.relative_to(html_dir))[:-5]).find_all(id=True)}
                if unquote(fragment) not in ids[file]:
                    broken.append(f"{path.name}: {href}")
    assert not broken, f"{len(broken)} broken links: {broken[:10]}"


def test_glossary_has_30_terms_each_linked_from_a_use(html_dir):
    glossary = page(html_dir, "glossary")
    terms = {dt["id"]: dt.get_text(strip=True) for dt in glossary.select("dl.glossary dt[id]")}
    assert len(terms) >= 30
    linked = set()
    for path in sorted(html_dir.rglob("*.html")):
        if path.name in ("glossary.html", "genindex.html", "searchindex.js"):
            continue
        for a in page(html_dir, str(path.relative_to(html_dir))[:-5]).select("a[href*='glossary.html#']"):
            linked.add(a["href"].split("#")[1])
    unlinked = sorted(terms[t] for t in terms if t not in linked)
    assert not unlinked, f"glossary terms no use links to: {unlinked}"


def test_glossary_and_index_are_in_pinyin_order_grouped_by_initial(html_dir):
    glossary = page(html_dir, "glossary")
    terms = [dt.get_text(strip=True) for dt in glossary.select("dl.glossary dt")]
    assert terms == sorted(terms, key=pinyin_key)
    letters = [r.get_text(strip=True) for r in glossary.select("p.rubric")]
    assert letters == sorted(letters) and len(letters) > 5
    index = page(html_dir, "genindex")
    groups = [h.get_text(strip=True) for h in index.select("h2")]
    assert groups == sorted(groups) and len(groups) > 5
    entries = [td.find(string=True, recursive=True).strip() for td in index.select("table.indextable li") if td.find(string=True)]
    top = [e for e in entries if e]
    assert top, "the general index has entries"


def test_index_has_entries_from_every_chapter(html_dir):
    index = page(html_dir, "genindex")
    hrefs = {a["href"].split("#")[0] for a in index.select("table.indextable a[href]")}
    for chapter in CATALOG.chapters:
        assert f"{chapter.docname}.html" in hrefs, f"no index entry points into {chapter.slug}"
