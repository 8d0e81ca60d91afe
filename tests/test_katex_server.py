"""A parallel build starts one KaTeX render server, which its worker processes share (issue 18).

A tiny Sphinx project (sphinx.testing) of a cover without math and twelve pages with math,
built with ``-j 2``: Sphinx writes them in two chunks, each in a forked worker.  Every start of
a render server is noted in a file (the workers inherit the note); the pages' math is rendered.
"""

from __future__ import annotations

from sphinx.testing.util import SphinxTestApp
from sphinxcontrib.katex import KaTeXServer

from helpers import ROOT

CONF = """
extensions = ["myst_parser", "sphinxcontrib.katex", "kexuebook.sphinx.html.katex_assets"]
myst_enable_extensions = ["dollarmath"]
katex_prerender = True
katex_css_path = "katex/katex.min.css"
"""
PAGES = 12


def test_a_parallel_build_starts_one_render_server(tmp_path, monkeypatch):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    names = [f"p{n:02d}" for n in range(PAGES)]
    toctree = "\n".join(names)
    (source / "index.md").write_text(f"# 封面\n\n```{{toctree}}\n{toctree}\n```\n", encoding="utf-8")
    for n, name in enumerate(names):
        (source / f"{name}.md").write_text(f"# 第{n}页\n\n$x_{{{n}}}^2$\n", encoding="utf-8")
    (source / "node_modules").symlink_to(ROOT / "node_modules")

    starts = tmp_path / "starts.txt"
    start = KaTeXServer.start.__func__

    def noted_start(cls):
        with starts.open("a", encoding="utf-8") as note:
            note.write("start\n")
        return start(cls)

    monkeypatch.setattr(KaTeXServer, "start", classmethod(noted_start))
    monkeypatch.setattr(KaTeXServer, "katex_server", None)
    app = SphinxTestApp("html", srcdir=source, builddir=tmp_path / "out", parallel=2, confoverrides={"exclude_patterns": ["node_modules"]})
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.builder.parallel_ok, "the pages were written by worker processes"
    for n, name in enumerate(names):
        html = (tmp_path / "out" / "html" / f"{name}.html").read_text(encoding="utf-8")
        assert 'class="katex"' in html and f"x_{{{n}}}^2" in html, name
    assert starts.read_text(encoding="utf-8").count("start") == 1

