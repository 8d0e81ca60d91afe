"""The theme's icon fonts cut to the icons the site's stylesheet uses.

pydata-sphinx-theme ships Font Awesome whole (fa-solid-900.woff2 is 112 KB); the book's pages
show about a dozen of its icons.  A page fetches its icon font at the highest priority, next to
the stylesheet, so the whole font competes with the text for a phone's bandwidth.  Here each icon
face the bundle names is subset (fontTools) to the characters the bundle's ``content`` values and
custom properties name, written beside the original under a name with a hash, and the bundle's
``url()`` points at it.  The codepoints come from the finished, purged stylesheet: an icon a new
page uses keeps its rule there, and so its glyph.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ICON_FONT = re.compile(r"""url\(\s*(['"]?)([^'")]*/fontawesome/webfonts/[^'")/]+\.woff2)\1\s*\)""")
# A CSS string's escapes (\f0c9) and the characters of the strings in content values and in
# custom properties: Font Awesome's --fa, and pydata-sphinx-theme's --pst-icon-* (the admonitions'
# icons, set by a property a content rule reads through var()).
GLYPH_VALUE = re.compile(r"""(?:content|--[\w-]+)\s*:\s*((?:"[^"]*"|'[^']*'|[^;{}])*)""")
CSS_STRING = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
SUBSET_MARK = "-subset-"


def _unescape(text: str) -> str:
    return CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


def codepoints(css: str) -> set[int]:
    """Every character named in a ``content`` or custom property string of the stylesheet."""
    found = set()
    for value in GLYPH_VALUE.findall(css):
        for double, single in CSS_STRING.findall(value):
            found |= {ord(c) for c in _unescape(double or single)}
    return found


def subset_woff2(source: Path, keep: set[int]) -> bytes:
    # fontTools logs every table it prunes at INFO; in a build whose root logger shows INFO those
    # lines buried Sphinx's own warnings (the strict build's reason to fail).
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = TTFont(source)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # ligatures and the like, as in the original
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(keep & set(font.getBestCmap())))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def write_subset(outdir: Path, source: str, keep: set[int]) -> str:
    """Write the cut of the site's font ``source``; returns its site-relative path.  Named by a
    hash of the font and the characters kept: a build that keeps the same ones reuses the file."""
    key = hashlib.sha256((outdir / source).read_bytes() + repr(sorted(keep)).encode()).hexdigest()[:8]
    stem = posixpath.splitext(source)[0]
    target = f"{stem}{SUBSET_MARK}{key}.woff2"
    for old in (outdir / source).parent.glob(f"{posixpath.basename(stem)}{SUBSET_MARK}*.woff2"):
        if old.name != posixpath.basename(target):
            old.unlink()  # an earlier build's cut: no page loads it, the precache must not list it
    if not (outdir / target).is_file():
        (outdir / target).write_bytes(subset_woff2(outdir / source, keep))
    return target


def subset_icon_fonts(css: str, bundle: str, outdir: Path) -> str:
    """``css`` (the bundle at ``bundle``, site-relative) with its icon fonts replaced by subsets."""
    keep = codepoints(css)
    folder = posixpath.dirname(bundle)
    sources = {posixpath.normpath(posixpath.join(folder, m.group(2))) for m in ICON_FONT.finditer(css)}
    cuts = {source: write_subset(outdir, source, keep) for source in sorted(sources)
            if SUBSET_MARK not in source and (outdir / source).is_file()}

    def replace(match: re.Match) -> str:
        cut = cuts.get(posixpath.normpath(posixpath.join(folder, match.group(2))))
        return f'url("{posixpath.relpath(cut, folder)}")' if cut else match.group(0)

    return ICON_FONT.sub(replace, css)
