"""Citations as an editor writes them (issue 16): the bibkey as in references.bib, in any chapter.

A tiny book (tests/roots/test-citations: one part, two chapters, three bib entries) built by
sphinx.testing.  A plain ``{cite:p}`kingma2014vae``` in a chapter must be listed in that
chapter's own references, and link there (it used to link the global bibliography as [1]); the
chapter-keyed form ``one-lin2017focal`` that the book's files use still works; a key that
references.bib lacks is reported as that key, the one to add.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sphinx.util.console import strip_colors


def soup_of(app, docname: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def listed(soup: BeautifulSoup) -> list[str]:
    """The entries of the page's own reference list, as text."""
    return [c.get_text(" ", strip=True) for c in soup.select("div.citation")]


def warnings_of(app) -> list[str]:
    text = strip_colors(app.warning.getvalue()).replace(str(app.srcdir) + "/", "")
    return [line for line in text.splitlines() if "WARNING" in line]


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_a_plain_bibkey_is_listed_in_its_chapters_references(app):
    app.build()
    assert warnings_of(app) == []
    one = soup_of(app, "chapters/part-a/one")
    entries = [e.lower() for e in listed(one)]
    assert len(entries) == 3, entries
    assert any("auto-encoding variational bayes" in e for e in entries), "the plain bibkey is listed"
    assert any("focal loss for dense object detection" in e for e in entries), "the chapter-keyed form still works"
    # each citation in the text links into this page's own list (numbered 1.k), not the global one
    own = {c["id"] for c in one.select("div.citation")}
    cites = one.select("span.bibtex-citation a")
    assert [a.get_text() for a in cites] == ["1.1", "1.2", "1.3"]
    assert all(a["href"].startswith("#") and a["href"][1:] in own for a in cites), [a["href"] for a in cites]
    two = [e.lower() for e in listed(soup_of(app, "chapters/part-a/two"))]
    assert len(two) == 1 and "auto-encoding variational bayes" in two[0], "the same paper is listed in both chapters"


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_a_missing_key_is_reported_as_the_key_to_add(app):
    chapter = app.srcdir / "chapters" / "part-a" / "two.md"
    chapter.write_text(
        "# 第二篇\n\n引用一篇没有登记的文献{cite:p}`nosuch2020`，旧写法也一样{cite:p}`two-gone2021`。\n\n"
        "## 参考文献\n\n```{chapter-bibliography}\n```\n",
        encoding="utf-8",
    )
    app.build()
    found = warnings_of(app)
    assert len(found) == 2, found
    assert all(w.startswith("chapters/part-a/two.md:3: WARNING: ") for w in found), found
    assert "citation key 'nosuch2020' is not in references.bib; expected an entry with this key there" in found[0]
    assert "citation key 'gone2021' is not in references.bib" in found[1]
    assert not any("two-nosuch2020" in w or "two-gone2021" in w for w in found), "never the chapter-keyed name"


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_a_new_process_formats_no_list_again_while_the_bib_file_is_unchanged(app, make_app, monkeypatch):
    """The formatted lists are kept in the pickled environment: a build in a new application
    (as a new `make html` process is), after an edit of a chapter's prose, formats none of them
    (pybtex took 0.3 s of every one-chapter rebuild); an edited references.bib formats them again."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    app.build()
    formatted = []
    format_entries = BibtexDomain.get_formatted_entries
    monkeypatch.setattr(BibtexDomain, "get_formatted_entries",
                        lambda self, key, *args: formatted.append(key.docname) or format_entries(self, key, *args))
    chapter = app.srcdir / "chapters" / "part-a" / "two.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("# 第二篇", "# 第二篇\n\n新加的一句话。", 1), encoding="utf-8")
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    assert "新加的一句话" in soup_of(again, "chapters/part-a/two").get_text()
    assert len(listed(soup_of(again, "chapters/part-a/two"))) == 1
    assert formatted == []
    bib = app.srcdir / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Auto-Encoding Variational Bayes", "Auto-Encoding Variational Bayes Again"), encoding="utf-8")
    make_app("html", srcdir=app.srcdir).build()
    assert formatted, "an edited references.bib formats the lists again"


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_a_chapters_list_makes_targets_only_for_its_own_citations(app):
    """sphinxcontrib-bibtex gives every list a citation target for every entry of references.bib
    (chapters × entries: a million at 1,000 articles, 2 GB of memory); a chapter's list holds
    only the entries its chapter cites, in the pickled environment and in the page."""
    app.build()
    assert warnings_of(app) == []
    domain = app.env.get_domain("cite")
    held = {key.docname: sorted(b.citation_nodes) for key, b in domain.bibliographies.items()}
    assert held["chapters/part-a/one"] == ["one-blog-one", "one-kingma2014vae", "one-lin2017focal"]
    assert held["chapters/part-a/two"] == ["two-kingma2014vae"]
    assert len(held["bibliography"]) == 3, "the book's own list (:all:) still holds every entry"
    page = soup_of(app, "chapters/part-a/two")
    assert len(page.select("div.citation")) == 1
    assert not page.select('[id*="lin2017focal"], [id*="blog-one"]'), "no target for another chapter's entry"


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_a_citation_after_the_chapters_list_is_reported_there(app):
    chapter = app.srcdir / "chapters" / "part-a" / "two.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n列表之后又引用{cite:p}`lin2017focal`。\n", encoding="utf-8")
    app.build()
    found = warnings_of(app)
    assert len(found) == 1, found
    assert found[0].startswith("chapters/part-a/two.md:10: WARNING: "), found
    assert "citation key 'lin2017focal' is cited after this chapter's {chapter-bibliography} (line 7)" in found[0], found
