"""Copying an equation gives its TeX: KaTeX's copy-tex script, served from the book.

The script comes from the npm package pinned in package-lock.json (``npm ci``), like KaTeX's
stylesheet (katex_assets.py).  On a copy whose selection holds rendered math, it puts the TeX
source on the clipboard (``$…$`` inline, ``$$…$$`` for a display) instead of KaTeX's glyphs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import writes_html_pages

SCRIPT = "katex/copy-tex.min.js"


def source(app: Sphinx) -> Path:
    return Path(app.srcdir) / "node_modules" / "katex" / "dist" / "contrib" / "copy-tex.min.js"


def copy_script(app: Sphinx) -> None:
    """Into the site before the pages are written, so that Sphinx versions each page's link to it
    (``?v=``, from the file it finds) on the first build as on the next."""
    if not writes_html_pages(app.builder):
        return
    if not source(app).is_file():
        raise ExtensionError(f"KaTeX's copy-tex script not found at {source(app)}: run `npm ci` (make html does)")
    target = Path(app.outdir) / "_static" / SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source(app), target)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_js_file(SCRIPT, loading_method="defer")
    app.connect("builder-inited", copy_script)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
