"""Markup mistakes that MyST accepts silently become warnings (errors under ``-W``), with file and line.

- An unclosed fence (```` ```{note} ```` or ``:::{note}`` with no closing line): CommonMark lets it
  run to the end of the file (or of its list or quotation), so it swallows every section after it
  and the strict build still passes.
- A heading inside a directive (a ``## 注解与延伸`` that an admonition swallowed): MyST turns it
  into a plain rubric, not a section, without a word.

Each document and each file it includes is read with MyST's own Markdown parser and settings, so
the fences seen are the ones MyST sees.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.parsers.mdit import create_md_parser
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Directives whose body is Markdown (parsed again by MyST): fences inside them are checked too.
MARKDOWN_BODIES = frozenset(
    "admonition attention caution danger error hint important note seealso tip warning container topic sidebar epigraph".split()
)
FENCES = ("fence", "colon_fence")


def _closed(token: Token, lines: list[str]) -> bool:
    """Whether the fence ``token`` ends on a closing line (markdown-it gives no flag for it)."""
    assert token.map is not None  # the caller skips tokens without one
    start, end = token.map
    if end - start < 2 or end > len(lines):
        return False
    last = lines[end - 1].strip().lstrip(">").strip()  # a fence in a quotation keeps its '>'
    char = token.markup[0]
    return len(last) >= len(token.markup) and set(last) == {char}


def unclosed_fences(text: str, parser, offset: int = 0) -> list[tuple[int, str]]:
    """(1-based line, opening line) of every fence in ``text`` that is never closed."""
    lines = text.splitlines()
    found = []
    for token in parser.parse(text):
        if token.type not in FENCES or token.map is None:
            continue
        opening = lines[token.map[0]].strip()
        if not _closed(token, lines):
            found.append((offset + token.map[0] + 1, opening))
            continue
        name = token.info.strip()
        if name.startswith("{") and name[1:].split("}", 1)[0] in MARKDOWN_BODIES:
            found += unclosed_fences(token.content, parser, offset + token.map[0] + 1)
    return found


# Attributes Sphinx's classes do not declare: the parser we keep on the application (not on env:
# env is pickled), and MyST's settings, which myst_parser stores on the environment.
PARSER_ATTR = "_book_fence_parser"
MYST_CONFIG_ATTR = "myst_config"


def _parser(app: Sphinx):
    parser = getattr(app, PARSER_ATTR, None)
    if parser is None:
        parser = create_md_parser(getattr(app.env, MYST_CONFIG_ATTR), RendererHTML)
        setattr(app, PARSER_ATTR, parser)
    return parser


def _warn_unclosed(app: Sphinx, path: str, text: str) -> None:
    for line, opening in unclosed_fences(text, _parser(app)):
        marker = opening[: len(opening) - len(opening.lstrip(opening[0]))] if opening else "```"
        logger.warning(
            "unclosed fence %s: it runs to the end of the file (or of its list or quotation) and swallows "
            "everything after it; expected a closing %s on a line of its own",
            opening, marker, location=f"{path}:{line}", type="book", subtype="unclosed_fence",
        )


def check_document(app: Sphinx, docname: str, source: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".md"):
        _warn_unclosed(app, str(app.env.doc2path(docname)), source[0])


def check_include(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    if relative_path.suffix == ".md":
        _warn_unclosed(app, str(Path(app.srcdir) / relative_path), content[0])


def check_headings(app: Sphinx, doctree: nodes.document) -> None:
    """A rubric MyST made from a Markdown heading (it marks them with ``level``) was meant as a section."""
    for rubric in doctree.findall(nodes.rubric):
        if "level" not in rubric.attributes:
            continue  # a {rubric} directive: a rubric on purpose
        container = rubric.parent
        name = next((c for c in container["classes"] if c != "admonition"), container.tagname) if container is not None else "?"
        logger.warning(
            "heading %r inside a directive (%s) is not a section: the directive swallowed it; expected "
            "the directive closed before the heading",
            f"{'#' * rubric['level']} {rubric.astext()}", name, location=rubric, type="book", subtype="swallowed_heading",
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("source-read", check_document)
    app.connect("include-read", check_include)
    app.connect("doctree-read", check_headings)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
