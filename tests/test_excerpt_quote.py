"""The quotation check (kexuebook/sphinx/content/excerpt_quote.py) on a tiny Sphinx project, tests/roots/test-quotation:
a faithful quotation renders and passes; an unfaithful one is a warning naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kexuebook.sphinx.content.excerpt_quote import normalise


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


@pytest.mark.sphinx("html", testroot="quotation", freshenv=True)
def test_an_unfaithful_quotation_is_a_warning_naming_file_and_line(app):
    app.build()
    warnings = app.warning.getvalue()
    assert "unfaithful.md:5: WARNING: the excerpt unfaithful-excerpt.md does not contain the quoted words" in warnings
    assert "它外表是数据扩增" in warnings
    assert "faithful.md" not in warnings.replace("unfaithful.md", "")  # the faithful page passes


@pytest.mark.sphinx("html", testroot="quotation", freshenv=True)
def test_a_faithful_quotation_renders_in_quotation_marks(app):
    app.build()
    soup = BeautifulSoup((app.outdir / "faithful.html").read_text(encoding="utf-8"), "html.parser")
    quote = soup.select_one("span.excerpt-quote")
    assert quote is not None and quote.get_text() == "“表面上看这是一个吹风机, 其实它是一个刮胡刀。”"


@pytest.mark.sphinx("html", testroot="quotation", warningiserror=True, freshenv=True)
def test_the_check_fails_a_strict_build(app):
    """Under -W (Sphinx 8 finishes the build, then exits non-zero)."""
    try:
        app.build()
    except Exception as err:  # older Sphinx raises at the first warning
        assert "does not contain the quoted words" in str(err)
    else:
        assert app.statuscode == 1
        assert "does not contain the quoted words" in app.warning.getvalue()


def test_comparison_ignores_punctuation_width_spacing_and_escapes():
    assert normalise("吹风机, 其实") == normalise("吹风机，其实")
    assert normalise(r"Auto\-Encoder（VAE）") == normalise("Auto-Encoder (VAE)")
    assert normalise("吹风机") != normalise("刮胡刀")
