"""Serve KaTeX's stylesheet and fonts from the book itself, so math renders offline.

Math is prerendered to HTML at build time (``katex_prerender``); the page needs only
``katex.min.css`` and the WOFF2 fonts it names first (browsers never fetch the fallbacks).
They come from the npm package pinned in package-lock.json (``npm ci``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.typing import ExtensionMetadata

def katex_dist(app: Sphinx) -> Path:
    return Path(app.srcdir) / "node_modules" / "katex" / "dist"


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    dist = katex_dist(app)
    target = Path(app.outdir) / "_static" / "katex"
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dist / "katex.min.css", target / "katex.min.css")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, target / "fonts" / font.name)


def check_assets(app: Sphinx) -> None:
    if app.builder.format == "html" and not (katex_dist(app) / "katex.min.css").is_file():
        raise ExtensionError(f"KaTeX assets not found in {katex_dist(app)}: run `npm ci` (make html does)")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", check_assets)
    app.connect("build-finished", copy_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
