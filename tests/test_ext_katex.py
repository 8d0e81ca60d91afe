"""The KaTeX extension's behaviour, each proved on a tiny Sphinx project (sphinx.testing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import ROOT

CONF = """
extensions = ["myst_parser", "sphinxcontrib.katex", "kexuebook.sphinx.html.katex_assets"]
myst_enable_extensions = ["dollarmath"]
katex_prerender = True
katex_css_path = "katex/katex.min.css"
"""


def build(tmp_path: Path, text: str) -> tuple[SphinxTestApp, str]:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text(text, encoding="utf-8")
    (source / "node_modules").symlink_to(ROOT / "node_modules")
    app = SphinxTestApp("html", srcdir=source, builddir=tmp_path / "out", confoverrides={"exclude_patterns": ["node_modules"]})
    try:
        app.build()
    finally:
        app.cleanup()
    return app, (tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8")


def test_math_is_prerendered_and_its_assets_are_local(tmp_path):
    app, html = build(tmp_path, "# T\n\n$\\frac{a}{b}$\n")
    assert 'class="katex"' in html and "\\frac" not in html.split('<annotation encoding="application/x-tex">')[0]
    out = tmp_path / "out" / "html" / "_static" / "katex"
    assert (out / "katex.min.css").is_file() and list((out / "fonts").glob("*.woff2"))
    assert "cdn.jsdelivr" not in html


@pytest.mark.parametrize("formula", ["\\frac{1}{", "\\nosuchmacro"])
def test_a_formula_katex_cannot_parse_is_a_warning(tmp_path, formula):
    app, _ = build(tmp_path, f"# T\n\n${formula}$\n")
    assert "KaTeX cannot render" in app.warning.getvalue()


def test_a_known_formula_is_not_rendered_again_and_a_broken_one_warns_in_every_build(tmp_path, monkeypatch):
    """Rendered formulas are kept in the doctree folder: a rebuild in a new process (here: this
    one with its memory cleared) renders only new formulas, and one that knows them all starts
    no KaTeX server; a formula that does not parse is never kept, so each build reports it
    (the live preview counts each build's own warnings)."""
    from sphinxcontrib.katex import KaTeXServer

    from kexuebook.sphinx.html import katex_assets

    rendered = []
    render = katex_assets._render_latex
    monkeypatch.setattr(katex_assets, "_render_latex", lambda latex, options=None: rendered.append(latex) or render(latex, options))
    app, html = build(tmp_path, "# T\n\n$y_{\\mathrm{memo}}$ and $\\frac{1}{$\n")
    assert "memo" in html and "KaTeX cannot render" in app.warning.getvalue()
    assert rendered.count("y_{\\mathrm{memo}}") == 1
    assert (tmp_path / "out" / "doctrees" / katex_assets.RENDERED_FILE).is_file()

    def rebuild(text: str) -> SphinxTestApp:
        """A build in a new process, as far as the formulas go: nothing in memory, no server."""
        monkeypatch.setattr(katex_assets, "RENDERED", katex_assets.rendered_formulas())
        monkeypatch.setattr(KaTeXServer, "katex_server", None)
        (tmp_path / "src" / "index.md").write_text(text, encoding="utf-8")
        again = SphinxTestApp("html", srcdir=tmp_path / "src", builddir=tmp_path / "out", confoverrides={"exclude_patterns": ["node_modules"]})
        try:
            again.build()
        finally:
            again.cleanup()
        return again

    again = rebuild("# T\n\n新的一句。$y_{\\mathrm{memo}}$ and $\\frac{1}{$\n")
    assert "新的一句" in (tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8")
    assert rendered.count("y_{\\mathrm{memo}}") == 1, "known: not rendered again"
    assert "KaTeX cannot render" in again.warning.getvalue()
    rebuild("# T\n\n又一句。$y_{\\mathrm{memo}}$\n")
    assert "又一句" in (tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8")
    assert KaTeXServer.katex_server is None, "every formula known: no server started"
