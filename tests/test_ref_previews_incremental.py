"""Reference previews follow an incremental build (kexuebook/sphinx/html/ref_previews.py derives them only from the
pages the build wrote): an edited page's previews change, an untouched page's file is not redone."""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from kexuebook.sphinx.html import ref_previews

PAGES = {
    "index": "封面\n====\n\n.. toctree::\n\n   one\n   two\n",
    "one": "第一章\n======\n\n旧的第一段。\n",
    "two": "第二章\n======\n\n第二章的第一段。\n",
}


def build(source: Path) -> Path:
    app = SphinxTestApp("html", srcdir=source)
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir) / "_static" / "previews"


def test_an_edited_page_gets_new_previews_and_an_untouched_one_is_not_parsed_again(tmp_path, monkeypatch):
    source = tmp_path / "book"
    source.mkdir()
    (source / "conf.py").write_text("extensions = ['kexuebook.sphinx.html.ref_previews']\n", encoding="utf-8")
    for name, text in PAGES.items():
        (source / f"{name}.rst").write_text(text, encoding="utf-8")
    previews = build(source)
    assert "旧的第一段" in json.loads((previews / "one.json").read_text(encoding="utf-8"))[""]
    before = (previews / "two.json").read_bytes()

    parsed = []
    page_previews = ref_previews.page_previews
    monkeypatch.setattr(ref_previews, "page_previews", lambda html, docname: parsed.append(docname) or page_previews(html, docname))
    (source / "one.rst").write_text("第一章\n======\n\n新的第一段。\n", encoding="utf-8")
    previews = build(source)
    lead = json.loads((previews / "one.json").read_text(encoding="utf-8"))[""]
    assert "新的第一段" in lead and "旧的第一段" not in lead
    assert "one" in parsed and "two" not in parsed, "a page this build did not write is not parsed again"
    assert (previews / "two.json").read_bytes() == before
