"""A page whose toctree lists a chapter is written again only when the chapter's entry changed.

With every page it writes, Sphinx writes each page whose toctree lists it
(``env.files_to_rebuild``), whether or not what the toctree shows of it changed: a one-chapter
edit wrote the part page too (and in the live preview, that page's reference previews).  What a
part page shows of a chapter is its title and its table of contents, numbers included.  So each
page read again has that entry noted before it is read; when writing starts, a page whose entry
is unchanged is taken out of ``files_to_rebuild`` for this write (the environment was pickled
whole before), and put back when the build ends.  A new title, section or number writes the
part page as before.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.private_parts import expect

# Entries noted before this build read its pages again, and the parents held back from its write.
_NOTED: dict[int, dict[str, tuple[str, str]]] = {}
_HELD: dict[int, dict[str, set[str]]] = {}


def toctree_entry(env: BuildEnvironment, docname: str) -> tuple[str, str] | None:
    """What a toctree listing the page shows of it: title (with its number) and contents."""
    title, toc = env.titles.get(docname), env.tocs.get(docname)
    if title is None or toc is None:
        return None
    return title.pformat(), toc.pformat()


def note_entries(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    # undocumented, not private: README, Maintenance notes
    expect(env, "files_to_rebuild", "titles", "tocs", distribution="sphinx")
    noted = _NOTED.setdefault(id(app), {})
    for docname in docnames:
        if (entry := toctree_entry(env, docname)) is not None:
            noted[docname] = entry


def hold_unchanged(app: Sphinx, builder: Builder) -> None:
    env, held = builder.env, _HELD.setdefault(id(app), {})
    for docname, entry in _NOTED.pop(id(app), {}).items():
        if docname in env.files_to_rebuild and toctree_entry(env, docname) == entry:
            held[docname] = env.files_to_rebuild.pop(docname)


def restore(app: Sphinx, exception: Exception | None) -> None:
    if app.env is not None:
        app.env.files_to_rebuild.update(_HELD.pop(id(app), {}))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-before-read-docs", note_entries)
    app.connect("write-started", hold_unchanged)
    # First among build-finished handlers: a later one that fails must not leave them held.
    app.connect("build-finished", restore, priority=0)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
