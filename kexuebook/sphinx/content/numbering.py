"""The book's numbers: chapters 1–8 straight through the parts; equations by chapter or by tag.

Sphinx restarts section numbers in every numbered toctree (one per part).  This collector
replaces Sphinx's toctree collector with one that, after the usual numbering, gives each
chapter the number the catalog gives it; figure and equation numbers follow, since Sphinx
derives them from section numbers afterwards.  Equations that carry the author's tag
(:mod:`equations`) get that tag as their number.  It all runs in the main process, after the
documents are read, so parallel builds are safe.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.catalog import catalog
from kexuebook.sphinx.content.equations import equation_tags
from kexuebook.sphinx.private_parts import changed


def _renumber(number, chapter: int):
    if not number:
        return number
    return type(number)([chapter, *number[1:]])


class BookTocTreeCollector(TocTreeCollector):
    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        super().clear_doc(app, env, docname)
        _tags(env).pop(docname, None)

    def merge_other(self, app, env, docnames, other) -> None:
        super().merge_other(app, env, docnames, other)
        for docname in docnames:
            if docname in _tags(other):
                _tags(env)[docname] = _tags(other)[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        super().process_doc(app, doctree)
        tags = equation_tags(doctree)
        if tags:
            _tags(app.env)[app.env.docname] = tags

    def assign_section_numbers(self, env: BuildEnvironment) -> list[str]:
        previous = env.toc_secnumbers
        super().assign_section_numbers(env)
        for chapter in catalog(env.app).chapters:
            docname = chapter.docname
            if docname not in env.toc_secnumbers:
                continue
            secnums = env.toc_secnumbers[docname]
            for anchor, number in secnums.items():
                secnums[anchor] = _renumber(number, chapter.number)
            for reference in env.tocs[docname].findall(nodes.reference):
                if reference.get("secnumber"):
                    reference["secnumber"] = _renumber(reference["secnumber"], chapter.number)
            title = env.titles.get(docname)
            if title is not None and title.get("secnumber"):
                title["secnumber"] = _renumber(title["secnumber"], chapter.number)
        return _changed(previous, env.toc_secnumbers)

    def assign_figure_numbers(self, env: BuildEnvironment) -> list[str]:
        previous = env.toc_fignumbers
        super().assign_figure_numbers(env)
        for docname, tags in _tags(env).items():
            equations = env.toc_fignumbers.setdefault(docname, {}).setdefault("displaymath", {})
            equations.update({node_id: (tag,) for node_id, tag in tags.items()})  # type: ignore[misc]  # the tag ("2.1") is the number
        return _changed(previous, env.toc_fignumbers)


def _changed(previous: dict, current: dict) -> list[str]:
    """Documents whose numbers differ from the previous build's (they must be written again)."""
    changed = set(previous) ^ set(current)
    changed |= {docname for docname, numbers in current.items() if previous.get(docname) != numbers}
    return sorted(changed)


def _tags(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    if not hasattr(env, "book_equation_tags"):
        env.book_equation_tags = {}  # type: ignore[attr-defined]
    return env.book_equation_tags  # type: ignore[attr-defined]


def disable_sphinx_toctree_collector(app: Sphinx) -> None:
    """Disable the TocTreeCollector that Sphinx registers at start-up.

    Private: Sphinx has no API to replace or remove an environment collector, so this finds it
    among the listeners of ``env-get-updated`` (``app.events.listeners``, whose handler is the
    collector's bound method)."""
    try:
        owners = [getattr(listener.handler, "__self__", None) for listener in app.events.listeners["env-get-updated"]]
    except (AttributeError, KeyError, TypeError) as err:
        raise changed("sphinx", f"the env-get-updated listeners cannot be read from app.events.listeners ({err!r})") from None
    collectors = [owner for owner in owners if type(owner) is TocTreeCollector]
    if len(collectors) != 1:
        raise changed("sphinx", f"{len(collectors)} TocTreeCollectors listen to env-get-updated; expected Sphinx's one")
    collectors[0].disable(app)


def replace_toctree_collector(app: Sphinx) -> None:
    disable_sphinx_toctree_collector(app)
    app.add_env_collector(BookTocTreeCollector)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("kexuebook.sphinx.content.equations")
    replace_toctree_collector(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
