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
