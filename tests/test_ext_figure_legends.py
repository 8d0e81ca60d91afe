"""figure_legends: a figure whose caption holds a process's first use of a role has no empty
legend (tests/roots/test-figure-legends); a real legend stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils.parsers.rst import roles


@pytest.fixture
def first_math_role_use(monkeypatch):
    # docutils keeps the roles it has looked up for the whole process (its private _roles):
    # without `math` there, this project's first caption is the first use, as in a one-chapter
    # rebuild of the book.
    monkeypatch.delitem(roles._roles, "math", raising=False)


@pytest.mark.sphinx("html", testroot="figure-legends")
def test_a_caption_with_the_first_use_of_a_role_gets_no_empty_legend(first_math_role_use, app):
    app.build()
    assert app.warning.getvalue() == ""
    soup = BeautifulSoup((Path(app.outdir) / "index.html").read_text(encoding="utf-8"), "html.parser")
    figures = soup.find_all("figure")
    assert len(figures) == 2
    assert figures[0].select(".legend") == [], figures[0]
    assert [legend.get_text(strip=True) for legend in figures[1].select(".legend")] == ["图例：这一段是图例。"]
