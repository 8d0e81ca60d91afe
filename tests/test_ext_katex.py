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


def test_a_formula_is_rendered_once_per_process_and_a_broken_one_warns_in_every_build(tmp_path, monkeypatch):
    """The live preview's warm Sphinx renders an edited chapter again at each save: its unchanged
    formulas come from the process's memo, not the KaTeX server; a formula that does not parse is
    never kept, so each build reports it (the preview counts each build's own warnings)."""
    from kexuebook.sphinx.html import katex_assets

    rendered = []
    render = katex_assets._render_latex
    monkeypatch.setattr(katex_assets, "_render_latex", lambda latex, options=None: rendered.append(latex) or render(latex, options))
    for run in ("one", "two"):
        (tmp_path / run).mkdir()
        app, html = build(tmp_path / run, "# T\n\n$y_{\\mathrm{memo}}$ and $\\frac{1}{$\n")
        assert "memo" in html
        assert "KaTeX cannot render" in app.warning.getvalue(), run
    assert rendered.count("y_{\\mathrm{memo}}") == 1
