"""HTML: no script holds up the first paint; every script of the head runs after parsing.

Sphinx adds its own scripts (documentation_options.js, doctools.js, sphinx_highlight.js,
translations.js) and sphinx-book-theme its script without ``defer``: each one blocks rendering
until it is fetched (on a phone on slow 4G, one round trip each).  None of them needs to run
before the page is parsed: they wait for DOMContentLoaded themselves.  So every external script
of the page's list gets ``defer``, and the inline ones that set ``DOCUMENTATION_OPTIONS`` (added
per page by pydata-sphinx-theme) become module scripts: a module script is deferred too, and
deferred scripts run in document order, so each still runs after documentation_options.js
defined the object it sets.

What must hold before the first paint (the colour mode) is the inline script of the theme's head
block in _themes/kexue/layout.html, which this leaves alone; the search page's scripts are in
_themes/kexue/search.html, deferred there.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import is_html_site

# Attributes that already keep a script from blocking the parser.
NOT_BLOCKING = ("defer", "async")


def deferred(script: _JavaScript) -> _JavaScript:
    """The same script, run after parsing in document order."""
    attributes = dict(script.attributes)
    if any(name in attributes for name in NOT_BLOCKING) or attributes.get("type") == "module":
        return script
    if attributes.get("type") not in (None, "", "text/javascript"):
        return script  # data (application/json ...), not run
    if script.filename:
        attributes["defer"] = "defer"
    else:
        attributes["type"] = "module"  # an inline script cannot take defer; a module is deferred
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def _named(script: _JavaScript, name: str) -> bool:
    return str(script.filename or "").split("?")[0].endswith(f"_static/{name}")


def translations_first(scripts: list[_JavaScript]) -> list[_JavaScript]:
    """The scripts with Sphinx's message catalogue (translations.js) right after doctools.js,
    which it fills.  Sphinx lists the catalogue late; blocking, it still ran before the others'
    DOMContentLoaded handlers, but deferred scripts find the page parsed and run those handlers
    at once: sphinx_highlight.js wrote its button as "Hide Search Matches", not 隐藏搜索结果."""
    rest = [s for s in scripts if not _named(s, "translations.js")]
    at = next((i + 1 for i, s in enumerate(rest) if _named(s, "doctools.js")), 0)
    priority = rest[at - 1].priority if at else 0  # the page's scripts are sorted by priority (stable) when written
    catalogue = [_JavaScript(s.filename, priority=priority, **s.attributes) for s in scripts if _named(s, "translations.js")]
    return rest[:at] + catalogue + rest[at:]


def defer_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if is_html_site(app.builder) and "script_files" in context:
        # A new list: the page is rendered from the context's (sorted by priority after), and the
        # one there is the builder's own, which the next build starts from in a warm application.
        context["script_files"] = translations_first([deferred(script) for script in context["script_files"]])


def setup(app: Sphinx) -> ExtensionMetadata:
    # Late, after the themes add their per-page inline scripts at the default priority.
    app.connect("html-page-context", defer_scripts, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
