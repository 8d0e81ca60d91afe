"""Accessible markup where docutils' HTML writer emits roles that ARIA no longer allows.

docutils writes a citation list as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
items: ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1 and not allowed on a ``div``, and a
``list`` must hold ``listitem``s (axe-core: aria-allowed-role, aria-deprecated-role,
aria-required-children; Lighthouse counts each against accessibility).  The entries become
``listitem``s of their list.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

REPLACEMENTS = {' role="doc-biblioentry"': ' role="listitem"'}


def fix_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body:
        for old, new in REPLACEMENTS.items():
            body = body.replace(old, new)
        context["body"] = body


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", fix_roles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
