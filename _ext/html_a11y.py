"""Accessible markup where docutils' HTML writer emits roles that ARIA no longer allows.

docutils writes a citation list as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
items: ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1 and not allowed on a ``div``, and a
``list`` must hold ``listitem``s (axe-core: aria-allowed-role, aria-deprecated-role,
aria-required-children; Lighthouse counts each against accessibility).  The entries become
``listitem``s of their list.

sphinx.ext.graphviz embeds an SVG diagram as ``<object>`` with its alt text as fallback content,
which assistive technology does not read for an object that renders (axe-core: object-alt):
the object becomes ``role="img"`` named by that alt text.

(The permalink marks' titles, which Sphinx 8.2's zh_CN catalogue leaves in English, are in the
book's own catalogue, locale/zh_CN/LC_MESSAGES/sphinx.po.)
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

REPLACEMENTS = {
    ' role="doc-biblioentry"': ' role="listitem"',
}
GRAPHVIZ_OBJECT = re.compile(r'<object (data="[^"]*" type="image/svg\+xml" class="graphviz">)\s*<p class="warning">([^<]*)</p>')


def _name_object(match: re.Match) -> str:
    return f'<object role="img" aria-label="{match.group(2).strip()}" {match.group(1)}<p class="warning">{match.group(2)}</p>'


def fix_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body:
        for old, new in REPLACEMENTS.items():
            body = body.replace(old, new)
        context["body"] = GRAPHVIZ_OBJECT.sub(_name_object, body)  # alt text is HTML-escaped already


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", fix_roles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
