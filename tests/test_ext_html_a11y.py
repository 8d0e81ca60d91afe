"""html_a11y's diagrams: every SVG diagram is an <img> named by its alt text (tests/roots/test-graphviz)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup


@pytest.mark.sphinx("html", testroot="graphviz")
def test_every_svg_diagram_is_an_image_named_by_its_alt_text(app):
    app.build()
    assert app.warning.getvalue() == ""
    soup = BeautifulSoup((Path(app.outdir) / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert not soup.find_all("object"), "an <object> is neither named for screen readers nor served offline"
    images = soup.select("img.graphviz")
    named = {img.get("alt"): img["class"] for img in images}
    assert named == {
        "客户端连到服务器": ["graphviz"],
        "路由器经隧道连回 & 转交": ["graphviz", "wide-diagram"],  # a :class: keeps the name
        "内网与公网": ["graphviz", "wide-diagram", "narrow"],
    }
    assert all((Path(app.outdir) / img["src"]).is_file() for img in images)
